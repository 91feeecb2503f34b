import { Module } from '@nestjs/common';
import { GatewayDataModule } from '@forewarn/database';
import { BodyLimits } from './body-limits';
import { IngestService } from './ingest.service';
import { ClientRateLimiter } from './limits/client-rate-limiter';
import { RateLimiter } from './limits/rate-limiter';
import { SourceDirectory } from './source-directory';

/**
 * What every ingest route shares: the sources (cached lookups by key and name), the limits, and
 * validating and publishing events. Its guards (AdmissionGuard, SourceRateLimitGuard) and
 * RejectionsFilter are applied by the controllers that import it, and get these from it.
 */
@Module({
  imports: [GatewayDataModule],
  providers: [SourceDirectory, IngestService, RateLimiter, ClientRateLimiter, BodyLimits],
  exports: [SourceDirectory, IngestService, RateLimiter, ClientRateLimiter, BodyLimits],
})
export class IngestModule {}
