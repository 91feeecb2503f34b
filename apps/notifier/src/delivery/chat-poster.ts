import { Injectable } from '@nestjs/common';
import { type ChatSummary, renderChatMessage } from '@forewarn/alerting';
import type { ChatChannel } from '@forewarn/contracts';

const TIMEOUT_MS = 5_000;

/** Posts an alert to a person's chat channel (Slack or Teams incoming webhook). Mail stays the record; chat is a copy. */
@Injectable()
export class ChatPoster {
  /** Returns what happened, for the delivery ledger: "sent" or why not. */
  async post(channel: ChatChannel, summary: ChatSummary): Promise<string> {
    try {
      const response = await fetch(channel.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(renderChatMessage(channel.kind, summary)),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
      return response.ok ? `sent to ${channel.kind}` : `${channel.kind} answered ${response.status}`;
    } catch (error) {
      return `${channel.kind} unreachable: ${(error as Error).message}`.slice(0, 300);
    }
  }
}
