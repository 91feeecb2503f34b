import { nextStep } from '../accounts/situation';
import type { CaseSummary } from '../accounts/account.types';
import { capitalise, meetingKindWord, personName, plural, relativeTime, when } from '../web/format';
import { type Html, html, raw } from '../web/html';
import { layout, type PageContext, stateLabel } from '../web/layout';
import type { UnacknowledgedFirestorm, WeekMeeting } from './week.read-model';

export interface WeekModel {
  days: number;
  meetings: WeekMeeting[];
  openCases: Map<string, CaseSummary[]>;
  /** Leads and admins only; null for a rep. */
  firestorms: UnacknowledgedFirestorm[] | null;
}

const CSS = `
.briefing-yes{color:#1e7b34;font-weight:600}.briefing-no{color:#51585f}
ul.reps{list-style:none;margin:0;padding:0}
ul.reps>li{padding:10px 0;border-bottom:1px solid var(--line)}
ul.reps>li:last-child{border-bottom:0}
`;

function briefing(m: WeekMeeting): Html {
  if (m.briefingSent) return html`<span class="briefing-yes">✓ briefing sent</span>`;
  if (m.briefed) return html`<span class="briefing-no">briefing on its way</span>`;
  if (m.account.state === 'healthy') return html`<span class="briefing-no">none needed (healthy)</span>`;
  return html`<span class="briefing-no">not yet (goes out the day before)</span>`;
}

function meetingsSection(model: WeekModel, ctx: PageContext): Html {
  const rows = model.meetings.map((m) => {
    const step = nextStep(m.account.state, model.openCases.get(m.account.id) ?? [], m, ctx.now, ctx.timeZone);
    return html`<tr data-id="${m.id}" data-state="${m.account.state}">
  <td data-label="When"><strong>${when(m.startsAt, ctx.now, ctx.timeZone)}</strong></td>
  <td><a href="/accounts/${encodeURIComponent(m.account.id)}"><strong>${m.account.name}</strong></a><div class="sub">${capitalise(meetingKindWord(m.kind))}${m.title ? `: ${m.title}` : ''}</div></td>
  <td data-label="State">${stateLabel(m.account.state, m.account.score, { riskPoints: m.account.riskPoints })}</td>
  <td data-label="Briefing">${briefing(m)}</td>
  <td data-label="Next step">${step ?? html`<span class="muted">nothing to do</span>`}</td>
</tr>`;
  });
  return html`<section class="card" id="week-meetings" data-live-region aria-labelledby="mine"><h2 id="mine">Your meetings in the next ${plural(model.days, 'day')}</h2>
${model.meetings.length
    ? html`<table class="stack"><thead><tr><th scope="col">When</th><th scope="col">Account</th><th scope="col">State</th><th scope="col">Briefing</th><th scope="col">Next step</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="muted">No meetings with your accounts this week.</p>`}
</section>`;
}

function firestormsSection(firestorms: UnacknowledgedFirestorm[], ctx: PageContext): Html {
  const byOwner = new Map<string, UnacknowledgedFirestorm[]>();
  for (const f of firestorms) byOwner.set(f.owner.email.toLowerCase(), [...(byOwner.get(f.owner.email.toLowerCase()) ?? []), f]);
  const reps = [...byOwner.values()];
  return html`<section class="card" id="week-firestorms" data-live-region aria-labelledby="unacked"><h2 id="unacked">Reps with unacknowledged firestorms</h2>
${reps.length
    ? html`<ul class="reps">${reps.map((list) => html`<li><strong>${personName(list[0].owner)}</strong> — ${plural(list.length, 'firestorm')} nobody acknowledged
<ul class="plain">${list.map((f) => html`<li><a href="/accounts/${encodeURIComponent(f.accountId)}">${f.accountName}</a> ${stateLabel('firestorm', f.score, { riskPoints: f.riskPoints })}${f.alertedAt ? html` <span class="sub">alerted <time datetime="${f.alertedAt}">${relativeTime(f.alertedAt, ctx.now)}</time></span>` : ''}</li>`)}</ul></li>`)}</ul>`
    : html`<p class="muted">Every firestorm in your team has been acknowledged.</p>`}
</section>`;
}

/** A rep's week (their meetings, each account's state, the briefing, the one next step); for a lead also the reps with unacknowledged firestorms. */
export function weekPage(model: WeekModel, ctx: PageContext): Html {
  const body = html`<h1>My week</h1>
<p class="muted">What to prepare before your customer meetings${model.firestorms ? ', and which fires in your team nobody has picked up' : ''}.</p>
${model.firestorms ? firestormsSection(model.firestorms, ctx) : ''}
${meetingsSection(model, ctx)}`;
  return layout('My week', ctx, body, html`<style>${raw(CSS)}</style>`, 'all');
}
