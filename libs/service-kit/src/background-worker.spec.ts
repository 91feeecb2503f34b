import { BackgroundWorker } from './background-worker';
import { inTrace, recordSpans, stopTelemetry, traceLogFields } from './telemetry';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `done()` holds, however slow the machine (up to 10 s). */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !done(); await sleep(5)) if (Date.now() > deadline) throw new Error('waited 10 s');
}

describe('a background worker', () => {
  it('runs a pass at start, long before its interval', async () => {
    let passes = 0;
    const worker = new BackgroundWorker({ name: 't', intervalMs: 60_000, pass: async () => void passes++ });
    worker.start();
    await until(() => passes === 1);
    await worker.stop();
    expect(passes).toBe(1);
  });

  it('then runs a pass every interval, never sooner', async () => {
    // Only lower bounds on time: a loaded machine delays timers, it never fires them early.
    const at: number[] = [];
    const worker = new BackgroundWorker({ name: 't', intervalMs: 30, pass: async () => void at.push(performance.now()) });
    worker.start();
    await until(() => at.length >= 4);
    await worker.stop();
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(29);
  });

  it('runs again at once while a pass says more is waiting', async () => {
    let backlog = 5;
    const worker = new BackgroundWorker({ name: 't', intervalMs: 60_000, pass: async () => (--backlog > 0 ? 'more' : 'idle') });
    worker.start();
    await until(() => backlog === 0); // long before the interval
    await worker.stop();
    expect(backlog).toBe(0);
  });

  it('never runs two passes at once, and a wake during a pass runs another right after it', async () => {
    let inFlight = 0;
    let most = 0;
    let passes = 0;
    const worker = new BackgroundWorker({
      name: 't', intervalMs: 10_000,
      pass: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        passes++;
        await sleep(30);
        inFlight--;
      },
    });
    worker.start();
    await sleep(10);
    worker.wake();
    worker.wake();
    await sleep(100);
    await worker.stop();
    expect(most).toBe(1);
    expect(passes).toBe(2);
  });

  it('backs off after failures and recovers', async () => {
    const at: number[] = [];
    let fail = 3;
    const worker = new BackgroundWorker({ name: 't', intervalMs: 10, maxBackoffMs: 1_000, pass: async () => {
      at.push(Date.now());
      if (fail-- > 0) throw new Error('database down');
    } });
    worker.start();
    await until(() => at.length > 4);
    await worker.stop();
    const gaps = at.slice(1, 4).map((t, i) => t - at[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(18); // 2 × interval
    expect(gaps[2]).toBeGreaterThanOrEqual(75); // 8 × interval
    expect(at.length).toBeGreaterThan(4); // passes go on after the failures
  });

  it('on stop takes no new pass and waits for the one in flight', async () => {
    let finished = false;
    let passes = 0;
    const worker = new BackgroundWorker({ name: 't', intervalMs: 1, pass: async () => {
      passes++;
      await sleep(40);
      finished = true;
    } });
    worker.start();
    await sleep(5);
    await worker.stop();
    expect(finished).toBe(true);
    const after = passes;
    worker.wake();
    await sleep(20);
    expect(passes).toBe(after);
  });

  it('runs a pass outside the trace of whoever woke it (the batch that woke the relay is not the relay’s)', async () => {
    recordSpans();
    try {
      const seen: ReturnType<typeof traceLogFields>[] = [];
      const worker = new BackgroundWorker({ name: 't', intervalMs: 10_000, pass: async () => void seen.push(traceLogFields()) });
      worker.start(10_000);
      inTrace('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', () => worker.wake());
      await until(() => seen.length === 1);
      await worker.stop();
      expect(seen).toEqual([{}]);
    } finally {
      await stopTelemetry();
    }
  });
});
