interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

const FIXED = Symbol.for('forewarn.kafkajs.requestQueueFixed');

/**
 * kafkajs 2.2.4, its last release, re-arms a timer after every response to look at the requests
 * waiting for a broker's throttle to end, even when none waits and nothing is throttled. Its delay
 * is then `throttledUntil - now` with `throttledUntil` = -1, so the timer fires after 1 ms, again
 * and again (kafkajs issue 1704), and Node 24 warns about every such timer on stderr
 * ("TimeoutNegativeWarning", kafkajs issue 1751; fixed in pull requests 1755 and 1768, never
 * merged). This applies the fix proposed there, once per process: no timer when nothing waits and
 * no throttle is in force; otherwise kafkajs' own scheduling, whose delay is then positive.
 */
export function fixKafkajsRequestQueue(): void {
  // Not part of kafkajs' public API; the package (no "exports" map) is pinned by the lockfile.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals & { [FIXED]?: true } };
  const queue = RequestQueue.prototype;
  if (queue[FIXED]) return;
  const schedule = queue.scheduleCheckPendingRequests;
  queue.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  queue[FIXED] = true;
}
