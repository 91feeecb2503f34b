import { type NoteFacts, noteText, noteTime, withReference } from './note';

const facts = (reason: NoteFacts['reason'], more: Partial<NoteFacts> = {}): NoteFacts => ({
  reason,
  accountName: 'Acme Corp',
  state: 'firestorm',
  aware: { name: 'Morgan Lee', email: 'morgan.lee@sales.example' },
  at: '2026-11-25T10:43:00Z',
  via: 'dashboard',
  meeting: { title: 'Renewal proposal', kind: 'renewal', startsAt: '2026-11-26T10:00:00Z' },
  contact: { name: 'Riley Chen', email: 'riley.chen@sales.example' },
  ...more,
});

describe('the note written on a support case', () => {
  it('says who in sales acknowledged, which meeting is next and whom to contact', () => {
    expect(noteText(facts('acknowledged'))).toBe([
      "Sales is aware of this case: Morgan Lee <morgan.lee@sales.example> acknowledged Forewarn's firestorm alert about Acme Corp on Wed 25 Nov 2026, 10:43 UTC, on the Forewarn dashboard.",
      'Next meeting with Acme Corp: Renewal proposal, Thu 26 Nov 2026, 10:00 UTC.',
      'Whom to contact in sales: Riley Chen <riley.chen@sales.example>, the account owner.',
    ].join('\n'));
  });

  it('says when no meeting is scheduled', () => {
    expect(noteText(facts('acknowledged', { meeting: null, via: 'email', state: 'at_risk' }))).toContain("Forewarn's at risk alert about Acme Corp on Wed 25 Nov 2026, 10:43 UTC, from the alert e-mail.\nNo meeting with Acme Corp is scheduled.");
  });

  it('tells support that sales was briefed for a meeting', () => {
    expect(noteText(facts('briefing'))).toBe([
      'Sales is preparing a meeting with Acme Corp: Renewal proposal, Thu 26 Nov 2026, 10:00 UTC.',
      "Morgan Lee <morgan.lee@sales.example> was briefed on Acme Corp's open cases, this one among them, on Wed 25 Nov 2026, 10:43 UTC.",
      'Whom to contact in sales: Riley Chen <riley.chen@sales.example>, the account owner.',
    ].join('\n'));
  });

  it('asks support to update the case before the meeting of an account in a firestorm', () => {
    const text = noteText(facts('heads-up', { aware: null }));
    expect(text).toContain('Heads-up from sales: Acme Corp is in a firestorm, with a meeting ahead: Renewal proposal, Thu 26 Nov 2026, 10:00 UTC.');
    expect(text).toContain('Please bring this case up to date before the meeting');
  });

  it('names a meeting without a title by its kind, and ends with Forewarn\'s reference', () => {
    expect(noteText(facts('briefing', { meeting: { title: null, kind: 'qbr', startsAt: '2026-11-26T09:30:00Z' } }))).toContain('qbr meeting, Thu 26 Nov 2026, 09:30 UTC');
    expect(withReference('Text', '3f2a9c1e7b4d5a6b')).toBe('Text\n\n(Written by Forewarn, forewarn:3f2a9c1e7b4d5a6b)');
    expect(noteTime('2026-01-05T23:05:00Z')).toBe('Mon 5 Jan 2026, 23:05 UTC');
  });
});
