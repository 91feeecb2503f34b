import { Injectable } from '@nestjs/common';
import { hashCredential, newCredential } from '../repositories/secrets';
import { TxHost } from '../unit-of-work';
import { normalEmail } from './normal-email';

/** What a link from a sign-in mail does: sign an active user in, or set up an invited user's account. */
export type SignInLinkPurpose = 'sign-in' | 'invite';

/** How long each kind of link works: a sign-in link a quarter of an hour, an invite a week. */
export const SIGN_IN_LINK_TTL_MS: Record<SignInLinkPurpose, number> = { 'sign-in': 15 * 60_000, invite: 7 * 24 * 3_600_000 };

/**
 * One-use links sent by e-mail (`dashboard.sign_in_links`), each bound to the address it was sent
 * to. The link holds a random token; only its hash is stored, so the table gives no way in.
 */
@Injectable()
export class SignInLinksRepository {
  constructor(private readonly txHost: TxHost) {}

  /** A new link's token for `email` (who must be a user); an invite replaces that user's earlier invites. */
  async issue(email: string, purpose: SignInLinkPurpose, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const token = newCredential(purpose === 'invite' ? 'fw_inv' : 'fw_lnk');
    const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_TTL_MS[purpose]);
    if (purpose === 'invite') await this.txHost.tx.query(`DELETE FROM dashboard.sign_in_links WHERE email = $1 AND purpose = 'invite'`, [normalEmail(email)]);
    await this.txHost.tx.query('INSERT INTO dashboard.sign_in_links (token_hash, email, purpose, expires_at) VALUES ($1, $2, $3, $4)', [hashCredential(token), normalEmail(email), purpose, expiresAt]);
    return { token, expiresAt };
  }

  /** Whether a link would work now (for the page that asks to confirm), without using it. */
  async peek(token: string, purpose: SignInLinkPurpose): Promise<{ email: string } | null> {
    const [row]: { email: string }[] = await this.txHost.tx.query(
      'SELECT email FROM dashboard.sign_in_links WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()',
      [hashCredential(token), purpose],
    );
    return row ?? null;
  }

  /** Uses a link: the address it was sent to, once; null when it is unknown, used, expired or of another purpose. */
  async use(token: string, purpose: SignInLinkPurpose): Promise<{ email: string } | null> {
    // Through a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], a SELECT with its rows.
    const [row]: { email: string }[] = await this.txHost.tx.query(
      `WITH used AS (
         UPDATE dashboard.sign_in_links SET used_at = now()
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() RETURNING email
       ) SELECT email FROM used`,
      [hashCredential(token), purpose],
    );
    return row ?? null;
  }

  /** Forgets links that can no longer be used. */
  async deleteSpent(): Promise<number> {
    const rows: unknown[] = await this.txHost.tx.query(`WITH gone AS (DELETE FROM dashboard.sign_in_links WHERE used_at IS NOT NULL OR expires_at <= now() RETURNING 1) SELECT 1 FROM gone`);
    return rows.length;
  }
}
