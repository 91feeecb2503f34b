import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import { GATEWAY_CONFIG } from '../gateway.config';
import { BodyLimits } from '../ingest/body-limits';
import { ClientRateLimiter } from '../ingest/limits/client-rate-limiter';
import { RateLimiter } from '../ingest/limits/rate-limiter';
import { openApiDocument, openApiHtml, type OpenApiDocument } from './openapi';

/** The gateway's API description: `/docs` for people, `/docs/openapi.json` for tools. */
@Controller('docs')
export class DocsController {
  private readonly document: OpenApiDocument;
  private readonly html: string;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, limits: BodyLimits, rateLimiter: RateLimiter, clientLimiter: ClientRateLimiter) {
    this.document = openApiDocument({
      maxBatch: config.GATEWAY_MAX_BATCH,
      maxBodyBytes: limits.events,
      webhookMaxBodyBytes: limits.webhooks,
      ratePerSecond: rateLimiter.ratePerSecond,
      burst: rateLimiter.burst,
      clientRatePerSecond: clientLimiter.ratePerSecond,
      clientBurst: clientLimiter.burst,
      toleranceSeconds: config.GATEWAY_SIGNATURE_TOLERANCE_SECONDS,
    });
    this.html = openApiHtml(this.document);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return this.html;
  }

  @Get('openapi.json')
  @Header('Content-Type', 'application/json; charset=utf-8')
  json(): OpenApiDocument {
    return this.document;
  }
}
