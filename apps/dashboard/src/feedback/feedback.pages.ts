import type { AcknowledgementClaim } from '@forewarn/database';
import { type Html, html } from '../web/html';
import { layout, type PageContext } from '../web/layout';
import type { AlertRef, StoredPreferences } from './feedback.read-model';
import type { LinkOutcome } from './once-only';
import type { FieldError } from './preferences-form';

const STATE_WORD: Record<string, string> = { healthy: 'healthy', watch: 'watch', at_risk: 'at risk', firestorm: 'firestorm' };

/** The page behind a one-click link: says what will happen; the button does it (mail scanners only GET). */
export function confirmLinkPage(what: { action: 'ack' | 'snooze'; hours?: number; alert: AlertRef; token: string }): Html {
  const verb = what.action === 'ack' ? 'Acknowledge' : `Snooze for ${what.hours === 72 ? '3 days' : `${what.hours} h`}`;
  const explain = what.action === 'ack'
    ? 'Your team sees that you are on it, and you will not be mailed again about this state unless the account gets worse.'
    : 'You will not be mailed about this account for that long, unless it gets worse.';
  return layout(`${verb} — ${what.alert.accountName}`, null, html`<div class="card narrow">
<h1>${what.alert.accountName} is ${STATE_WORD[what.alert.state] ?? what.alert.state}</h1>
<p>${explain}</p>
<form method="post" action="/a/${what.token}" id="confirm"><button type="submit" class="primary">${verb}</button></form>
<p class="muted"><a href="/accounts/${encodeURIComponent(what.alert.accountId)}">Open ${what.alert.accountName} instead</a></p>
</div>`);
}

/** A time on a page that has no reader's zone (a link opened from a mail, signed out). */
const utc = (at: Date): string => at.toUTCString().replace(/:\d\d GMT$/, ' UTC');

/** What pressing a link from a mail did, or, for a link used before, what it did then. */
export function linkOutcomePage(outcome: LinkOutcome, alert: AlertRef): Html {
  const name = alert.accountName;
  const whoFirst = (ack: AcknowledgementClaim) => `${name} was already acknowledged by ${ack.by.email}${ack.by.name ? ` (${ack.by.name})` : ''} on ${utc(ack.at)}.`;
  switch (outcome.kind) {
    case 'acknowledged':
      return linkDonePage(outcome.already ? `${whoFirst(outcome.acknowledgement)} Nothing new was sent to your team.` : `${name} is acknowledged. Your team sees that you are on it.`, alert);
    case 'snoozed':
      return linkDonePage(`${name} is snoozed for you until ${utc(outcome.until)}, unless it gets worse.`, alert);
    case 'used': {
      const then = outcome.acknowledgement
        ? whoFirst(outcome.acknowledgement)
        : outcome.snoozedUntil && outcome.snoozedUntil.getTime() > Date.now()
          ? `${name} is snoozed for you until ${utc(outcome.snoozedUntil)}, unless it gets worse.`
          : `The snooze it set has ended${outcome.snoozedUntil ? ` (${utc(outcome.snoozedUntil)})` : ''}.`;
      return layout('Link already used', null, html`<div class="card narrow">
<h1>This link was already used</h1><p>It was used on ${utc(outcome.usedAt)}, and works only once. ${then}</p>
<p><a href="/accounts/${encodeURIComponent(alert.accountId)}">Open ${name}</a> to acknowledge or snooze again.</p>
</div>`);
    }
  }
}

export function linkDonePage(message: string, alert: AlertRef): Html {
  return layout('Done', null, html`<div class="card narrow">
<h1>Done</h1><p>${message}</p>
<p><a href="/accounts/${encodeURIComponent(alert.accountId)}">Open ${alert.accountName}</a></p>
</div>`);
}

export function linkProblemPage(title: string, detail: string): Html {
  return layout(title, null, html`<div class="card narrow"><h1>${title}</h1><p>${detail}</p><p><a href="/">Sign in to Forewarn</a></p></div>`);
}

export function preferencesPage(prefs: StoredPreferences, ctx: PageContext, state: { saved?: boolean; errors?: FieldError[] } = {}): Html {
  const errorFor = (field: string) => state.errors?.find((e) => e.field === field)?.message;
  const field = (name: string, label: string, input: Html, hint: string) => html`<div class="field${errorFor(name) ? ' invalid' : ''}">
<label for="${name}">${label}</label>${input}<p class="hint" id="${name}-hint">${errorFor(name) ?? hint}</p></div>`;
  return layout('Notification preferences', ctx, html`<div class="card narrow">
<h1>Notification preferences</h1>
${state.saved ? html`<p class="notice" role="status">Saved. New alerts follow these preferences.</p>` : ''}
${state.errors?.length ? html`<p class="notice error" role="alert">Please check the fields marked below.</p>` : ''}
<form method="post" action="/preferences">
${field('mode', 'How you get account alerts', html`<select id="mode" name="mode" aria-describedby="mode-hint">
  <option value="immediate"${prefs.mode === 'immediate' ? ' selected' : ''}>Right away</option>
  <option value="digest"${prefs.mode === 'digest' ? ' selected' : ''}>In a daily digest (firestorms still come right away)</option>
</select>`, 'Briefings before meetings always come right away.')}
${field('quietStart', 'Quiet hours from', html`<input id="quietStart" name="quietStart" type="time" value="${prefs.quietHours?.start ?? ''}" aria-describedby="quietStart-hint">`, 'Leave both empty for no quiet hours.')}
${field('quietEnd', 'until', html`<input id="quietEnd" name="quietEnd" type="time" value="${prefs.quietHours?.end ?? ''}" aria-describedby="quietEnd-hint">`, 'Mail due in quiet hours waits until they end, except a firestorm or a meeting within hours.')}
${field('timeZone', 'Time zone', html`<input id="timeZone" name="timeZone" value="${prefs.timeZone ?? ''}" placeholder="Europe/Berlin" aria-describedby="timeZone-hint">`, 'Empty: the account’s time zone.')}
${field('chatKind', 'Also post alerts to chat', html`<select id="chatKind" name="chatKind" aria-describedby="chatKind-hint">
  <option value=""${!prefs.chat ? ' selected' : ''}>No, e-mail only</option>
  <option value="slack"${prefs.chat?.kind === 'slack' ? ' selected' : ''}>Slack</option>
  <option value="teams"${prefs.chat?.kind === 'teams' ? ' selected' : ''}>Microsoft Teams</option>
</select>`, 'A copy of each alert, with the same buttons, in a channel of yours.')}
${field('chatUrl', 'Incoming webhook address', html`<input id="chatUrl" name="chatUrl" type="url" value="${prefs.chat?.url ?? ''}" placeholder="https://hooks.slack.com/services/…" aria-describedby="chatUrl-hint">`, 'Slack: Apps → Incoming Webhooks. Teams: a channel’s Workflows → “Post to a channel when a webhook request is received”.')}
<button type="submit" class="primary">Save preferences</button>
</form>
</div>`);
}
