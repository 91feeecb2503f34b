import { fixKafkajsRequestQueue } from './kafkajs-request-queue';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: { scheduleCheckPendingRequests(this: unknown): void } };

describe('kafkajs request queue on Node 24', () => {
  const timers: unknown[] = [];
  const schedule = (queue: { pending: unknown[]; throttledUntil: number }) => {
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((_fn: () => void, delay?: number) => (timers.push(delay), 1)) as unknown as typeof setTimeout);
    try {
      RequestQueue.prototype.scheduleCheckPendingRequests.call({ ...queue, throttleCheckTimeoutId: null });
    } finally {
      spy.mockRestore();
    }
  };

  beforeAll(() => fixKafkajsRequestQueue());
  beforeEach(() => timers.splice(0));

  it('sets no timer after a response when no request waits and no throttle is in force (no negative delay)', () => {
    schedule({ pending: [], throttledUntil: -1 });
    expect(timers).toEqual([]);
  });

  it('still comes back for waiting requests, and at the end of a throttle', () => {
    schedule({ pending: [{}], throttledUntil: -1 });
    schedule({ pending: [], throttledUntil: Date.now() + 5_000 });
    expect(timers).toHaveLength(2);
    expect(timers.every((delay) => typeof delay === 'number' && delay > 0)).toBe(true);
  });
});
