import { HEALTH_STATES, type HealthState } from '@forewarn/contracts';
import { sparkline } from '../web/charts';
import { capitalise, meetingKindWord, personName, plural, STATE_WORD, when } from '../web/format';
import { type Html, html, queryString, raw } from '../web/html';
import { layout, type PageContext, stateLabel } from '../web/layout';
import { accountsQueryString, DEFAULT_PAGE_SIZE } from './account-filters';
import type { AccountSummary } from './account.types';
import type { AccountFilters, AccountPage, FilterOptions, StateCounts } from './accounts.read-model';
import type { AccountsPage } from './accounts.service';

export interface OverviewModel extends AccountsPage {
  /** The page asked for. */
  page: AccountPage;
  filters: AccountFilters;
  options: FilterOptions;
}

const SORT_WORD = { risk: 'Riskiest first', name: 'Name', updated: 'Recently changed' } as const;

const CSS = `
details.filter-panel{padding:0}
details.filter-panel>summary{padding:12px 18px;cursor:pointer;font-weight:600;list-style-position:inside}
details.filter-panel[open]>summary{border-bottom:1px solid var(--line)}
.filters{display:flex;flex-wrap:wrap;gap:14px 16px;align-items:flex-end;padding:14px 18px}
.filters fieldset{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;width:100%}
.filters legend{font-size:13px;color:var(--muted);padding:0;margin:0 0 4px}
.filters label.field{display:flex;flex-direction:column;font-size:13px;color:var(--muted);gap:4px}
.filters label.grow{flex:1;min-width:200px}
.filters select,.filters input[type=search]{font:inherit;font-size:15px;padding:6px 8px;border:1px solid #9aa1a9;border-radius:6px;background:#fff;color:var(--ink);min-width:140px}
.filters .check{display:inline-flex;gap:6px;align-items:center;font-weight:600;color:var(--state);cursor:pointer;padding:2px 0}
.filters .check input{width:18px;height:18px;accent-color:var(--state);margin:0}
.filters .actions{display:flex;gap:12px;align-items:center}
.presets{display:flex;flex-wrap:wrap;gap:6px 14px;margin:0 0 16px;font-size:14px}
.tally{display:flex;flex-wrap:wrap;gap:6px 18px;margin:6px 0 16px;font-size:15px}
#accounts td.account a{font-weight:700;font-size:16px}
#accounts .esc{color:#b3261e;font-weight:600}
.meeting-when{font-weight:600}
.pager{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:14px 0 0}
@media (max-width:720px){
  .filters label.field,.filters select,.filters input[type=search]{width:100%}
  #accounts td.st,#accounts td.trend{display:inline-block;width:auto;vertical-align:middle;margin-right:12px}
}
`;

const number = (n: number): string => n.toLocaleString('en-GB');

/** All matching accounts by state, not just the page's. */
function tally(stateCounts: StateCounts): Html {
  const counts = HEALTH_STATES.slice().reverse().map((s) => [s, stateCounts[s]] as const).filter(([, n]) => n > 0);
  if (counts.length === 0) return html`<div id="tally" data-live-region></div>`;
  return html`<p class="tally" id="tally" data-live-region aria-label="Accounts by state">${counts.map(([s, n]) => html`<span class="s-${s}"><span class="state">${number(n)} ${STATE_WORD[s]}</span></span>`)}</p>`;
}

function filterForm(model: OverviewModel): Html {
  const { filters, options } = model;
  const selected = (on: boolean) => (on ? raw(' selected') : '');
  const stateBoxes = HEALTH_STATES.slice().reverse().map(
    (s: HealthState) => html`<label class="check s-${s}"><input type="checkbox" name="state" value="${s}"${filters.states.includes(s) ? raw(' checked') : ''}>${STATE_WORD[s]}</label>`,
  );
  // The options are up to a minute old (AccountsService.filterOptions): a filter for a team or owner they miss still shows.
  const teamKnown = !filters.team || options.teams.some((t) => t.toLowerCase() === filters.team?.toLowerCase());
  const ownerKnown = !filters.owner || options.owners.some((o) => o.email === filters.owner);
  const active = filters.states.length + (filters.team ? 1 : 0) + (filters.owner ? 1 : 0) + (filters.q ? 1 : 0);
  return html`<details class="filter-panel card"${active ? raw(' open') : ''} data-open-wide><summary>Filters${active ? ` (${active} active)` : ''}</summary>
<form class="filters" method="get" action="/" role="search" aria-label="Filter accounts">
  <fieldset><legend>State</legend>${stateBoxes}</fieldset>
  <label class="field">Team<select name="team"><option value="">All teams</option>${options.teams.map((t) => html`<option value="${t}"${selected(filters.team?.toLowerCase() === t.toLowerCase())}>${t}</option>`)}${teamKnown ? '' : html`<option value="${filters.team}" selected>${filters.team}</option>`}</select></label>
  <label class="field">Owner<select name="owner"><option value="">Anyone</option>${options.owners.map((o) => html`<option value="${o.email}"${selected(filters.owner === o.email)}>${o.name ?? o.email}</option>`)}${ownerKnown ? '' : html`<option value="${filters.owner}" selected>${filters.owner}</option>`}</select></label>
  <label class="field grow">Search<input type="search" name="q" value="${filters.q ?? ''}" placeholder="Account, domain or owner" autocomplete="off"></label>
  <label class="field">Sort<select name="sort">${(Object.keys(SORT_WORD) as (keyof typeof SORT_WORD)[]).map((k) => html`<option value="${k}"${selected(filters.sort === k)}>${SORT_WORD[k]}</option>`)}</select></label>
  ${model.page.limit === DEFAULT_PAGE_SIZE ? '' : html`<input type="hidden" name="limit" value="${model.page.limit}">`}<div class="actions"><button class="primary" type="submit">Apply</button><a href="/">Clear</a></div>
</form></details>`;
}

