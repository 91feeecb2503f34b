import { Injectable } from '@nestjs/common';
import { Metrics } from './metrics';
import { Readiness } from './readiness';

/**
 * `forewarn_ready{dependency}` on `/metrics`: 1 while a dependency answers, 0 while it does not,
 * asked when Prometheus scrapes with the same checks as `/readyz`. Prometheus reads `/metrics`, not
 * `/readyz`, so this is how an alert sees a service that runs but is not ready.
 */
@Injectable()
export class ReadinessMetrics {
  constructor(readiness: Readiness, metrics: Metrics) {
    metrics.gauge('forewarn_ready', 'Whether a dependency answers (1) or not (0), as /readyz reports it', ['dependency'], async () => {
      const { dependencies } = await readiness.report();
      return Object.entries(dependencies).map(([dependency, state]) => ({ labels: { dependency }, value: state === 'up' ? 1 : 0 }));
    });
  }
}
