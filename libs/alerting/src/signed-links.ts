import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a one-click link in a mail may do, without logging in. */
export type LinkAction =
  | { action: 'ack'; alertId: string; accountId: string; email: string }
  | { action: 'snooze'; alertId: string; accountId: string; email: string; hours: number };

export type SignedLink = LinkAction & { expiresAt: number };

export type LinkCheck = { ok: true; link: SignedLink } | { ok: false; problem: 'malformed' | 'bad-signature' | 'expired' };

const sign = (payload: string, secret: string): string => createHmac('sha256', secret).update(`forewarn-link:${payload}`).digest('base64url');

/** A compact token: base64url(JSON) + "." + HMAC-SHA256 of it with FOREWARN_SECRET. */
export function signLink(action: LinkAction, expiresAt: Date, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ ...action, expiresAt: Math.floor(expiresAt.getTime() / 1000) })).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

export function verifyLink(token: string, secret: string, now: Date): LinkCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, problem: 'malformed' };
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, problem: 'bad-signature' };
  let link: SignedLink;
  try {
    const raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    link = { ...raw, expiresAt: raw.expiresAt * 1000 };
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  if (link.action !== 'ack' && link.action !== 'snooze') return { ok: false, problem: 'malformed' };
  if (link.expiresAt <= now.getTime()) return { ok: false, problem: 'expired' };
  return { ok: true, link };
}
