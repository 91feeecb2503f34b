import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { DashboardConfig } from '@forewarn/config';

export const DASHBOARD_CONFIG = Symbol('DASHBOARD_CONFIG');

/** The development mail page exists in development only, and only with a mail sink to read. */
export const devMailAvailable = (config: DashboardConfig): boolean => config.NODE_ENV !== 'production' && !!config.DEV_MAIL_URL;

/** The dashboard's configuration, for every feature module (`@Inject(DASHBOARD_CONFIG)`). */
@Global()
@Module({})
export class DashboardConfigModule {
  static forRoot(config: DashboardConfig): DynamicModule {
    return { module: DashboardConfigModule, providers: [{ provide: DASHBOARD_CONFIG, useValue: config }], exports: [DASHBOARD_CONFIG] };
  }
}
