import { TOPIC_PARTITIONS } from '@forewarn/contracts';
import type { SinkMessage } from '@forewarn/devstack';
import { type Bus, startBus } from './support/bus';
import { duplicateMails, envOf, expectSameAsCleanRun, lostAlerts, mailSettled, note, projection, random, readTopic, settle, stream, SWEEP_ENV, workload } from './support/faults';
import { type AppName, eventually, type RunningService, sleep, startService } from './support/services';

const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 1_000_000);

/** A counter's value summed over its labels that match, from a service's /metrics. */
const metric = async (service: RunningService, name: string, labels: Record<string, string> = {}): Promise<number> => {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return text.split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
};

/**
 * Scaling out by partitions and instances (issue 15, item 4): the events topic has six partitions,
 * two account-health instances share them in one consumer group, two notifiers share the alerts.
 * During a stream one of each is stopped with SIGTERM and the other killed with kill -9, and all
 * come back. What came out must equal one undisturbed instance's run of the same events.
 */
describe('scale-out: two account-health instances and two notifiers, stopped and killed during a stream', () => {
  let bus: Bus;
  let apiKey: string;
  const instances: Record<'account-health' | 'notifier', RunningService[]> = { 'account-health': [], notifier: [] };
  const started: RunningService[] = [];
  const killedAt: number[] = [];
  const sigterm: { name: string; exitMs: number; errors: string[] }[] = [];

  const second = async (name: AppName): Promise<RunningService> => {
    const service = await startService(name, envOf(bus.services[name]));
    started.push(service);
    return service;
  };

  /** Stops one instance (SIGTERM: it finishes what it holds; SIGKILL: it just dies) and starts a replacement with the same environment. */
  const disrupt = async (name: 'account-health' | 'notifier', index: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    const victim = instances[name][index];
    const env = envOf(victim);
    const began = Date.now();
    if (signal === 'SIGKILL') killedAt.push(began);
    await victim.stop(signal);
    if (signal === 'SIGTERM') {
      const errors = victim.logs().split('\n').filter((line) => /"level":(50|60)/.test(line));
      sigterm.push({ name, exitMs: Date.now() - began, errors });
    }
    await sleep(1_000);
    const fresh = await startService(name, env);
    started.push(fresh);
    instances[name][index] = fresh;
    note(`${signal} ${name} #${index + 1}; back after ${Date.now() - began} ms`);
  };

  beforeAll(async () => {
    // Digests due at once (hour 0) and checked every second by both notifiers: each lead must still get one a day.
    bus = await startBus('scaleout', { ...SWEEP_ENV, GATEWAY_RATE_LIMIT_PER_SECOND: '100000', DIGEST_HOUR: '0', DIGEST_CHECK_MS: '1000' });
    apiKey = await bus.addSource('helpdesk');
    // The lead of the workload's accounts is one of our own people, so digests go to them.
    await bus.addUser(`lead.${bus.tag}@sales.example`, 'lead', 'enterprise');
    instances['account-health'] = [bus.services['account-health'], await second('account-health')];
    instances.notifier = [bus.services.notifier, await second('notifier')];
    note(`seed ${SEED}`);
  });

  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    await bus?.stop();
  });

  it('stores every event once, projects what one instance projects, loses no alert, mails no one twice, and digests once', async () => {
    const admin = bus.kafka.admin();
    await admin.connect();
    const partitions = (await admin.fetchTopicMetadata({ topics: [bus.topics.events] })).topics[0].partitions.length;
    await admin.disconnect();
    expect(partitions).toBe(TOPIC_PARTITIONS.events);
    expect(partitions).toBe(6);

    // Each account also has a renewal meeting that enters the 24-hour briefing window a little after
    // the stream starts: only the sweep (time passing) can raise those briefings, and both instances sweep.
    const windowOpensAt = Date.now() + 20_000;
    const meetings = Array.from({ length: 40 }, (_, a) => ({
      specversion: '1.0' as const, id: `m-${bus.tag}-${a}`, type: 'forewarn.meeting.scheduled', time: new Date().toISOString(),
      data: { account: { id: `acct-${bus.tag}-${a}` }, meeting: { id: `renewal-${a}`, title: `Renewal ${a}`, kind: 'renewal', startsAt: new Date(windowOpensAt + 24 * 3_600_000).toISOString() } },
    }));
    const events = [...workload(bus.tag, 40, SEED), ...meetings];
    const rnd = random(SEED + 3);
    const sending = stream(bus, apiKey, events, { batch: 15, pauseMs: 40 });
    await sleep(1_000 + Math.floor(rnd() * 1_000));
    await disrupt('account-health', 0, 'SIGTERM');
    await disrupt('notifier', 0, 'SIGTERM');
    await sleep(Math.floor(rnd() * 1_000));
    await disrupt('account-health', 1, 'SIGKILL');
    await disrupt('notifier', 1, 'SIGKILL');
    const { accepted, statuses } = await sending;
    note(`${events.length} events, ${accepted.size} accepted (${JSON.stringify(statuses)})`);

    // The meetings are inside the briefing window now, and both instances have swept since.
    await sleep(Math.max(0, windowOpensAt + 5_000 - Date.now()));
    await settle(bus, 180_000);
    const ledger = await mailSettled(bus, 200_000, { leasedIsSettled: true });

    // Every accepted event stored once, nothing dead-lettered, and the same projections as one undisturbed instance.
    expect((await projection(bus.database.db)).events).toBe(accepted.size);
    expect(await bus.messageCount(bus.topics.dlq)).toBe(0);
    await expectSameAsCleanRun(bus.database.db, bus, accepted.size);

    // No alert lost on the way to the notifiers, no recipient mailed twice.
    expect(await lostAlerts(bus.database.db)).toEqual([]);
    expect(ledger.sentButMissing).toEqual([]);
    const mails: SinkMessage[] = bus.sink.messages();
    expect(mails.length).toBeGreaterThan(0);
    expect(duplicateMails(mails)).toEqual([]);

    // Two relays share the outbox: an alert reaches alerts.v1 twice only when a relay was killed between
    // Kafka's acknowledgement and its commit (its rows unlock, another relay publishes them again) —
    // never because both relays took the same rows.
    const published = await readTopic(bus.kafka, bus.topics.alerts, await bus.messageCount(bus.topics.alerts));
    const firstSeen = new Map<string, number>();
    const doubled: { id: string; at: number }[] = [];
    for (const message of published) {
      const id = JSON.parse(String(message.value)).id as string;
      const at = message.timestamp;
      if (firstSeen.has(id)) doubled.push({ id, at });
      else firstSeen.set(id, at);
    }
    const afterAKill = (at: number) => killedAt.some((k) => at >= k && at <= k + 30_000);
    expect(doubled.filter((d) => !afterAKill(d.at))).toEqual([]);
    note(`alerts.v1: ${published.length} messages, ${firstSeen.size} alerts, ${doubled.length} published again after a kill -9`);

    // Sweeps: both instances sweep every second (one at a time, under the advisory lock), and each
    // meeting that entered the briefing window got one briefing, not one per instance.
    const runs = await Promise.all(instances['account-health'].map(async (instance) => ({
      swept: await metric(instance, 'forewarn_health_sweeps_total', { outcome: 'swept' }),
      skipped: await metric(instance, 'forewarn_health_sweeps_total', { outcome: 'skipped' }),
    })));
    for (const run of runs) expect(run.swept + run.skipped).toBeGreaterThan(0);
    const briefings: { meeting_id: string; n: number }[] = await bus.database.db.query(
      `SELECT meeting_id, count(*)::int AS n FROM health.alerts WHERE kind = 'briefing' GROUP BY meeting_id`);
    expect(briefings.length).toBeGreaterThan(0);
    expect(briefings.filter((b) => b.n > 1)).toEqual([]);
    const swept = runs.reduce((sum, r) => sum + r.swept, 0);
    const skipped = runs.reduce((sum, r) => sum + r.skipped, 0);

    // Digests: both notifiers look every second; the lead gets one digest, from one of them.
    const lead = `lead.${bus.tag}@sales.example`;
    const digests = await eventually('the lead’s digest', async () => {
      const found = bus.sink.messages().filter((m) => m.to.includes(lead) && m.headers['x-forewarn-kind'] === 'digest');
      return found.length > 0 ? found : null;
    }, { timeoutMs: 30_000 });
    await sleep(3_000); // both notifiers have looked again since
    expect(bus.sink.messages().filter((m) => m.to.includes(lead) && m.headers['x-forewarn-kind'] === 'digest')).toHaveLength(digests.length);
    expect(digests).toHaveLength(1);

    // SIGTERM: each stopped within 10 s and logged no error on the way out.
    for (const stop of sigterm) {
      expect({ name: stop.name, errors: stop.errors }).toEqual({ name: stop.name, errors: [] });
      expect(stop.exitMs).toBeLessThan(10_000);
    }
    note(`mail ledger ${JSON.stringify(ledger.byStatus)}; ${mails.length} mails; ${briefings.length} briefings; sweeps ${swept} run, ${skipped} skipped; SIGTERM exits ${sigterm.map((s) => `${s.name} ${s.exitMs} ms`).join(', ')}`);
  }, 420_000);
});
