import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<boolean>;

/** Each app registers what it depends on (Kafka, PostgreSQL, SMTP); `/readyz` asks them all. */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Whether one named dependency answers now (false when none is registered under that name). */
  async isUp(name: string): Promise<boolean> {
    const check = this.checks.get(name);
    return check ? check().catch(() => false) : false;
  }

  async report(timeoutMs = 2500): Promise<{ ready: boolean; dependencies: Record<string, 'up' | 'down'> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
        const up = await Promise.race([check().catch(() => false), timeout]);
        return [name, up ? 'up' : 'down'] as const;
      }),
    );
    const dependencies = Object.fromEntries(entries);
    return { ready: entries.every(([, state]) => state === 'up'), dependencies };
  }
}
