import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import type { User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import type { Response } from 'express';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthedRequest } from '../common/authed-request';
import { LiveFeed } from './live-feed';
import { type LiveConnection, TooManyConnections } from './live-hub';

/** A stream ends after this long; the browser reconnects at once (with `Last-Event-ID`), signed in afresh. */
export const STREAM_LIFETIME_MS = 10 * 60_000;
/** How long a browser waits before reconnecting a dropped stream. */
const RETRY_MS = 3_000;

/**
 * `GET /api/live`: server-sent events of changes to the accounts the reader may see — `health`
 * (state or score), `alert` (raised), `acknowledged`, `delivery` (a recipient's mail sent, retrying,
 * failed…) — each `{ accountId, accountName, … }`, with an id to resume from (`Last-Event-ID`).
 * Authorised like the API (session cookie or token); a user's sixth connection is answered `429`.
 */
@Controller('api/live')
@UseGuards(ApiAuthGuard)
export class LiveController {
  constructor(private readonly feed: LiveFeed) {}

  @Get()
  stream(@CurrentUser() user: User, @Req() request: AuthedRequest, @Res() response: Response): void {
    const lastEventId = typeof request.headers['last-event-id'] === 'string' ? request.headers['last-event-id'].slice(0, 100) : null;
    let connection: LiveConnection;
    try {
      connection = this.feed.hub.connect(user, { write: (frame) => response.write(frame), end: () => response.end() }, null);
    } catch (error) {
      if (!(error instanceof TooManyConnections)) throw error;
      throw new Problem(429, 'Too Many Requests', `You have ${error.limit} live connections open already (tabs or windows); close one, or this page updates every 30 seconds instead.`, { headers: { 'Retry-After': '30' } });
    }
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Connection', 'keep-alive');
    // Proxies that buffer (nginx) would hold the events back.
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write(`retry: ${RETRY_MS}\n\n`);
    this.feed.hub.catchUp(connection, lastEventId);
    const lifetime = setTimeout(() => response.end(), STREAM_LIFETIME_MS);
    lifetime.unref();
    request.on('close', () => {
      clearTimeout(lifetime);
      this.feed.hub.disconnect(connection);
    });
  }
}
