import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per process, with a service label: Node.js's default metrics under their
 * standard names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, …) so stock
 * dashboards work, and Forewarn's own under `forewarn_`.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
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

  /**
   * A gauge read when Prometheus scrapes: `read` returns the current values by label set (e.g. a
   * backlog counted in PostgreSQL). A failing read leaves the series out rather than failing the scrape.
   */
  gauge(name: string, help: string, labelNames: string[], read: () => Promise<{ labels?: Record<string, string>; value: number }[]>): Gauge<string> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Gauge<string>;
    return new Gauge({
      name, help, labelNames, registers: [this.registry],
      async collect() {
        this.reset();
        const values = await read().catch(() => []);
        for (const { labels, value } of values) {
          if (labels) this.set(labels, value);
          else this.set(value);
        }
      },
    });
  }

  /** A gauge the code sets as things happen (e.g. a consumer's lag after each batch). */
  settableGauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
    const existing = this.registry.getSingleMetric(name);
    return (existing as Gauge<string>) ?? new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
