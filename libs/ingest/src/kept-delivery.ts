/**
 * What the delivery log keeps of a webhook delivery: the body with secrets stripped and its size
 * capped, and the headers without credentials or signatures. Pure, so the gateway (which keeps
 * deliveries) and the tests say the same.
 */

export const REDACTED = '[redacted]';

/** Last words of a field name that say its value is a secret (`apiKey`, `access_token`, `client_secret`, `SessionId`, `password`). */
const SECRET_WORDS = new Set(['token', 'secret', 'password', 'passwd', 'pwd', 'passphrase', 'signature', 'credential', 'credentials', 'authorization', 'apikey', 'cookie']);
/** Last two words that do (`api_key`, `session_id`, `private_key`, `access_key`, `secret_key`). */
const SECRET_PAIRS = new Set(['api key', 'session id', 'private key', 'access key', 'secret key', 'signing key']);

/** Field names repeat from delivery to delivery: each is judged once (up to a bound). */
const judged = new Map<string, boolean>();

/** Whether a field (JSON key, XML element or header name) holds a secret, by its name: `apiKey`, `client_secret`, `SessionId`. */
export function isSecretName(name: string): boolean {
  let secret = judged.get(name);
  if (secret === undefined) {
    secret = judge(name);
    if (judged.size >= 10_000) judged.clear();
    judged.set(name, secret);
  }
  return secret;
}

function judge(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (words.length === 0) return false;
  const last = words[words.length - 1];
  return SECRET_WORDS.has(last) || (words.length > 1 && SECRET_PAIRS.has(`${words[words.length - 2]} ${last}`));
}

/** Credentials this project issues (`fw_src_…`), wherever they appear in text. */
const ISSUED_CREDENTIAL = /\bfw_(src|usr|ses)_[A-Za-z0-9_-]{16,}/g;
/** `"password": "…"` in text that is not valid JSON. */
const JSON_FIELD = /"([A-Za-z0-9_.-]{1,100})"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
/** `<sf:SessionId>…</sf:SessionId>` and other secret-named elements with text content. */
const XML_ELEMENT = /<((?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))(\s[^<>]*)?>([^<]+)<\/\1\s*>/g;

/** The value with every secret-named field's value replaced; the same value (not a copy) when it holds none. */
function redactJson(value: unknown, count: { n: number }): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const inner = redactJson(value[i], count);
      if (inner !== value[i]) (out ??= [...value])[i] = inner;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | null = null;
  for (const key in value) {
    const inner = (value as Record<string, unknown>)[key];
    let next: unknown;
    if (isSecretName(key) && inner !== null && inner !== '' && (typeof inner !== 'object' || Object.keys(inner).length > 0)) {
      next = REDACTED;
      count.n += 1;
    } else next = redactJson(inner, count);
    if (next !== inner) (out ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return out ?? value;
}

function redactText(text: string, count: { n: number }): string {
  const replace = (pattern: RegExp, replacer: (...match: string[]) => string) => text.replace(pattern, (...match: string[]) => {
    const replaced = replacer(...match);
    if (replaced !== match[0]) count.n += 1;
    return replaced;
  });
  text = replace(ISSUED_CREDENTIAL, (_all, kind) => `fw_${kind}_${REDACTED}`);
  text = replace(JSON_FIELD, (all, key, colon) => (isSecretName(key) ? `"${key}"${colon}"${REDACTED}"` : all));
  text = replace(XML_ELEMENT, (all, name, local, attributes = '') => (isSecretName(local) ? `<${name}${attributes}>${REDACTED}</${name}>` : all));
  return text;
}

export interface KeptBody {
  /** The body as kept: secrets stripped, at most `maxBytes` (UTF-8) and a marker when cut; null when no body is kept. */
  body: string | null;
  /** The size of the body as received, in bytes. */
  bytes: number;
  /** Cut at the cap (a redelivery needs the whole body). */
  truncated: boolean;
  /** How many secret values were stripped. */
  redacted: number;
}

/**
 * A delivery's body as the delivery log keeps it. A JSON body is parsed and every field named like
 * a secret (`token`, `secret`, `password`, `apiKey`, `access_token`, `client_secret`, `SessionId`, …)
 * is replaced by `[redacted]`, then written out again; XML (Salesforce's outbound messages, whose
 * `SessionId` is a live session when the admin ticks "Send Session ID") and any other text get the
 * same by pattern. Forewarn's own api keys are stripped wherever they appear. Then the body is cut
 * to `maxBytes` with a marker saying how much there was; `maxBytes` 0 keeps no body at all.
 */
export function keptBody(rawBody: Buffer | null, mediaType: string | undefined, maxBytes: number): KeptBody {
  const bytes = rawBody?.length ?? 0;
  if (rawBody === null || maxBytes <= 0) return { body: null, bytes, truncated: rawBody !== null && bytes > 0, redacted: 0 };
  const count = { n: 0 };
  const text = rawBody.toString('utf8');
  let kept: string;
  const looksJson = /^\s*[[{]/.test(text) && !(mediaType !== undefined && /xml/.test(mediaType));
  let parsed: unknown;
  let isJson = false;
  if (looksJson) {
    try {
      parsed = JSON.parse(text);
      isJson = true;
    } catch {
      isJson = false;
    }
  }
  if (isJson) {
    const redacted = redactJson(parsed, count);
    kept = redacted !== parsed ? JSON.stringify(redacted) : text;
    if (kept.includes('fw_')) kept = redactText(kept, count);
  } else {
    kept = redactText(text, count);
  }
  const size = Buffer.byteLength(kept, 'utf8');
  if (size <= maxBytes) return { body: kept, bytes, truncated: false, redacted: count.n };
  const cut = Buffer.from(kept, 'utf8').subarray(0, maxBytes).toString('utf8').replace(/\uFFFD+$/, '');
  return { body: `${cut}\n…[truncated: ${maxBytes} of ${size} bytes kept]`, bytes, truncated: true, redacted: count.n };
}

/** Headers that are never kept, besides any named like a secret. */
const DROPPED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** A delivery's headers as the delivery log keeps them: no credentials, cookies or signatures (`X-Hub-Signature`, `X-Zendesk-Webhook-Signature`). */
export function keptHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => {
    const lower = name.toLowerCase();
    return !DROPPED_HEADERS.has(lower) && !isSecretName(lower) && !/signature|token|secret|password|api-key|auth/.test(lower);
  }));
}
