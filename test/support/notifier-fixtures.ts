import type { Recipient } from '@forewarn/alerting';
import { loadConfig, type NotifierConfig, notifierEnvSchema } from '@forewarn/config';
import type { AlertRaised, AlertTopicMessage } from '@forewarn/contracts';
import type { ConsumedMessage } from '@forewarn/messaging';

/** The notifier's configuration for a middle test: our people are at sales.example; the rest as given. */
export function notifierConfig(env: Record<string, string> = {}): NotifierConfig {
  return loadConfig(notifierEnvSchema, { NODE_ENV: 'test', FOREWARN_INTERNAL_DOMAINS: 'sales.example', NOTIFY_QUIET_HOURS: 'off', ...env });
}

let seq = 0;

/** An alert as account-health raises it: about `accountId`, owned by `owner`, with the given team and changes. */
export function alertAbout(accountId: string, owner: string, data: Partial<AlertRaised['data']> & { members?: AlertRaised['data']['account']['members'] } = {}): AlertRaised {
  const { members = [], ...rest } = data;
  return {
    specversion: '1.0', type: 'forewarn.alert.raised', id: `alert-${accountId}-${++seq}`, source: '/forewarn/account-health', time: new Date().toISOString(),
    data: {
      kind: 'heads-up',
      account: { id: accountId, name: `${accountId} Corp`, owner: { name: 'Riley Chen', email: owner }, lead: null, members, team: 'enterprise', timezone: 'UTC' },
      state: 'at_risk', previousState: 'watch', score: 58,
      reasons: [{ code: 'open_severe_cases', label: '“Checkout down” is a high-severity case and still open', weight: 12, evidence: [] }],
      openCases: [],
      nextMeeting: null,
      ...rest,
    },
  };
}

export const ownerOf = (alert: AlertRaised): Recipient => ({ email: alert.data.account.owner.email, name: alert.data.account.owner.name ?? null, role: 'owner' });

/** Messages as the batch transport hands them to the alerts controller (in no trace unless `traceparent` says). */
export function batchOf(...messages: (AlertTopicMessage | string)[]): ConsumedMessage[] {
  return tracedBatchOf(null, ...messages);
}

export function tracedBatchOf(traceparent: string | null, ...messages: (AlertTopicMessage | string)[]): ConsumedMessage[] {
  return messages.map((message, i) => ({
    topic: 'forewarn.alerts.v1', partition: 0, offset: String(i), key: null, headers: traceparent ? { traceparent } : {}, timestamp: Date.now(), traceparent,
    value: Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)),
  }));
}
