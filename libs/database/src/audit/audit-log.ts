import { hostname, userInfo } from 'node:os';
import { Injectable } from '@nestjs/common';
import { TxHost } from '../unit-of-work';

/**
 * What admins did, and who did it (`audit.entries`). Actions are dotted verbs naming what changed:
 * `source.added`, `source.key_rotated`, `user.added`, `user.removed`, `policy.reloaded`, `replay.run`.
 * Details never hold a secret: no keys, tokens or passwords, only what changed.
 */
export interface AuditEntry {
  id: string;
  at: Date;
  /** A dashboard user's e-mail, `cli:<os user>@<host>` for the command line, or `system:<service>`. */
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

export type NewAuditEntry = Pick<AuditEntry, 'actor' | 'action'> & { target?: string | null; details?: Record<string, unknown> };

export interface AuditQuery {
  action?: string;
  actor?: string;
  since?: Date;
  limit?: number;
  /** Entries older than this id (the next page). */
  before?: string;
}

/** Who runs the command line: the operating-system user and the host, since the CLI has no sign-in. */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return `cli:${user}@${hostname()}`;
}

type AuditRow = { id: string; at: Date; actor: string; action: string; target: string | null; details: Record<string, unknown> };

/** The audit log: append and read, nothing else. An entry joins the unit of work of the change it records. */
@Injectable()
export class AuditLog {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  async record(entry: NewAuditEntry): Promise<void> {
    await this.db.query('INSERT INTO audit.entries (actor, action, target, details) VALUES ($1, $2, $3, $4)', [
      entry.actor, entry.action, entry.target ?? null, JSON.stringify(entry.details ?? {}),
    ]);
  }

  /** Newest first. */
  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.action) add(query.action.endsWith('.') ? `action LIKE ? || '%'` : 'action = ?', query.action);
    if (query.actor) add('lower(actor) = lower(?)', query.actor);
    if (query.since) add('at >= ?', query.since);
    if (query.before) add('id < ?::bigint', query.before);
    params.push(Math.min(Math.max(query.limit ?? 100, 1), 1000));
    const rows: AuditRow[] = await this.db.query(
      `SELECT id::text AS id, at, actor, action, target, details FROM audit.entries
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ id: r.id, at: new Date(r.at), actor: r.actor, action: r.action, target: r.target, details: r.details }));
  }
}