function presets(ctx: PageContext): Html {
  const links: [string, string][] = [
    ['At risk or worse', `/${queryString({ state: ['at_risk', 'firestorm'] })}`],
    ['My accounts', `/${queryString({ owner: ctx.user.email })}`],
  ];
  if (ctx.user.team) links.push([`${ctx.user.team}, at risk or worse`, `/${queryString({ state: ['at_risk', 'firestorm'], team: ctx.user.team })}`]);
  return html`<nav class="presets" aria-label="Quick views"><span class="muted">Quick views:</span><a href="/">All</a>${links.map(([label, href]) => html`<a href="${href}">${label}</a>`)}</nav>`;
}

function openWork(a: AccountSummary): Html {
  if (a.openCases === 0) return html`<span class="muted">no open cases</span>`;
  return html`${plural(a.openCases, 'open case')}${a.openEscalations ? html`<br><span class="esc">${plural(a.openEscalations, 'escalation')}</span>` : ''}`;
}

function nextMeeting(a: AccountSummary, ctx: PageContext): Html {
  const m = a.nextMeeting;
  if (!m) return html`<span class="muted">none scheduled</span>`;
  return html`<span class="meeting-when">${when(m.startsAt, ctx.now, ctx.timeZone)}</span><br><span class="sub">${capitalise(meetingKindWord(m.kind))}${m.title ? `: ${m.title}` : ''}</span>`;
}

export function accountRows(accounts: AccountSummary[], ctx: PageContext): Html {
  return html`${accounts.map((a) => html`<tr data-id="${a.id}" data-state="${a.state}" data-score="${a.score}">
  <td class="account"><a href="/accounts/${encodeURIComponent(a.id)}">${a.name}</a><div class="sub">${a.team ?? ''}</div></td>
  <td class="st">${stateLabel(a.state, a.score, { riskPoints: a.riskPoints })}</td>
  <td class="trend">${sparkline(a.trend, a.state)}</td>
  <td data-label="Open">${openWork(a)}</td>
  <td data-label="Next meeting">${nextMeeting(a, ctx)}</td>
  <td class="owner" data-label="Owner">${personName(a.owner)}</td>
</tr>`)}`;
}

/** Links to the pages before and after this one, keeping the filters. */
function pager(model: OverviewModel): Html {
  const { next, previous, filters } = model;
  if (!next && !previous) return html``;
  return html`<nav class="pager" aria-label="Pages">${previous ? html`<a class="button" rel="prev" href="/${accountsQueryString(filters, previous)}">← Previous page</a>` : ''}${next ? html`<a class="button" rel="next" href="/${accountsQueryString(filters, next)}">Next page →</a>` : ''}</nav>`;
}

/** "2,000 accounts you can see, riskiest first", and which of them this page shows when there are more. */
function summary(model: OverviewModel, filtered: boolean): string {
  const { accounts, total, page, filters } = model;
  const all = `${total === 1 ? '1 account' : `${number(total)} accounts`}${filtered ? ' match' : ' you can see'}, ${SORT_WORD[filters.sort].toLowerCase()}`;
  if (accounts.length === 0 || (page.offset === 0 && accounts.length >= total)) return `${all}.`;
  return `${all}; showing ${number(page.offset + 1)}–${number(page.offset + accounts.length)}.`;
}

export function overviewPage(model: OverviewModel, ctx: PageContext): Html {
  const filtered = model.filters.states.length > 0 || !!model.filters.team || !!model.filters.owner || !!model.filters.q;
  const table = model.accounts.length
    ? html`<div class="card" id="account-list" data-live-region><table id="accounts" class="stack">
  <caption class="sr-only">Accounts, ${SORT_WORD[model.filters.sort].toLowerCase()}</caption>
  <thead><tr><th scope="col">Account</th><th scope="col">State</th><th scope="col">14 days</th><th scope="col">Open</th><th scope="col">Next meeting</th><th scope="col">Owner</th></tr></thead>
  <tbody>${accountRows(model.accounts, ctx)}</tbody>
</table>${pager(model)}</div>`
    : html`<div class="card" id="account-list" data-live-region><p>${model.page.offset > 0 && model.total > 0 ? 'There are no more accounts after these.' : filtered ? 'No accounts match these filters.' : 'No accounts yet. They appear here as soon as the CRM sends them.'}</p>${filtered || model.page.offset > 0 ? html`<p><a href="/">Show all accounts</a></p>` : ''}</div>`;
  const body = html`<h1>Accounts</h1>
<p class="muted" id="summary" data-live-region>${summary(model, filtered)}</p>
${tally(model.counts)}
${presets(ctx)}
${filterForm(model)}
${table}`;
  return layout('Accounts', ctx, body, html`<style>${raw(CSS)}</style>`, 'all');
}
