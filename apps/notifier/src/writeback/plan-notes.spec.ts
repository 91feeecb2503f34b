import type { AlertAcknowledged, AlertRaised } from '@forewarn/contracts';
import type { WriteBackTarget } from '@forewarn/database';
import { acknowledgementNotes, briefingNotes, mayNeedSupportHeadsUp, supportHeadsUpNotes } from './plan-notes';

const openCase = (id: string) => ({ id, title: null, url: null, severity: 1, status: 'open', escalationLevel: 2, openedAt: null, assignee: null });
const meeting = { id: 'm-1', title: 'Renewal proposal', startsAt: '2026-11-26T10:00:00Z', kind: 'renewal', organizer: null };

const alert = (data: Partial<AlertRaised['data']> = {}): AlertRaised => ({
  specversion: '1.0', type: 'forewarn.alert.raised', id: 'alert-1', source: '/forewarn/account-health', time: '2026-11-25T09:00:00Z',
  data: {
    kind: 'heads-up', account: { id: 'acme', name: 'Acme Corp', owner: { name: 'Riley Chen', email: 'riley@sales.example' }, lead: null, members: [], team: null, timezone: null },
    state: 'firestorm', previousState: 'at_risk', score: 20, reasons: [], openCases: [openCase('ZD-1'), openCase('SUP-2')], nextMeeting: meeting, ...data,
  },
});

const ack: AlertAcknowledged = {
  specversion: '1.0', type: 'forewarn.alert.acknowledged', id: 'ack-1', source: '/forewarn/dashboard', time: '2026-11-25T10:43:00Z',
  data: { alertId: 'alert-1', accountId: 'acme', state: 'firestorm', by: { name: 'Morgan Lee', email: 'morgan@sales.example' }, via: 'dashboard' },
};

const target = (caseId: string, more: Partial<WriteBackTarget> = {}): WriteBackTarget => ({ caseId, source: 'zendesk-prod', vendor: 'zendesk', mode: 'on', tag: null, supportHeadsUp: false, ...more });

describe('which notes go to support, and what they say', () => {
  it('puts "sales is aware" on every open case of the account when an alert is acknowledged', () => {
    const notes = acknowledgementNotes(ack, alert(), [target('ZD-1', { tag: 'forewarn-sales-aware' }), target('ZD-9'), target('SUP-2', { source: 'jira', vendor: 'jira', mode: 'dry-run' })]);
    expect(notes.map((n) => [n.source, n.caseId, n.reason, n.alertId, n.status, n.tag])).toEqual([
      ['zendesk-prod', 'ZD-1', 'acknowledged', 'alert-1', 'pending', 'forewarn-sales-aware'],
      ['zendesk-prod', 'ZD-9', 'acknowledged', 'alert-1', 'pending', null],
      ['jira', 'SUP-2', 'acknowledged', 'alert-1', 'dry_run', null],
    ]);
    expect(notes[0].note).toContain('Morgan Lee <morgan@sales.example> acknowledged Forewarn\'s firestorm alert about Acme Corp on Wed 25 Nov 2026, 10:43 UTC, on the Forewarn dashboard.');
    expect(notes[0].note).toContain('Next meeting with Acme Corp: Renewal proposal, Thu 26 Nov 2026, 10:00 UTC.');
    expect(notes[0].note).toContain('Whom to contact in sales: Riley Chen <riley@sales.example>, the account owner.');
  });

  it('names no meeting that is already over when the acknowledgement comes', () => {
    const [note] = acknowledgementNotes({ ...ack, time: '2026-11-27T08:00:00Z' }, alert(), [target('ZD-1')]);
    expect(note.note).toContain('No meeting with Acme Corp is scheduled.');
  });

  it('tells support which briefing went out, on the cases the briefing was about', () => {
    const briefing = alert({ kind: 'briefing', state: 'at_risk' });
    const notes = briefingNotes(briefing, { name: 'Morgan Lee', email: 'morgan@sales.example' }, '2026-11-25T10:00:00Z', [target('ZD-1'), target('ZD-7')]);
    expect(notes.map((n) => [n.caseId, n.reason])).toEqual([['ZD-1', 'briefing']]);
    expect(notes[0].note).toContain('Sales is preparing a meeting with Acme Corp: Renewal proposal, Thu 26 Nov 2026, 10:00 UTC.');
    expect(briefingNotes(alert(), { name: null, email: 'x@sales.example' }, '2026-11-25T10:00:00Z', [target('ZD-1')])).toEqual([]);
  });

  it('asks support for an update only when an account turns firestorm with a meeting ahead, where the source wants it', () => {
    const targets = [target('ZD-1', { supportHeadsUp: true }), target('SUP-2', { source: 'jira', vendor: 'jira' })];
    expect(supportHeadsUpNotes(alert(), targets).map((n) => [n.caseId, n.reason])).toEqual([['ZD-1', 'heads-up']]);
    expect(supportHeadsUpNotes(alert({ previousState: 'firestorm' }), targets)).toEqual([]);
    expect(supportHeadsUpNotes(alert({ nextMeeting: null }), targets)).toEqual([]);
    expect(supportHeadsUpNotes(alert({ state: 'at_risk' }), targets)).toEqual([]);
    expect(mayNeedSupportHeadsUp(alert())).toBe(true);
    expect(mayNeedSupportHeadsUp(alert({ kind: 'all-clear' }))).toBe(false);
  });
});
