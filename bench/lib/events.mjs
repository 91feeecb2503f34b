// Realistic inbound events for the benchmarks: accounts with support cases that are opened,
// commented on, escalated, rejected, resolved. Deterministic for a seed.

export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const COMMENTS = ['This is unacceptable, the third outage this month.', 'Any news on this?', 'Thanks, that helped.', 'We are losing money every hour this is down!', 'Please call me back today.'];

/**
 * An endless stream of events over `accounts` accounts: each account is upserted first, then case
 * events follow in a random mix. `source`/`receivedAt` are set for producers that write to Kafka
 * directly (the gateway sets them itself).
 */
export function eventStream({ tag, accounts = 1000, seed = 1, source = null, startMs = Date.now() - 3_600_000, stepMs = 10 }) {
  const rnd = random(seed);
  const domain = `${tag.toLowerCase().replace(/[^a-z0-9]/g, '')}.example`;
  let seq = 0;
  const openCases = new Map(); // account → case ids
  let upserted = 0;
  const account = (i) => `acct-${tag}-${i}`;
  const envelope = (type, data) => {
    // Never ahead of the clock: the gateway refuses event times more than 5 minutes in the future.
    const time = new Date(Math.min(startMs + seq * stepMs, Date.now())).toISOString();
    const event = { specversion: '1.0', id: `b-${tag}-${seq++}`, type: `forewarn.${type}`, time, data };
    if (source) {
      event.source = source;
      event.forewarnreceivedat = time;
    }
    return event;
  };
  return () => {
    if (upserted < accounts) {
      const i = upserted++;
      return envelope('account.upserted', { id: account(i), name: `Account ${i}`, domains: [`acct${i}.${domain}`], owner: { name: `Owner ${i}`, email: `owner.${i}@${domain}` }, lead: { name: 'Lead', email: `lead@${domain}` }, team: `team-${i % 7}`, tier: i % 10 === 0 ? 'enterprise' : 'growth', arr: 10_000 + (i % 50) * 5_000, timezone: 'UTC' });
    }
    const i = Math.floor(rnd() * accounts);
    const id = account(i);
    const cases = openCases.get(id) ?? [];
    if (cases.length === 0 || rnd() < 0.15) {
      const caseId = `C-${i}-${seq}`;
      cases.push(caseId);
      openCases.set(id, cases);
      return envelope('case.opened', { account: { id }, case: { id: caseId, title: `Problem ${seq}`, severity: 1 + Math.floor(rnd() * 4), status: 'open', product: 'Payments' }, actor: { type: 'customer', name: 'Dana' } });
    }
    const caseId = cases[Math.floor(rnd() * cases.length)];
    const ref = { account: { id }, case: { id: caseId } };
    const r = rnd();
    if (r < 0.35) return envelope('case.commented', { ...ref, actor: { type: 'customer', name: 'Dana' }, comment: { public: true, excerpt: COMMENTS[Math.floor(rnd() * COMMENTS.length)] } });
    if (r < 0.5) return envelope('case.updated', { ...ref, case: { id: caseId, status: rnd() < 0.5 ? 'pending' : 'open' } });
    if (r < 0.6) return envelope('case.escalated', { ...ref, case: { id: caseId, escalationLevel: 1 + Math.floor(rnd() * 3) }, reason: 'Revenue impact' });
    if (r < 0.7) return envelope('case.assigned', { ...ref, assignee: { id: `agent-${Math.floor(rnd() * 20)}`, name: 'Sam' } });
    if (r < 0.77) return envelope('case.resolution_rejected', { ...ref, actor: { type: 'customer', name: 'Dana' }, reason: 'Not good enough' });
    if (r < 0.84) return envelope('case.priority_changed', { ...ref, case: { id: caseId, severity: 1 + Math.floor(rnd() * 4) } });
    if (r < 0.87) return envelope('case.sla_breached', ref);
    if (r < 0.9) return envelope('survey.responded', { ...ref, survey: { kind: 'csat', score: 1 + Math.floor(rnd() * 5) } });
    cases.splice(cases.indexOf(caseId), 1);
    return envelope('case.resolved', { ...ref, case: { id: caseId, status: 'solved' } });
  };
}

/** The partition key the gateway uses (accountKeyOf). */
export function keyOf(event) {
  if (event.type === 'forewarn.account.upserted') return event.data.id;
  const ref = event.data.account;
  return ref.id ?? (ref.domain ? `domain:${ref.domain}` : `external:${ref.externalId}`);
}
