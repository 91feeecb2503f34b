/**
 * Realistic demo data, relative to "now": five customer accounts from calm to burning, the
 * support history that explains each state, upcoming meetings, and one event whose account is
 * not known yet (it shows up as unmapped).
 */
type Json = Record<string, unknown>;

export interface DemoUser {
  email: string;
  name: string;
  role: 'rep' | 'lead' | 'admin';
  team: string | null;
}

export const DEMO_PASSWORD = 'forewarn-demo';

export const DEMO_USERS: DemoUser[] = [
  { email: 'morgan.lee@demo.forewarn.dev', name: 'Morgan Lee', role: 'lead', team: 'enterprise' },
  { email: 'riley.chen@demo.forewarn.dev', name: 'Riley Chen', role: 'rep', team: 'enterprise' },
  { email: 'jo.park@demo.forewarn.dev', name: 'Jo Park', role: 'rep', team: 'enterprise' },
  { email: 'admin@demo.forewarn.dev', name: 'Ada Admin', role: 'admin', team: null },
];

const HOUR = 3600_000;
let counter = 0;

export function demoEvents(now: Date, runId: string): Json[] {
  const at = (hoursFromNow: number) => new Date(now.getTime() + hoursFromNow * HOUR).toISOString();
  const event = (type: string, data: Json, hoursAgo: number): Json => ({
    specversion: '1.0',
    id: `demo-${runId}-${(counter++).toString().padStart(4, '0')}`,
    type: `forewarn.${type}`,
    time: at(-hoursAgo),
    datacontenttype: 'application/json',
    data,
  });
  const lead = { name: 'Morgan Lee', email: 'morgan.lee@demo.forewarn.dev' };
  const riley = { name: 'Riley Chen', email: 'riley.chen@demo.forewarn.dev' };
  const jo = { name: 'Jo Park', email: 'jo.park@demo.forewarn.dev' };
  const account = (id: string, name: string, domain: string, owner: Json, extra: Json = {}) =>
    event('account.upserted', { id, name, domains: [domain], externalRefs: [{ source: 'demo', id: `crm-${id}` }], owner, team: 'enterprise', lead, timezone: 'Europe/Berlin', ...extra }, 24 * 30);

  const northwind = { id: 'northwind' };
  const checkout = { id: 'ZD-4711', title: 'Checkout payments failing for EU cards', severity: 1, status: 'open', product: 'Payments', url: 'https://support.example.com/tickets/4711' };
  const acme = { id: 'acme' };
  const exportCase = { id: 'JSM-982', title: 'Nightly data export stuck at 40%', severity: 2, status: 'open', product: 'Data Platform' };
  const globex = { domain: 'globex.example' };
  const ssoCase = { id: 'FD-3307', title: 'SSO login loops for some users', severity: 2, status: 'open', product: 'Identity' };

  return [
    account('northwind', 'Northwind Traders', 'northwind.example', riley, { tier: 'strategic', arr: 1_200_000, renewalDate: at(20 * 24).slice(0, 10) }),
    account('acme', 'Acme Corp', 'acme.example', riley, { tier: 'enterprise', arr: 480_000 }),
    account('globex', 'Globex', 'globex.example', jo, { tier: 'enterprise', arr: 310_000 }),
    account('initech', 'Initech', 'initech.example', jo, { tier: 'midmarket', arr: 95_000 }),
    account('umbrella', 'Umbrella Health', 'umbrella.example', riley, { tier: 'enterprise', arr: 650_000 }),

    // Northwind: a critical outage, escalated, bounced between agents, workaround rejected, renewal tomorrow.
    event('meeting.scheduled', { account: northwind, meeting: { id: 'cal-nw-renewal', title: 'Northwind renewal proposal', startsAt: at(20), endsAt: at(21), kind: 'renewal', organizer: riley, attendees: [riley, { name: 'Dana Whitfield', email: 'dana@northwind.example' }] } }, 72),
    event('case.opened', { account: northwind, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield', email: 'dana@northwind.example' } }, 52),
    event('case.assigned', { account: northwind, case: checkout, assignee: { id: 'a-17', name: 'Sam Ortiz' } }, 51),
    event('case.assigned', { account: northwind, case: checkout, assignee: { id: 'a-22', name: 'Priya Nair' } }, 40),
    event('case.assigned', { account: northwind, case: checkout, assignee: { id: 'a-17', name: 'Sam Ortiz' } }, 30),
    event('case.assigned', { account: northwind, case: checkout, assignee: { id: 'a-31', name: 'Lena Vogel' } }, 26),
    event('case.escalated', { account: northwind, case: { ...checkout, escalationLevel: 2 }, reason: 'Revenue impact: EU checkout down for 30% of orders' }, 28),
    event('case.resolution_proposed', { account: northwind, case: checkout, actor: { type: 'agent', name: 'Lena Vogel' }, reason: 'Route EU cards through the fallback processor' }, 25),
    event('case.resolution_rejected', { account: northwind, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' }, reason: 'The fallback processor doubles our fees — not acceptable' }, 22),
    event('case.commented', { account: northwind, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' }, comment: { public: true, excerpt: 'This is the third outage this quarter. We are reviewing our options.' } }, 20),
    event('case.sla_breached', { account: northwind, case: checkout, reason: 'First-response SLA (1 h) breached' }, 18),

    // Acme: a stuck export, reopened after "fixed", poor CSAT, workaround rejected; QBR in three days.
    event('meeting.scheduled', { account: acme, meeting: { id: 'cal-acme-qbr', title: 'Acme quarterly business review', startsAt: at(72), endsAt: at(73), kind: 'qbr', organizer: riley, attendees: [riley] } }, 100),
    event('case.opened', { account: acme, case: exportCase, actor: { type: 'customer', name: 'Chris Moreau' } }, 120),
    event('case.resolved', { account: acme, case: { ...exportCase, status: 'solved' }, actor: { type: 'agent', name: 'Priya Nair' } }, 96),
    event('case.reopened', { account: acme, case: { ...exportCase, status: 'open' }, actor: { type: 'customer', name: 'Chris Moreau' }, reason: 'Still failing every night' }, 80),
    event('case.escalated', { account: acme, case: { ...exportCase, escalationLevel: 1 } }, 70),
    event('case.resolution_rejected', { account: acme, case: exportCase, actor: { type: 'customer', name: 'Chris Moreau' }, reason: 'Manual re-runs every morning are not a fix' }, 50),
    event('survey.responded', { account: acme, case: exportCase, actor: { type: 'customer', name: 'Chris Moreau' }, survey: { kind: 'csat', score: 2, comment: 'Slow and we had to chase every update' } }, 45),

    // Globex (referenced by domain): SSO issue past its SLA; a demo next week.
    event('meeting.scheduled', { account: globex, meeting: { id: 'cal-globex-demo', title: 'Analytics add-on demo', startsAt: at(24 * 5), kind: 'demo', organizer: jo } }, 10),
    event('case.opened', { account: globex, case: ssoCase, actor: { type: 'customer', name: 'Ivy Tran' } }, 30),
    event('case.sla_breached', { account: globex, case: ssoCase }, 6),

    // Initech: one low-severity question. Healthy.
    event('case.opened', { account: { id: 'initech' }, case: { id: 'ZD-5120', title: 'How do I export invoices as CSV?', severity: 4, status: 'open' }, actor: { type: 'customer', name: 'Peter Gibbons' } }, 5),

    // Umbrella: a critical incident fixed last week, and a 5-star CSAT. Healthy.
    event('case.opened', { account: { id: 'umbrella' }, case: { id: 'SN-0042', title: 'Lab results delayed', severity: 1, status: 'open' } }, 24 * 9),
    event('case.resolved', { account: { id: 'umbrella' }, case: { id: 'SN-0042', status: 'solved' } }, 24 * 7),
    event('survey.responded', { account: { id: 'umbrella' }, case: { id: 'SN-0042' }, actor: { type: 'customer', name: 'Alex Kim' }, survey: { kind: 'csat', score: 5, comment: 'Fast and transparent' } }, 24 * 6),

    // A ticket from a customer nobody has imported yet: kept, listed as unmapped.
    event('case.opened', { account: { domain: 'hooli.example', name: 'Hooli' }, case: { id: 'ZD-6001', title: 'API rate limits too low', severity: 3, status: 'new' } }, 3),
  ];
}
