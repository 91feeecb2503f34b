import type { ChatChannel, HealthState } from '@forewarn/contracts';
import { STATE_COLOUR, stateTitle } from './format';

export interface ChatSummary {
  /** The mail's subject: account and consequence. */
  headline: string;
  /** The mail's second line: why. */
  why: string;
  state: HealthState;
  score: number;
  open: { label: string; url: string };
  acknowledgeUrl?: string;
}

/** Slack wants &, < and > escaped in mrkdwn; links are <url|label>. */
const slackText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The body to POST to a chat channel's incoming webhook: Slack's blocks, or a Microsoft Teams
 * message with an Adaptive Card (what Teams workflows and connectors accept). Same words as the mail.
 */
export function renderChatMessage(kind: ChatChannel['kind'], summary: ChatSummary): Record<string, unknown> {
  const status = `${stateTitle(summary.state)} · score ${summary.score}`;
  if (kind === 'slack') {
    const buttons = [
      { type: 'button', text: { type: 'plain_text', text: summary.open.label }, url: summary.open.url, style: 'primary' },
      ...(summary.acknowledgeUrl ? [{ type: 'button', text: { type: 'plain_text', text: 'Acknowledge' }, url: summary.acknowledgeUrl }] : []),
    ];
    return {
      text: `${summary.headline} — ${summary.why}`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${slackText(summary.headline)}*\n${slackText(summary.why)}` } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: slackText(status) }] },
        { type: 'actions', elements: buttons },
      ],
    };
  }
  const colour = { healthy: 'Good', watch: 'Warning', at_risk: 'Warning', firestorm: 'Attention' }[summary.state];
  return {
    type: 'message',
    summary: summary.headline,
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            { type: 'TextBlock', text: status, color: colour, weight: 'Bolder', size: 'Small', spacing: 'None' },
            { type: 'TextBlock', text: summary.headline, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: summary.why, wrap: true },
          ],
          actions: [
            { type: 'Action.OpenUrl', title: summary.open.label, url: summary.open.url },
            ...(summary.acknowledgeUrl ? [{ type: 'Action.OpenUrl', title: 'Acknowledge', url: summary.acknowledgeUrl }] : []),
          ],
        },
      },
    ],
    // Teams does not use it; kept so the colour reads the same as the mail in other tools.
    themeColor: STATE_COLOUR[summary.state].slice(1),
  };
}
