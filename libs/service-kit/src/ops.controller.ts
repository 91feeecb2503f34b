import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from './metrics';
import { Readiness } from './readiness';

/** `/healthz` (alive), `/readyz` (dependencies reachable) and `/metrics` on every process. */
@Controller()
export class OpsController {
  constructor(private readonly readiness: Readiness, private readonly metrics: Metrics) {}

  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() response: Response): Promise<void> {
    const report = await this.readiness.report();
    response.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not ready', ...report });
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metricsText(@Res() response: Response): Promise<void> {
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
