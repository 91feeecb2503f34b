import type { PageContext } from '../web/layout';
import type { SupportNote } from './support-notes.read-model';
import { supportNotesSection } from './support-notes.section';

const ctx: PageContext = { user: { email: 'morgan@sales.example', name: 'Morgan', role: 'lead', team: null }, now: new Date('2026-11-25T12:00:00Z'), timeZone: 'UTC', devMail: false, path: '/accounts/acme' };
const note = (more: Partial<SupportNote>): SupportNote => ({
  caseId: 'ZD-48213', source: 'zendesk-prod', vendor: 'zendesk', reason: 'acknowledged', status: 'written', createdAt: '2026-11-25T10:42:58Z', writtenAt: '2026-11-25T10:43:00Z',
  error: null, note: 'Sales is aware of this case.\nWhom to contact in sales: Riley <riley@sales.example>, the account owner.', ...more,
});

describe('the account page\'s "Support told"', () => {
  it('says when support was told, and what could not be told and why', () => {
    const page = supportNotesSection([note({}), note({ caseId: 'SUP-7', vendor: 'jira', source: 'jira-cloud', status: 'failed', writtenAt: null, error: '401 from Jira' })], ctx).value;
    expect(page).toContain('<h2 id="support-told">Support told</h2>');
    expect(page).toMatch(/<strong>ZD-48213<\/strong> in Zendesk \(zendesk-prod\), that sales is aware — <span class="status-sent">support told<\/span> <time datetime="2026-11-25T10:43:00Z"[^>]*>today 10:43<\/time>/);
    expect(page).toContain('<strong>SUP-7</strong> in Jira (jira-cloud), that sales is aware — <span class="status-failed">could not tell support</span>: 401 from Jira');
    expect(page).toContain('Sales is aware of this case.<br>Whom to contact in sales: Riley &lt;riley@sales.example&gt;, the account owner.');
  });

  it('shows what a dry run would have written, and a note still on its way', () => {
    const page = supportNotesSection([note({ status: 'dry_run', writtenAt: null, reason: 'briefing' }), note({ status: 'retrying', writtenAt: null, error: '503 from Zendesk', reason: 'heads-up' })], ctx).value;
    expect(page).toContain('that sales is preparing the meeting — <span class="status-pending">dry run</span>: support would have been told');
    expect(page).toContain('to update the case before the meeting — <span class="status-retrying">telling support</span>, not taken yet: 503 from Zendesk');
  });

  it('is left out when no helpdesk of the account writes back', () => {
    expect(supportNotesSection([], ctx).value).toBe('');
  });
});
