import type { PreferencesUpdated } from '@forewarn/contracts';
import { checkOutboundAddress, checkOutboundUrl, type OutboundPolicy, type Resolver } from '@forewarn/outbound';

export type PreferencesInput = Omit<PreferencesUpdated['data'], 'email'>;
export type FieldError = { field: string; message: string };

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

const validZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/**
 * Reads preferences from the web form or the JSON API: `mode`, quiet hours as `quietStart` and
 * `quietEnd` (or `quietHours: {start, end}` / `null`; empty means none), `timeZone` (IANA).
 */
export function parsePreferences(body: Record<string, unknown>, options: { outbound?: OutboundPolicy } = {}): { ok: true; value: PreferencesInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const mode = body.mode ?? 'immediate';
  if (mode !== 'immediate' && mode !== 'digest') errors.push({ field: 'mode', message: 'must be "immediate" or "digest"' });

  const nested = body.quietHours as { start?: unknown; end?: unknown } | null | undefined;
  const start = String((nested ? nested.start : body.quietStart) ?? '').trim();
  const end = String((nested ? nested.end : body.quietEnd) ?? '').trim();
  let quietHours: PreferencesInput['quietHours'] = null;
  if (start || end) {
    if (!CLOCK.test(start)) errors.push({ field: 'quietStart', message: 'must be a time like 20:00' });
    if (!CLOCK.test(end)) errors.push({ field: 'quietEnd', message: 'must be a time like 07:00' });
    if (CLOCK.test(start) && CLOCK.test(end)) quietHours = start === end ? null : { start, end };
  }

  const zone = String(body.timeZone ?? '').trim();
  if (zone && !validZone(zone)) errors.push({ field: 'timeZone', message: `"${zone}" is not a time zone (use a name like Europe/Berlin)` });

  const chatBody = body.chat as { kind?: unknown; url?: unknown } | null | undefined;
  const chatKind = String((chatBody ? chatBody.kind : body.chatKind) ?? '').trim();
  const chatUrl = String((chatBody ? chatBody.url : body.chatUrl) ?? '').trim();
  let chat: PreferencesInput['chat'] = null;
  if (chatKind && chatKind !== 'none') {
    const urlProblem = webhookUrlProblem(chatUrl, chatKind, options.outbound ?? STRICT);
    if (chatKind !== 'slack' && chatKind !== 'teams') errors.push({ field: 'chatKind', message: 'must be "slack", "teams" or empty' });
    else if (urlProblem) errors.push({ field: chatUrlField(body), message: urlProblem });
    else chat = { kind: chatKind, url: chatUrl };
  }

  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { mode: mode as PreferencesInput['mode'], quietHours, timeZone: zone || null, chat } };
}

const STRICT: OutboundPolicy = { allowPlainHttp: false, allowHosts: [] };

/** "must be on the public internet: 127.0.0.1 is a loopback address". */
const notPublic = (detail: string): string => `must be on the public internet: ${detail}`;

/** The field as the request named it: `chat.url` in the JSON API's `chat` object, `chatUrl` in the form. */
export const chatUrlField = (body: Record<string, unknown>): string => (body.chat ? 'chat.url' : 'chatUrl');

/**
 * An incoming webhook address: https (plain http only outside production, for a local test
 * receiver) on a public host, not this machine, the office network or a cloud metadata address.
 */
function webhookUrlProblem(value: string, kind: string, policy: OutboundPolicy): string | null {
  const checked = checkOutboundUrl(value, policy);
  if (checked.ok) return null;
  return checked.notPublic ? notPublic(checked.detail) : `must be the ${kind === 'slack' ? 'Slack' : 'Teams'} incoming webhook address (https://…)`;
}

/**
 * The check when saved, after the form is valid: what the webhook's host name resolves to now. A
 * name that does not resolve is accepted (every post checks again after resolving).
 */
export async function chatAddressProblem(chat: PreferencesInput['chat'], field: string, policy: OutboundPolicy, resolver?: Resolver): Promise<FieldError | null> {
  if (!chat) return null;
  const checked = await checkOutboundAddress(chat.url, policy, resolver);
  if (checked.ok) return null;
  return { field, message: checked.notPublic ? notPublic(checked.detail) : checked.reason };
}
