import type { AlertRaised } from '@forewarn/contracts';
import { recipientsFor } from '../recipients';
import { renderAlertMail } from './alert-mail';
import { meetingTime, relativeTime } from './format';

const now = new Date('2026-11-25T18:00:00Z');

const alert = (data: Partial<AlertRaised['data']> = {}): AlertRaised => ({
  specversion: '1.0', type: 'forewarn.alert.raised', id: '0b5a3c1e-0000-4000-8000-000000000001', source: '/forewarn/account-health', time: now.toISOString(),
  data: {
    kind: 'heads-up',
    account: { id: 'northwind', name: 'Northwind Traders', owner: { name: 'Riley Chen', email: 'riley@sales.example' }, lead: null, members: [], team: 'enterprise', timezone: 'Europe/Berlin' },
    state: 'at_risk', previousState: 'watch', score: 58,
    reasons: [
      { code: 'rejected_resolution', label: 'The customer rejected the proposed resolution of “Checkout <b>down</b>”: “Doubles our fees”', weight: 20, evidence: [] },
      { code: 'open_severe_cases', label: '“Checkout <b>down</b>” is a high-severity case and still open', weight: 12, evidence: [] },
    ],
    openCases: [{ id: 'ZD-1', title: 'Checkout <b>down</b>', url: 'https://help.example/ZD-1', severity: 2, status: 'open', escalationLevel: 1, openedAt: '2026-11-22T18:00:00Z', assignee: 'Sam Ortiz' }],
    nextMeeting: null,
    ...data,
  },
});
const owner = { email: 'riley@sales.example', name: 'Riley Chen', role: 'owner' as const };
const render = (a: AlertRaised) => renderAlertMail({ alert: a, recipient: owner, publicUrl: 'https://forewarn.example', now });

describe('alert mails', () => {
  it('leads a heads-up with the account and the consequence, then why', () => {
    const mail = render(alert());
    expect(mail.subject).toBe('Northwind Traders — now at risk (was watch)');
    const [first, second] = mail.text.split('\n');
    expect(first).toBe(mail.subject);
    expect(second).toContain('The customer rejected the proposed resolution');
    expect(mail.text).toContain('Open the account: https://forewarn.example/accounts/northwind');
    expect(mail.text).toContain('Checkout <b>down</b> (ZD-1) — severity 2, escalated to level 1, open 3 days, support owner Sam Ortiz');
    expect(mail.text).toContain('Call the support owner (Sam Ortiz)');
  });

  it('names the meeting in the subject when one is near, in the account’s time zone', () => {
    const mail = render(alert({ state: 'firestorm', nextMeeting: { id: 'm1', title: 'Renewal proposal', startsAt: '2026-11-26T09:00:00Z', kind: 'renewal', organizer: null } }));
    expect(mail.subject).toBe('Northwind Traders — firestorm before tomorrow\'s renewal');
    expect(mail.text).toContain('Renewal proposal — tomorrow 10:00 (in 15 h)');
  });

  it('escapes what support systems wrote: a case title is never HTML', () => {
    const mail = render(alert());
    expect(mail.html).not.toContain('<b>down</b>');
    expect(mail.html).toContain('Checkout &lt;b&gt;down&lt;/b&gt;');
    expect(mail.html).toContain('href="https://forewarn.example/accounts/northwind"');
    expect(mail.html).toContain('#b34700');
  });

  it('tells the all-clear plainly', () => {
    const mail = render(alert({ kind: 'all-clear', state: 'healthy', previousState: 'at_risk', score: 96, reasons: [], openCases: [] }));
    expect(mail.subject).toBe('Northwind Traders — all clear, healthy again');
    expect(mail.text.split('\n')[1]).toBe('Nothing is open with support any more; the score is back to 96.');
  });

  it('renders the acknowledge and snooze links when given', () => {
    const mail = renderAlertMail({ alert: alert(), recipient: owner, publicUrl: 'https://forewarn.example', now, actions: { acknowledge: 'https://forewarn.example/a/ack?t=x&y=1', snooze: [{ label: 'Snooze 24 h', url: 'https://forewarn.example/a/snooze' }] } });
    expect(mail.text).toContain('Acknowledge: https://forewarn.example/a/ack?t=x&y=1');
    expect(mail.html).toContain('href="https://forewarn.example/a/ack?t=x&amp;y=1"');
    expect(mail.html).toContain('Snooze 24 h');
  });
});

