import type { User } from '@forewarn/database';
import { type AccountAudience, canSee } from '../auth/visibility';

/** What changed, as the pages need to know it; never more than the account page shows. */
export type LiveChange =
  | { type: 'health'; accountId: string; accountName: string; state: string; score: number; previousState: string | null; previousScore: number | null }
  | { type: 'alert'; accountId: string; accountName: string; alertId: string; kind: string; state: string; score: number }
  | { type: 'acknowledged'; accountId: string; accountName: string; alertId: string; by: string }
  | { type: 'delivery'; accountId: string; accountName: string; alertId: string; notificationId: string; status: string };

/** A change with its id (for `Last-Event-ID`) and who is on its account (who may hear of it). */
export interface LiveEvent {
  id: string;
  change: LiveChange;
  audience: AccountAudience;
  /** The SSE frame, written once for every connection that may see it. */
  frame: string;
}

/** Where one connection's frames go: an HTTP response in the service, a counter in a test. */
export interface LiveSink {
  write(frame: string): void;
  end(): void;
}

export interface LiveConnection {
  user: User;
  sink: LiveSink;
}

/** Why a new connection was not taken. */
export class TooManyConnections extends Error {
  constructor(readonly limit: number) {
    super(`at most ${limit} live connections per user`);
  }
}

export const sseFrame = (event: string, id: string | null, data: unknown): string => `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The live connections of this dashboard instance and the recent changes they were sent. Each
 * change goes only to the connections whose user may see its account (`canSee`, the rule of the
 * pages). A reconnecting client names the last change it got (`Last-Event-ID`) and is sent what it
 * missed from a short ring buffer; an id the buffer no longer holds (or another instance's) gets a
 * `reload` event: the page fetches itself afresh.
 */
export class LiveHub {
  private readonly connections = new Set<LiveConnection>();
  private readonly perUser = new Map<string, number>();
  private readonly recent: LiveEvent[] = [];
  private seq = 0;

  constructor(
    private readonly options: { maxPerUser: number; bufferSize: number; instance: string },
  ) {}

  get size(): number {
    return this.connections.size;
  }

  /** Takes a connection (or refuses it: TooManyConnections) and sends it what it missed since `lastEventId`. */
  connect(user: User, sink: LiveSink, lastEventId: string | null): LiveConnection {
    const connection = this.open(user, sink);
    if (lastEventId) this.catchUp(connection, lastEventId);
    return connection;
  }

  /** Takes a connection, or refuses it (TooManyConnections). */
  private open(user: User, sink: LiveSink): LiveConnection {
    const key = user.email.toLowerCase();
    const open = this.perUser.get(key) ?? 0;
    if (open >= this.options.maxPerUser) throw new TooManyConnections(this.options.maxPerUser);
    const connection = { user, sink };
    this.connections.add(connection);
    this.perUser.set(key, open + 1);
    return connection;
  }

  disconnect(connection: LiveConnection): void {
    if (!this.connections.delete(connection)) return;
    const key = connection.user.email.toLowerCase();
    const open = (this.perUser.get(key) ?? 1) - 1;
    if (open > 0) this.perUser.set(key, open);
    else this.perUser.delete(key);
  }

  /** Sends a change to every connection that may see its account; returns how many were sent it. */
  publish(change: LiveChange, audience: AccountAudience): number {
    this.seq += 1;
    const id = `${this.options.instance}-${this.seq}`;
    const event: LiveEvent = { id, change, audience, frame: sseFrame(change.type, id, change) };
    this.recent.push(event);
    if (this.recent.length > this.options.bufferSize) this.recent.shift();
    let sent = 0;
    for (const connection of this.connections) {
      if (!canSee(connection.user, audience)) continue;
      connection.sink.write(event.frame);
      sent += 1;
    }
    return sent;
  }

  /** A comment line to every connection, so proxies and browsers keep idle streams open. */
  heartbeat(): void {
    for (const connection of this.connections) connection.sink.write(': keep-alive\n\n');
  }

  /** Ends every connection (shutdown); clients reconnect to another instance. */
  closeAll(): void {
    for (const connection of [...this.connections]) {
      this.disconnect(connection);
      connection.sink.end();
    }
  }

  /** Sends a reconnected client what it missed since `lastEventId` (nothing for a new one). */
  catchUp(connection: LiveConnection, lastEventId: string | null): void {
    if (!lastEventId) return;
    const index = this.recent.findIndex((event) => event.id === lastEventId);
    if (index < 0) {
      connection.sink.write(sseFrame('reload', null, { reason: 'Some changes were missed; the page reads itself again.' }));
      return;
    }
    for (const event of this.recent.slice(index + 1)) {
      if (canSee(connection.user, event.audience)) connection.sink.write(event.frame);
    }
  }
}
