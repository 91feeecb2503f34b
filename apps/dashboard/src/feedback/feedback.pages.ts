import type { AcknowledgementClaim } from '@forewarn/database';
import { type Html, html } from '../web/html';
import { layout } from '../web/layout';
import type { AlertRef } from './feedback.read-model';
import type { LinkOutcome } from './once-only';

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
