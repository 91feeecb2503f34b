import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process, with the Node.js defaults and a service label. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'forewarn_' });
  }

  setService(service: string): void {
    this.registry.setDefaultLabels({ service });
  }

  counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
    const existing = this.registry.getSingleMetric(name);
    return (existing as Counter<string>) ?? new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram(name: string, help: string, labelNames: string[] = [], buckets?: number[]): Histogram<string> {
    const existing = this.registry.getSingleMetric(name);
    return (existing as Histogram<string>) ?? new Histogram({ name, help, labelNames, registers: [this.registry], ...(buckets ? { buckets } : {}) });
  }
}
