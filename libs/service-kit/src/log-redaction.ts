/**
 * The last line of defence for secrets in logs: every log line of every service passes through
 * `redactLogLine` just before it is written (pino's `streamWrite` hook), whatever logged it — our
 * code, Nest, pino-http or kafkajs. Call sites still avoid logging secrets; this catches what slips.
 *
 * Secrets never reach a log line: api keys, user tokens and session ids (`fw_src_…`, `fw_usr_…`,
 * `fw_ses_…`), signed link tokens (`/a/<token>`), `?token=` and similar query keys, `Authorization`
 * values, and JSON fields named like secrets. Recipients' e-mail addresses appear only at debug and
 * trace level; on other lines their local part is masked (`***@example.com`), so a line still says
 * which organisation was concerned.
 */

/** Credentials this project issues: a readable prefix and 192 random bits in base64url. */
const ISSUED_CREDENTIAL = /\bfw_(src|usr|ses|[a-z]{2,8})_[A-Za-z0-9_-]{16,}/g;
/** One-click links from mails: `/a/<base64url payload>.<base64url signature>`. */
const LINK_TOKEN = /\/a\/[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
/** A signed token on its own (base64url JSON, which starts `eyJ`, a dot, a signature), wherever it is quoted. */
const SIGNED_TOKEN = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
/** Query parameters that carry credentials in URLs. */
const SECRET_QUERY = /([?&](?:token|api[_-]?key|apikey|access_token|key|secret|signature|sig|password|code)=)[^&#"\s\\]*/gi;
/** `Authorization: Bearer …` / `Basic …` values that ended up in a message. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** JSON fields whose value is a secret, as serialised: `"password":"…"`. */
const SECRET_FIELD = /"((?:[A-Za-z_]*(?:password|secret|token|apiKey|api_key|sessionId|session_id|cookie|authorization))|passwordHash|password_hash)":"(?:[^"\\]|\\.)*"/gi;
/** An e-mail address as it appears in JSON text (quotes and backslashes end it). */
const EMAIL = /\b([A-Za-z0-9._%+-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/g;
/** pino's numeric levels: debug is 20, trace 10. */
const DEBUG_LEVEL = /"level":(10|20)[,}]/;

// Every request of the gateway is logged: each pattern runs only on lines that can hold it.
export function redactLogLine(line: string): string {
  let out = line;
  if (out.includes('fw_')) out = out.replace(ISSUED_CREDENTIAL, 'fw_$1_[redacted]');
  if (out.includes('/a/')) out = out.replace(LINK_TOKEN, '/a/[redacted]');
  if (out.includes('eyJ')) out = out.replace(SIGNED_TOKEN, '[redacted]');
  if (out.includes('=')) out = out.replace(SECRET_QUERY, '$1[redacted]');
  if (out.includes('Bearer') || out.includes('Basic')) out = out.replace(AUTH_SCHEME, '$1 [redacted]');
  out = out.replace(SECRET_FIELD, '"$1":"[redacted]"');
  if (out.includes('@') && !DEBUG_LEVEL.test(out)) out = out.replace(EMAIL, '***@$2');
  return out;
}
