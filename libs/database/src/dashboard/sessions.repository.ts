import { Injectable } from '@nestjs/common';
import { Not } from 'typeorm';
import { hashCredential, newCredential } from '../repositories/secrets';
import { TxHost } from '../unit-of-work';
import { normalEmail } from './normal-email';
import { SessionEntity } from './session.entity';

/** A session ends 14 days after sign-in, whatever happens, or earlier when idle (`sessionIdleMinutes`). */
export const SESSION_DAYS = 14;

/** Web sessions (`dashboard.sessions`). The session id is the cookie; only its hash is stored. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly txHost: TxHost) {}

  private get sessions() {
    return this.txHost.tx.getRepository(SessionEntity);
  }

  async start(email: string): Promise<{ sessionId: string; expiresAt: Date }> {
    const sessionId = newCredential('fw_ses');
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
    await this.sessions.insert({ idHash: hashCredential(sessionId), email, expiresAt });
    return { sessionId, expiresAt };
  }

  /**
   * The e-mail of a session that is neither past its end nor idle for longer than `idleMinutes`.
   * Marks it seen at most once a minute (or twice per idle limit, when that is shorter), so a busy
   * session costs no write per request.
   */
  async liveEmail(sessionId: string, idleMinutes: number): Promise<string | null> {
    const rows: { email: string }[] = await this.txHost.tx.query(
      `WITH live AS (
         SELECT id_hash, email, last_seen_at FROM dashboard.sessions
         WHERE id_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $2::float8)
       ), touched AS (
         UPDATE dashboard.sessions s SET last_seen_at = now() FROM live
         WHERE s.id_hash = live.id_hash AND live.last_seen_at < now() - make_interval(secs => least(60, $2::float8 / 2))
       )
       SELECT email FROM live`,
      [hashCredential(sessionId), idleMinutes * 60],
    );
    return rows[0]?.email ?? null;
  }

  async end(sessionId: string): Promise<void> {
    await this.sessions.delete({ idHash: hashCredential(sessionId) });
  }

  /** Ends every session of the user (but `exceptSessionId`); returns how many ended. */
  async endAllOf(email: string, exceptSessionId?: string): Promise<number> {
    const { affected } = await this.sessions.delete({ email: normalEmail(email), idHash: Not(exceptSessionId ? hashCredential(exceptSessionId) : '') });
    return affected ?? 0;
  }

  /** Forgets sessions that ended (absolutely or by being idle longer than `idleMinutes`); they no longer work anyway. */
  async deleteEnded(idleMinutes: number): Promise<number> {
    const { affected } = await this.sessions
      .createQueryBuilder()
      .delete()
      .where('expires_at <= now() OR last_seen_at <= now() - make_interval(secs => CAST(:secs AS float8))', { secs: idleMinutes * 60 })
      .execute();
    return affected ?? 0;
  }
}
