import type { PageContext } from '../web/layout';
import type { AccountSummary } from './account.types';
import { type OverviewModel, overviewPage } from './overview.page';

const ctx: PageContext = { user: { email: 'morgan@sales.example', name: 'Morgan', role: 'lead', team: 'enterprise' }, now: new Date('2026-12-01T09:00:00Z'), timeZone: 'UTC', devMail: false, path: '/' };

const account = (i: number): AccountSummary => ({
  id: `acct-${i}`, name: `Account ${i}`, owner: { name: 'Riley', email: 'riley@sales.example' }, team: 'enterprise', state: 'watch', score: 70, riskPoints: 30,
  openCases: 1, openEscalations: 0, nextMeeting: null, updatedAt: '2026-11-30T09:00:00.000Z', trend: Array(14).fill(70),
});

const model = (over: Partial<OverviewModel>): OverviewModel => ({
  accounts: [account(1), account(2)], counts: { healthy: 2_000, watch: 450, at_risk: 0, firestorm: 3 }, total: 2_453, next: null, previous: null,
  page: { limit: 2, offset: 0 }, filters: { states: [], team: null, owner: null, q: null, sort: 'risk' }, options: { teams: [], owners: [] }, ...over,
});

describe('overview page', () => {
  it('says which accounts of how many it shows, counts every state over all of them, and links to the next page', () => {
    const page = overviewPage(model({ next: { limit: 2, offset: 2 } }), ctx).value;
    expect(page).toContain('2,453 accounts you can see, riskiest first; showing 1–2.');
    expect(page).toMatch(/3 firestorm[\s\S]*450 watch[\s\S]*2,000 healthy/);
    expect(page).toContain('<a class="button" rel="next" href="/?limit=2&amp;offset=2">Next page →</a>');
    expect(page).not.toContain('rel="prev"');
    expect(page).toContain('<main id="content" data-live="all">');
  });

  it('ranks two firestorms at 0/100 by how far past zero each is, and says so', () => {
    const burning = { ...account(1), state: 'firestorm' as const, score: 0, riskPoints: 145 };
    const page = overviewPage(model({ accounts: [burning] }), ctx).value;
    expect(page).toMatch(/firestorm<\/span> <span class="score">0<small>\/100<\/small><\/span> <span class="past-zero">45 points past zero<\/span>/);
  });

  it('keeps the filters in the links to the pages before and after', () => {
    const filters = { states: ['watch' as const], team: 'enterprise', owner: null, q: null, sort: 'name' as const };
    const page = overviewPage(model({ filters, page: { limit: 2, offset: 2 }, previous: { limit: 2, offset: 0 }, next: { limit: 2, offset: 4 } }), ctx).value;
    expect(page).toContain('showing 3–4.');
    expect(page).toContain('href="/?state=watch&amp;team=enterprise&amp;sort=name&amp;limit=2">← Previous page</a>');
    expect(page).toContain('href="/?state=watch&amp;team=enterprise&amp;sort=name&amp;limit=2&amp;offset=4">Next page →</a>');
  });

  it('reads as before when one page holds every account', () => {
    const page = overviewPage(model({ total: 2, counts: { healthy: 0, watch: 2, at_risk: 0, firestorm: 0 }, page: { limit: 100, offset: 0 } }), ctx).value;
    expect(page).toContain('2 accounts you can see, riskiest first.');
    expect(page).not.toContain('class="pager"');
  });
});
