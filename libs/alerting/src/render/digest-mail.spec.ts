import { renderDigestMail } from './digest-mail';

const now = new Date('2026-11-25T07:00:00Z');

describe('the daily digest', () => {
  const digest = {
    kind: 'digest' as const, recipient: { email: 'morgan@sales.example', name: 'Morgan Lee' }, day: '2026-11-25', timeZone: 'Europe/Berlin',
    accounts: [
      { id: 'acme', name: 'Acme', state: 'watch' as const, score: 75, why: null, openCases: 1, nextMeeting: null },
      { id: 'northwind', name: 'Northwind <Traders>', state: 'firestorm' as const, score: 20, why: 'Checkout outage escalated', openCases: 3, nextMeeting: { title: 'Renewal', startsAt: '2026-11-26T09:00:00Z' } },
    ],
  };

  it('leads with the count per state and the loudest account first', () => {
    const mail = renderDigestMail(digest, 'https://fw.example', now);
    expect(mail.subject).toBe('Your accounts today: 1 firestorm, 1 watch');
    expect(mail.text.split('\n')[1]).toBe('Loudest: Northwind <Traders> (firestorm, score 20) — Checkout outage escalated.');
    expect(mail.text.indexOf('Northwind')).toBeLessThan(mail.text.indexOf('- Acme'));
    expect(mail.text).toContain('next: Renewal tomorrow 10:00 (in 26 h)');
    expect(mail.html).toContain('Northwind &lt;Traders&gt;');
    expect(mail.html).not.toContain('<Traders>');
  });
});