describe('times as a rep reads them', () => {
  it('says how far away, roughly', () => {
    expect(relativeTime(new Date('2026-11-26T14:00:00Z'), now)).toBe('in 20 h');
    expect(relativeTime(new Date('2026-11-22T18:00:00Z'), now)).toBe('3 days ago');
    expect(relativeTime(new Date('2026-11-25T18:04:00Z'), now)).toBe('in 4 min');
  });

  it('gives day and clock in the reader’s zone, falling back to UTC', () => {
    expect(meetingTime(new Date('2026-11-26T09:00:00Z'), now, 'America/New_York')).toBe('tomorrow 04:00 (in 15 h)');
    expect(meetingTime(new Date('2026-11-26T09:00:00Z'), now, 'Not/AZone')).toBe('tomorrow 09:00 UTC (in 15 h)');
    expect(meetingTime(new Date('2026-11-30T09:00:00Z'), now, null)).toBe('Mon 30 Nov 09:00 UTC (in 5 days)');
  });
});

describe('the briefing before a meeting', () => {
  const briefing = alert({
    kind: 'briefing',
    nextMeeting: { id: 'm1', title: 'Renewal proposal', startsAt: '2026-11-26T09:00:00Z', kind: 'renewal', organizer: { name: 'Riley Chen', email: 'riley@sales.example' } },
    briefing: {
      meeting: { id: 'm1', title: 'Renewal proposal', startsAt: '2026-11-26T09:00:00Z', endsAt: null, kind: 'renewal', organizer: { name: 'Riley Chen' }, attendees: [{ name: 'Dana Whitfield' }, { email: 'cfo@northwind.example' }] },
      openCases: [{ id: 'ZD-1', title: 'Checkout <b>down</b>', url: null, severity: 1, status: 'open', escalationLevel: 2, openedAt: '2026-11-20T18:00:00Z', ageHours: 120, assignee: 'Sam Ortiz', lastSupportUpdateAt: '2026-11-24T18:00:00Z', handoffs: 4, rejected: true }],
      customerSaid: [{ kind: 'rejection', caseId: 'ZD-1', caseTitle: 'Checkout down', who: 'Dana Whitfield', at: '2026-11-25T12:00:00Z', quote: 'The workaround doubles our fees' }],
      supportOwners: [{ name: 'Sam Ortiz', caseIds: ['ZD-1'] }],
      recentlyFixed: [{ id: 'ZD-0', title: 'Invoice export', url: null, severity: 3, openedAt: null, resolvedAt: '2026-11-24T18:00:00Z', assignee: 'Lena Vogel' }],
      detractors: [{ who: 'Dana Whitfield', kind: 'nps', score: 2, at: '2026-11-23T18:00:00Z', comment: 'Nobody listened', caseId: 'ZD-1' }],
      talkingPoints: ['Acknowledge the checkout outage first', 'Apologise for the rejected workaround', 'Say what Sam’s team does next and by when', 'A fourth point that is cut'],
    },
  });

  it('says what is open, what the customer said, who owns it, what was fixed, who is unhappy, and three talking points', () => {
    const mail = render(briefing);
    expect(mail.subject).toBe('Northwind Traders — briefing before tomorrow\'s renewal (at risk)');
    expect(mail.text.split('\n')[1]).toBe('1 open case, the oldest open 5 days. The customer rejected the proposed resolution of “Checkout <b>down</b>”: “Doubles our fees”.');
    for (const heading of ['Three talking points', 'What is open', 'What the customer said', 'Who owns it in support', 'Fixed recently', 'Who is unhappy', 'The meeting']) expect(mail.text).toContain(`\n${heading}\n`);
    expect(mail.text).toContain('- Say what Sam’s team does next and by when');
    expect(mail.text).not.toContain('A fourth point');
    expect(mail.text).toContain('- “The workaround doubles our fees” — Dana Whitfield, 6 h ago on Checkout down');
    expect(mail.text).toContain('- Checkout <b>down</b> (ZD-1) — open 5 days, severity 1, escalated to level 2, the customer rejected the proposed fix, handed between agents 4 times, last update from support 24 h ago');
    expect(mail.text).toContain('- Dana Whitfield — NPS 2: “Nobody listened” (2 days ago)');
    expect(mail.text).toContain('- Renewal proposal — tomorrow 10:00 (in 15 h), with Dana Whitfield, cfo@northwind.example');
    expect(mail.html).toContain('Checkout &lt;b&gt;down&lt;/b&gt;');
  });

  it('goes to the meeting organizer as well as the account team', () => {
    expect(recipientsFor(briefing.data).map((r) => r.role)).toEqual(['owner']); // organizer is the owner here: each address once
    const other = { ...briefing.data, nextMeeting: { ...briefing.data.nextMeeting!, organizer: { name: 'Jo Park', email: 'jo@sales.example' } } };
    expect(recipientsFor(other).map((r) => `${r.role}:${r.email}`)).toEqual(['owner:riley@sales.example', 'organizer:jo@sales.example']);
  });
});
