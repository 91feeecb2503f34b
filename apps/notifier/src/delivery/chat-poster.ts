import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ChatSummary, renderChatMessage } from '@forewarn/alerting';
import type { NotifierConfig } from '@forewarn/config';
import type { ChatChannel } from '@forewarn/contracts';
import { isRedirect, OutboundError, type OutboundPolicy, outboundRequest } from '@forewarn/outbound';
import { TRACEPARENT, traceparentOf } from '@forewarn/service-kit';
import { NOTIFIER_CONFIG } from '../notifier.config';

const TIMEOUT_MS = 5_000;

/**
 * Posts an alert to a person's chat channel (Slack or Teams incoming webhook). Mail stays the record;
 * chat is a copy. Only to public hosts (checked after DNS, on the address connected to), no redirects;
 * what an internal host would have answered is never recorded.
 */
@Injectable()
export class ChatPoster {
  private readonly logger = new Logger(ChatPoster.name);
  private readonly policy: OutboundPolicy;

  constructor(@Inject(NOTIFIER_CONFIG) config: NotifierConfig) {
    this.policy = { allowPlainHttp: config.NODE_ENV !== 'production', allowHosts: config.FOREWARN_OUTBOUND_ALLOW_HOSTS };
  }

  /**
   * Returns what happened, for the delivery ledger: "sent" or why not. The post names its trace
   * (`traceparent`: random ids, nothing about the account); Slack and Teams ignore the header.
   */
  async post(channel: ChatChannel, summary: ChatSummary): Promise<string> {
    const traceparent = traceparentOf();
    try {
      const response = await outboundRequest(channel.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(traceparent ? { [TRACEPARENT]: traceparent } : {}) },
        body: JSON.stringify(renderChatMessage(channel.kind, summary)),
        timeoutMs: TIMEOUT_MS,
        maxBytes: 0,
        policy: this.policy,
      });
      if (response.status >= 200 && response.status < 300) return `sent to ${channel.kind}`;
      return `${channel.kind} answered ${response.status}${isRedirect(response.status) ? ' (redirects are not followed)' : ''}`;
    } catch (error) {
      if (error instanceof OutboundError && error.kind === 'refused') {
        // For operators: which host and range (never the path, which holds the webhook's secret).
        this.logger.warn({ msg: 'chat post refused: the address is not on the public internet', kind: channel.kind, detail: error.detail });
        return 'refused: the address is not on the public internet';
      }
      return `${channel.kind} unreachable: ${(error as Error).message}`.slice(0, 300);
    }
  }
}
