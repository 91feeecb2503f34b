import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Vendor webhook signatures, verified over the exact bytes that arrived. Pure functions: the
 * gateway passes headers, raw body, secret and its clock.
 */
export type SignatureCheck =
  | { ok: true }
  /** `missing`: no signature header; `malformed`: not in the vendor's format; `bad`: wrong value; `stale`: outside the replay window. */
  | { ok: false; reason: 'missing' | 'malformed' | 'bad' | 'stale'; detail: string };

/** Compares without leaking, through timing, how much of a signature matched. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    // Still spend the time of a comparison, so a length mismatch is not faster than a near miss.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

type HeaderValue = string | string[] | undefined;
const one = (value: HeaderValue): string | undefined => (Array.isArray(value) ? value[0] : value)?.trim() || undefined;

export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
export const JIRA_SIGNATURE_HEADER = 'x-hub-signature';

/** What Zendesk sends: base64(HMAC-SHA256(secret, timestamp + body)). */
export function zendeskSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(timestamp).update(rawBody).digest('base64');
}

/**
 * Zendesk: `X-Zendesk-Webhook-Signature` is base64(HMAC-SHA256(secret, timestamp + raw body)),
 * `X-Zendesk-Webhook-Signature-Timestamp` the ISO 8601 time it was signed. A timestamp more than
 * `toleranceSeconds` away from `now` (either way) is refused, so a captured delivery cannot be replayed later.
 */
export function verifyZendeskSignature(options: {
  secret: string;
  rawBody: Buffer;
  signature: HeaderValue;
  timestamp: HeaderValue;
  now: Date;
  toleranceSeconds: number;
}): SignatureCheck {
  const signature = one(options.signature);
  const timestamp = one(options.timestamp);
  if (!signature) return { ok: false, reason: 'missing', detail: 'The X-Zendesk-Webhook-Signature header is missing.' };
  if (!timestamp) return { ok: false, reason: 'missing', detail: 'The X-Zendesk-Webhook-Signature-Timestamp header is missing.' };
  const signedAt = Date.parse(timestamp);
  if (Number.isNaN(signedAt)) return { ok: false, reason: 'malformed', detail: 'X-Zendesk-Webhook-Signature-Timestamp is not an ISO 8601 time.' };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return { ok: false, reason: 'malformed', detail: 'X-Zendesk-Webhook-Signature is not base64.' };
  const expected = Buffer.from(zendeskSignature(options.secret, timestamp, options.rawBody), 'base64');
  // Check the signature before the clock, so a bad signature is never reported as merely stale.
  if (!constantTimeEqual(Buffer.from(signature, 'base64'), expected)) {
    return { ok: false, reason: 'bad', detail: 'The Zendesk webhook signature does not match the signing secret of this source.' };
  }
  const skewSeconds = Math.abs(options.now.getTime() - signedAt) / 1000;
  if (skewSeconds > options.toleranceSeconds) {
    return { ok: false, reason: 'stale', detail: `The signature timestamp is ${Math.round(skewSeconds)} s away from now; at most ${options.toleranceSeconds} s are accepted (replay protection).` };
  }
  return { ok: true };
}

/** What Jira sends: `sha256=` + hex(HMAC-SHA256(secret, body)). */
export function jiraSignature(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * Jira Cloud / Jira Service Management: `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`.
 * Jira signs no timestamp, so there is no replay window; replays are harmless anyway because the
 * event ids derived from the delivery are the same and downstream deduplicates by source and id.
 */
export function verifyJiraSignature(options: { secret: string; rawBody: Buffer; signature: HeaderValue }): SignatureCheck {
  const signature = one(options.signature);
  if (!signature) return { ok: false, reason: 'missing', detail: 'The X-Hub-Signature header is missing.' };
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(signature);
  if (!match) return { ok: false, reason: 'malformed', detail: 'X-Hub-Signature must be "sha256=" followed by 64 hex digits.' };
  const expected = Buffer.from(jiraSignature(options.secret, options.rawBody).slice('sha256='.length), 'hex');
  if (!constantTimeEqual(Buffer.from(match[1], 'hex'), expected)) {
    return { ok: false, reason: 'bad', detail: 'The Jira webhook signature does not match the signing secret of this source.' };
  }
  return { ok: true };
}

export const INTERCOM_SIGNATURE_HEADER = 'x-hub-signature';

/** What Intercom sends: `sha1=` + hex(HMAC-SHA1(client secret, body)). */
export function intercomSignature(secret: string, rawBody: Buffer | string): string {
  return `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`;
}

/**
 * Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1(the app's client secret, raw body)>` (Intercom's
 * "Signed notifications"). Like Jira's, it signs no time; a replay yields the same event ids.
 */
export function verifyIntercomSignature(options: { secret: string; rawBody: Buffer; signature: HeaderValue }): SignatureCheck {
  const signature = one(options.signature);
  if (!signature) return { ok: false, reason: 'missing', detail: 'The X-Hub-Signature header is missing.' };
  const match = /^sha1=([0-9a-fA-F]{40})$/.exec(signature);
  if (!match) return { ok: false, reason: 'malformed', detail: 'X-Hub-Signature must be "sha1=" followed by 40 hex digits.' };
  const expected = Buffer.from(intercomSignature(options.secret, options.rawBody).slice('sha1='.length), 'hex');
  if (!constantTimeEqual(Buffer.from(match[1], 'hex'), expected)) {
    return { ok: false, reason: 'bad', detail: 'The Intercom webhook signature does not match the client secret of this source.' };
  }
  return { ok: true };
}
