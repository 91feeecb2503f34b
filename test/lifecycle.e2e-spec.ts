import { type Bus, startBus } from './support/bus';
import { duplicateMails, envOf, expectSameAsCleanRun, mailSettled, note, projection, settle, stream, SWEEP_ENV, workload } from './support/faults';
import { type AppName, eventually, type RunningService, sleep, startService } from './support/services';

const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 1_000_000);

/** A counter's value from a service's /metrics, summed over its labels. */
const counter = async (service: RunningService, name: string): Promise<number> => {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `)).reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
};

/** Log lines at error or fatal level (pino 50, 60). */
const errorLines = (service: RunningService): string[] => service.logs().split('\n').filter((line) => /"level":(50|60)\b/.test(line));

/**
 * A graceful life cycle (issue 15, item 5): on SIGTERM every process stops taking work, finishes
 * and commits what it holds, closes its producers and pools, and exits within 10 s. Sent in the
 * middle of a stream, it costs no work beyond the batch in flight, loses nothing and logs no error.
 */
describe('life cycle: SIGTERM in the middle of a stream', () => {
  let bus: Bus;
  let apiKey: string;
  const started: RunningService[] = [];

  /** SIGTERM, how long the exit took and what it logged; then the same service again. */
  const terminate = async (name: AppName): Promise<{ exitMs: number; exit: string; errors: string[]; successor: RunningService }> => {
    const victim = bus.services[name];
    const env = envOf(victim);
    const began = Date.now();
    await victim.stop('SIGTERM');
    const exitMs = Date.now() - began;
    const successor = await startService(name, env);
    started.push(successor);
    bus.services[name] = successor;
    note(`SIGTERM ${name}: exited after ${exitMs} ms (code ${victim.child.exitCode}, signal ${victim.child.signalCode})`);
    // Nest closes everything, then raises the signal again, as a well-behaved process does: it ends "by SIGTERM".
    const exit = victim.child.exitCode === 0 || victim.child.signalCode === 'SIGTERM' ? 'clean' : `code ${victim.child.exitCode}, signal ${victim.child.signalCode}`;
    return { exitMs, exit, errors: errorLines(victim), successor };
  };

  beforeAll(async () => {
    bus = await startBus('lifecycle', { ...SWEEP_ENV, GATEWAY_RATE_LIMIT_PER_SECOND: '100000' });
    apiKey = await bus.addSource('helpdesk');
  });

  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    await bus?.stop();
  });

  it('each service exits within 10 s without an error, and the stream loses nothing and redoes no committed batch', async () => {
    const events = workload(bus.tag, 30, SEED);
    const sending = stream(bus, apiKey, events, { batch: 10, pauseMs: 50 });
    await sleep(1_500);
    const health = await terminate('account-health');
    await sleep(1_000);
    const notifier = await terminate('notifier');
    await sleep(500);
    const gateway = await terminate('gateway');
    const dashboard = await terminate('dashboard');
    const { accepted, statuses } = await sending;
    note(`${events.length} events, ${accepted.size} accepted (${JSON.stringify(statuses)})`);

    for (const [name, stop] of Object.entries({ health, notifier, gateway, dashboard })) {
      expect({ name, exit: stop.exit, errors: stop.errors }).toEqual({ name, exit: 'clean', errors: [] });
      expect(stop.exitMs).toBeLessThan(10_000);
    }

    await settle(bus);
    const ledger = await mailSettled(bus);
    // What the stopped account-health had committed was not done again by its successor; only a
    // batch that was still in flight may come back (at most one fetch of one partition).
    const redone = await counter(health.successor, 'forewarn_health_events_duplicate_total');
    note(`events seen again after the SIGTERM: ${redone}`);
    expect(redone).toBe(0);
    expect((await projection(bus.database.db)).events).toBe(accepted.size);
    await expectSameAsCleanRun(bus.database.db, bus, accepted.size);
    expect(duplicateMails(bus.sink.messages())).toEqual([]);
    expect(ledger.sentButMissing).toEqual([]);
    await eventually('the restarted dashboard to answer', async () => (await fetch(`${dashboard.successor.url}/readyz`)).ok);
  }, 300_000);
});
