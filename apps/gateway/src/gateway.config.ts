import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** The gateway's validated configuration (GATEWAY_CONFIG), for every feature module. */
@Global()
@Module({})
export class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return { module: GatewayConfigModule, providers: [{ provide: GATEWAY_CONFIG, useValue: config }], exports: [GATEWAY_CONFIG] };
  }
}
