import { capitalise, meetingKindWord, personName, plural, when } from '../web/format';
import { type Html, html, queryString } from '../web/html';
import { layout, type PageContext, stateLabel } from '../web/layout';
import type { UpcomingMeeting } from './meetings.read-model';

export function meetingsPage(meetings: UpcomingMeeting[], options: { withinDays: number; atRiskOnly: boolean }, ctx: PageContext): Html {
  const other = queryString({ withinDays: String(options.withinDays), atRisk: options.atRiskOnly ? null : 'true' });
  const rows = meetings.map((m) => html`<tr data-id="${m.id}" data-state="${m.account.state}">
  <td data-label="When"><strong>${when(m.startsAt, ctx.now, ctx.timeZone)}</strong></td>
  <td><a href="/accounts/${encodeURIComponent(m.account.id)}"><strong>${m.account.name}</strong></a><div class="sub">${capitalise(meetingKindWord(m.kind))}${m.title ? `: ${m.title}` : ''}</div></td>
  <td data-label="State">${stateLabel(m.account.state, m.account.score)}</td>
  <td data-label="Escalations">${m.account.openEscalations ? plural(m.account.openEscalations, 'open escalation') : html`<span class="muted">none</span>`}</td>
  <td data-label="Owner">${personName(m.account.owner)}</td>
</tr>`);
  const body = html`<h1>Meetings</h1>
<p class="muted">${plural(meetings.length, 'meeting')} in the next ${plural(options.withinDays, 'day')}${options.atRiskOnly ? ' with accounts at risk or in a firestorm' : ''}.
<a href="/meetings${other}">${options.atRiskOnly ? 'Show all meetings' : 'Only accounts at risk or in a firestorm'}</a></p>
<div class="card" id="meeting-list" data-live-region>${meetings.length
    ? html`<table class="stack"><thead><tr><th scope="col">When</th><th scope="col">Account</th><th scope="col">State</th><th scope="col">Escalations</th><th scope="col">Owner</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="muted">No meetings coming up${options.atRiskOnly ? ' with accounts in trouble' : ''}.</p>`}</div>`;
  return layout('Meetings', ctx, body, undefined, 'all');
}
