import type { BacktestAlert, BacktestComparison } from '@forewarn/health';
import { stateWord } from '../web/format';
import { type Html, html } from '../web/html';
import type { PageContext } from '../web/layout';
import { adminLayout } from './admin.pages';

const CSS = `
textarea.policy{width:100%;min-height:260px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;padding:8px;border:1px solid #9aa1a9;border-radius:6px}
.backtest-form{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end;margin:10px 0}
.backtest-form label{display:flex;flex-direction:column;gap:4px;font-size:14px;font-weight:600}
.backtest-form input{font:inherit;padding:6px 8px;border:1px solid #9aa1a9;border-radius:6px}
table.counts td,table.counts th{text-align:right}table.counts td:first-child,table.counts th:first-child{text-align:left}
`;

export interface BacktestForm {
  candidate: string;
  since: string;
  until: string;
}

export interface PolicyView {
  current: { version: string; source: string; since: string } | null;
  words: { heading: string; lines: string[] }[];
  form: BacktestForm;
  problem?: string | null;
  result?: (BacktestComparison & { accounts: number; events: number; capped: boolean; candidateVersion: string }) | null;
}

const KIND = { 'heads-up': 'Heads-up', briefing: 'Briefing', 'all-clear': 'All-clear' } as const;
const alertLine = (a: BacktestAlert): Html => html`<li>${a.at.slice(0, 16).replace('T', ' ')} UTC · <a href="/accounts/${encodeURIComponent(a.accountId)}">${a.accountId}</a> · ${KIND[a.kind]} at ${stateWord(a.state)} ${a.score}/100</li>`;

function result(view: PolicyView): Html {
  const r = view.result;
  if (!r) return html``;
  const kinds = ['heads-up', 'briefing', 'all-clear'] as const;
  const changedCount = r.changed.length + r.onlyCurrent.length + r.onlyCandidate.length;
  return html`<section class="card" id="backtest-result" aria-labelledby="result"><h2 id="result">What would have changed</h2>
<p role="status"><strong>${changedCount === 0 ? 'No alert would have changed.' : `${changedCount} alert${changedCount === 1 ? '' : 's'} would have changed`}</strong> — ${r.accounts} accounts, ${r.events} events, ${view.form.since} to ${view.form.until}${r.capped ? ' (the first accounts only: narrow the period or use forewarn backtest for all)' : ''}.</p>
<table class="counts"><thead><tr><th scope="col">Alerts raised</th><th scope="col">now (${r.current.version})</th><th scope="col">candidate (${r.candidate.version})</th></tr></thead>
<tbody>${kinds.map((k) => html`<tr><td>${KIND[k]}</td><td>${r.current.raised[k]}</td><td>${r.candidate.raised[k]}</td></tr>`)}</tbody></table>
<h3>Raised at another time or state (${r.changed.length})</h3>
${r.changed.length ? html`<ul>${r.changed.slice(0, 50).map((c) => html`<li><a href="/accounts/${encodeURIComponent(c.current.accountId)}">${c.current.accountId}</a> · ${KIND[c.current.kind]}: ${stateWord(c.current.state)} → ${stateWord(c.candidate.state)}${c.hours ? `, ${c.hours > 0 ? '+' : ''}${c.hours} h` : ''}</li>`)}</ul>` : html`<p class="muted">None.</p>`}
<h3>Only now, not with the candidate (${r.onlyCurrent.length})</h3>
${r.onlyCurrent.length ? html`<ul>${r.onlyCurrent.slice(0, 50).map(alertLine)}</ul>` : html`<p class="muted">None.</p>`}
<h3>Only with the candidate (${r.onlyCandidate.length})</h3>
${r.onlyCandidate.length ? html`<ul>${r.onlyCandidate.slice(0, 50).map(alertLine)}</ul>` : html`<p class="muted">None.</p>`}
<h3>Enable it</h3>
<p>The policy is a file account-health reads (<code>HEALTH_POLICY_FILE</code>), kept with your deployment and reloaded within seconds of a change. Download the candidate, deploy it as that file (review it like any configuration change), and this page shows the new version once account-health runs with it; the audit log records the reload.</p>
<form method="post" action="/admin/policy/candidate"><input type="hidden" name="candidate" value="${view.form.candidate}"><button type="submit">Download ${r.candidateVersion}.json</button></form>
</section>`;
}

export function policyPage(view: PolicyView, ctx: PageContext): Html {
  const body = html`<h1>Health policy</h1>
<p class="muted">${view.current ? html`account-health runs with <strong>${view.current.version}</strong> (${view.current.source}, since ${view.current.since.slice(0, 16).replace('T', ' ')} UTC).` : 'account-health has not recorded the policy it runs with yet: the built-in defaults are shown.'}</p>
${view.words.map((section) => html`<section class="card"><h2>${section.heading}</h2><ul>${section.lines.map((l) => html`<li>${l}</li>`)}</ul></section>`)}
<section class="card" aria-labelledby="try"><h2 id="try">Try a candidate policy</h2>
<p class="muted">Change the numbers (and the version), choose a period, and see which alerts the candidate would have raised differently, replayed from the stored events. Nothing changes until the file is deployed.</p>
${view.problem ? html`<p class="notice error" role="alert">${view.problem}</p>` : ''}
<form method="post" action="/admin/policy/backtest">
<label for="candidate"><strong>Candidate policy (JSON)</strong></label>
<textarea class="policy" id="candidate" name="candidate" spellcheck="false">${view.form.candidate}</textarea>
<div class="backtest-form"><label>From<input type="date" name="since" value="${view.form.since}" required></label><label>To<input type="date" name="until" value="${view.form.until}" required></label><button class="primary" type="submit">Run backtest</button></div>
</form></section>
${result(view)}`;
  return adminLayout('Health policy', ctx, body, CSS);
}
