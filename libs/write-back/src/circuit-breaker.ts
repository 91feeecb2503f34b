/** When a vendor endpoint (an API base URL) counts as down, and for how long Forewarn leaves it alone. */
export interface BreakerPolicy {
  /** Failures in a row (5xx, timeouts, lost connections) that open the circuit. */
  failuresToOpen: number;
  /** How long an open circuit stays open before one call may try (half-open). */
  coolDownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

interface Endpoint {
  failures: number;
  openUntil: number;
  /** A half-open trial call is out: others wait for its outcome. */
  trialOut: boolean;
  /** A `429` asked everyone to wait until then. */
  pausedUntil: number;
}

/**
 * A circuit breaker per vendor endpoint, so a helpdesk that is down is not hammered and its notes
 * wait instead: `failuresToOpen` failures in a row open it; after `coolDownMs` one call may try
 * (half-open): success closes it, failure opens it again. A `429` pauses the endpoint until the
 * vendor's `Retry-After` without counting as a failure. Times are passed in, so it is tested
 * without a clock.
 */
export class CircuitBreakers {
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(private readonly policy: BreakerPolicy) {}

  private of(endpoint: string): Endpoint {
    let state = this.endpoints.get(endpoint);
    if (!state) {
      state = { failures: 0, openUntil: 0, trialOut: false, pausedUntil: 0 };
      this.endpoints.set(endpoint, state);
    }
    return state;
  }

  state(endpoint: string, now: number): BreakerState {
    const e = this.endpoints.get(endpoint);
    if (!e || e.failures < this.policy.failuresToOpen) return 'closed';
    return now < e.openUntil ? 'open' : 'half-open';
  }

  /**
   * Whether a call to the endpoint may go out now: `null` if so (a half-open circuit lets one
   * through and holds the rest), else until when to wait.
   */
  admit(endpoint: string, now: number): Date | null {
    const e = this.of(endpoint);
    if (now < e.pausedUntil) return new Date(e.pausedUntil);
    const state = this.state(endpoint, now);
    if (state === 'open') return new Date(e.openUntil);
    if (state === 'half-open') {
      if (e.trialOut) return new Date(now + this.policy.coolDownMs);
      e.trialOut = true;
    }
    return null;
  }

  /** The endpoint answered (a success, or a refusal that says it is up: 4xx). */
  succeeded(endpoint: string): void {
    const e = this.of(endpoint);
    e.failures = 0;
    e.openUntil = 0;
    e.trialOut = false;
  }

  /** The call `admit` let through did not go out after all: a half-open circuit lets the next one try. */
  released(endpoint: string): void {
    this.of(endpoint).trialOut = false;
  }

  /** A 5xx, a timeout or a lost connection. Returns whether this failure opened the circuit. */
  failed(endpoint: string, now: number): boolean {
    const e = this.of(endpoint);
    const wasOpen = e.failures >= this.policy.failuresToOpen;
    e.failures += 1;
    e.trialOut = false;
    if (e.failures >= this.policy.failuresToOpen) e.openUntil = now + this.policy.coolDownMs;
    return !wasOpen && e.failures >= this.policy.failuresToOpen;
  }

  /** A `429`: nobody calls the endpoint before `until`; not a failure (the vendor is up, and busy). */
  pause(endpoint: string, until: number): void {
    const e = this.of(endpoint);
    e.pausedUntil = Math.max(e.pausedUntil, until);
    e.trialOut = false;
  }

  /** Every endpoint it knows, with its state. */
  all(now: number): { endpoint: string; state: BreakerState }[] {
    return [...this.endpoints.keys()].map((endpoint) => ({ endpoint, state: this.state(endpoint, now) }));
  }
}
