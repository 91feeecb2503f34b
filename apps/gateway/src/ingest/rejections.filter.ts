import { type ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import { Metrics, Problem, ProblemFilter } from '@forewarn/service-kit';

/**
 * Counts each refused ingest request once, by status (`forewarn_gateway_requests_rejected_total`),
 * and answers it as problem+json like every other error. A filter, not an interceptor: Nest runs
 * guards before interceptors, so an interceptor would never see what the admission, authentication
 * and rate-limit guards refuse; every refusal, theirs included, ends here. Only problems count:
 * an unexpected error is a failure of ours, not a rejection.
 */
@Catch()
@Injectable()
export class RejectionsFilter extends ProblemFilter {
  private readonly rejected;

  constructor(metrics: Metrics) {
    super();
    this.rejected = metrics.counter('forewarn_gateway_requests_rejected_total', 'Requests rejected, by HTTP status', ['status']);
  }

  override catch(caught: unknown, host: ArgumentsHost): void {
    if (caught instanceof Problem) this.rejected.inc({ status: String(caught.status) });
    super.catch(caught, host);
  }
}
