import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AccountHealthConfig } from '@forewarn/config';
import type { HealthPolicy } from '@forewarn/health';

export const ACCOUNT_HEALTH_CONFIG = Symbol('ACCOUNT_HEALTH_CONFIG');
/** The health policy validated at start (main.ts), before the holder takes over reloads. */
export const INITIAL_POLICY = Symbol('INITIAL_POLICY');

/** The service's settings and its starting policy, for every feature module. */
@Global()
@Module({})
export class AccountHealthConfigModule {
  static forRoot(config: AccountHealthConfig, policy: HealthPolicy): DynamicModule {
    return {
      module: AccountHealthConfigModule,
      providers: [{ provide: ACCOUNT_HEALTH_CONFIG, useValue: config }, { provide: INITIAL_POLICY, useValue: policy }],
      exports: [ACCOUNT_HEALTH_CONFIG, INITIAL_POLICY],
    };
  }
}
