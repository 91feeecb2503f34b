import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Topics } from '@forewarn/contracts';
import { AccountDomainsReadModel, type CalendarFeed, CalendarFeedsRepository, type CalendarPollResult, TxHost, withSessionLock } from '@forewarn/database';
import {
  type CalendarMeeting, type CalendarOccurrence, calendarDomains, CalendarParseError, CalendarTooLargeError, domainOf, expandCalendar, planCalendarSync,
} from '@forewarn/ingest';
import { eventMessage, KafkaUnavailableError, Publisher, TOPICS } from '@forewarn/messaging';
import { BackgroundWorker, inSpan, Metrics } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { FeedFetchError, fetchFeed } from './calendar-fetch';
import { CALENDAR_CONFIG, type CalendarSettings, feedPolicy } from './calendar.config';

const DAY = 86_400_000;
const CHUNK = 500;
/** After a failure (feed down, Kafka down) a feed is tried again this soon, or at its interval if sooner. */
const RETRY_MS = 60_000;

export interface FeedPollSummary {
  feedId: string;
  outcome: 'synced' | 'not_modified' | 'removed' | 'failed';
  error?: string;
  scheduled: number;
  updated: number;
  cancelled: number;
}

/**
 * Polls the registered iCalendar feeds (`forewarn calendar add`), each at its own interval, with
 * ETag / If-Modified-Since; expands recurring events within the window; matches attendees' and
 * organizers' email domains to accounts (account-health's view `health.account_domains`); and
 * publishes what changed as meeting.scheduled / updated / cancelled events on `<prefix>events.v1`
 * (acks from all in-sync replicas) before recording it, so a crash in between republishes the
 * same event ids.
 */
@Injectable()
export class CalendarPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CalendarPoller.name);
  private readonly worker: BackgroundWorker;
  private readonly polls;
  private readonly published;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    private readonly txHost: TxHost,
    private readonly feeds: CalendarFeedsRepository,
    private readonly accountDomains: AccountDomainsReadModel,
    private readonly publisher: Publisher,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(CALENDAR_CONFIG) private readonly settings: CalendarSettings,
    metrics: Metrics,
  ) {
    this.polls = metrics.counter('forewarn_gateway_calendar_polls_total', 'Calendar feed polls, by outcome (synced, not_modified, removed, failed)', ['outcome']);
    this.published = metrics.counter('forewarn_gateway_calendar_meetings_total', 'Meeting events published from calendar feeds, by type', ['type']);
    this.worker = new BackgroundWorker({ name: 'calendar', intervalMs: settings.tickMs, metrics, pass: async () => void (await this.pollDue()) });
  }

  onApplicationBootstrap(): void {
    if (this.settings.tickMs > 0) this.worker.start(1_000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Polls every feed that is due, under the advisory lock (one gateway instance polls at a time); null when another instance holds it. */
  async pollDue(now = new Date()): Promise<FeedPollSummary[] | null> {
    return withSessionLock(this.db, 'calendar', async () => {
      const feeds = await this.feeds.due(now);
      const summaries: FeedPollSummary[] = [];
      for (const feed of feeds) {
        if (this.worker.isStopped) break;
        // Each feed's poll is a trace of its own: the meetings it publishes are followed from it.
        const poll = () => this.pollFeed(feed, new Date());
        summaries.push(await inSpan('poll calendar feed', { root: true, attributes: { 'forewarn.calendar.feed': feed.id } }, poll).catch((error) => this.failed(feed, new Date(), `unexpected: ${(error as Error).message}`)));
      }
      return summaries;
    });
  }

  private async pollFeed(feed: CalendarFeed, now: Date): Promise<FeedPollSummary> {
    const nextPollAt = new Date(now.getTime() + feed.intervalMinutes * 60_000);
    const fail = (error: string) => this.failed(feed, now, error);

    let occurrences: CalendarOccurrence[] = [];
    let result: CalendarPollResult = { status: 'ok', nextPollAt };
    if (!feed.removedAt) {
      let body: string | null = null;
      const limits = { timeoutMs: this.settings.fetchTimeoutMs, maxBytes: this.settings.maxBytes };
      try {
        let download = await fetchFeed(feed.url, feed, limits, feedPolicy(feed, this.settings));
        if (download.status === 'not_modified') {
          body = await this.feeds.body(feed.id);
          // Nothing cached to re-read (a failed parse before): fetch it whole.
          if (body === null) download = await fetchFeed(feed.url, {}, limits, feedPolicy(feed, this.settings));
        }
        if (download.status === 'ok') {
          body = download.body;
          result = { status: 'ok', etag: download.etag, lastModified: download.lastModified, body, nextPollAt };
        } else {
          result = { status: 'not_modified', nextPollAt };
        }
      } catch (error) {
        if (error instanceof FeedFetchError) return fail(error.message);
        throw error;
      }
      try {
        occurrences = expandCalendar(body ?? '', { from: now, to: new Date(now.getTime() + this.settings.windowDays * DAY), maxEvents: this.settings.maxEvents });
      } catch (error) {
        if (error instanceof CalendarTooLargeError) return fail(`${error.message}: not synced (GATEWAY_CALENDAR_MAX_EVENTS)`);
        if (error instanceof CalendarParseError) return fail(error.message);
        throw error;
      }
    }

    const internalDomains = [domainOf(feed.ownerEmail ?? undefined)].filter((d): d is string => !!d);
    const previous = await this.feeds.meetings<CalendarMeeting>(feed.id);
    const accountsByDomain = await this.accountDomains.accountsByDomain(calendarDomains(occurrences, internalDomains));
    const plan = planCalendarSync({ feedId: feed.id, occurrences, accountsByDomain, previous, internalDomains, now });

    try {
      for (let i = 0; i < plan.events.length; i += CHUNK) {
        const events = plan.events.slice(i, i + CHUNK);
        await this.publisher.publish([{
          topic: this.topics.events,
          messages: events.map((event) => eventMessage(event, `calendar-${feed.id}-${now.getTime()}`)),
        }]);
      }
    } catch (error) {
      if (error instanceof KafkaUnavailableError) return fail(error.message);
      throw error;
    }
    for (const event of plan.events) this.published.inc({ type: event.type });

    await this.txHost.withTransaction(async () => {
      await this.feeds.saveMeetings(feed.id, plan.save, plan.forget);
      if (feed.removedAt) await this.feeds.delete(feed.id);
      else await this.feeds.recordPoll(feed.id, result);
    });
    const outcome = feed.removedAt ? 'removed' : result.status === 'not_modified' ? 'not_modified' : 'synced';
    this.polls.inc({ outcome });
    if (plan.events.length > 0 || feed.removedAt) {
      this.logger.log({ msg: 'calendar feed synced', feed: feed.id, outcome, ...plan.counts });
    }
    return { feedId: feed.id, outcome, ...plan.counts };
  }

  /** Records a poll that failed; nothing is cancelled because a feed could not be read: meetings stay as they were. */
  private async failed(feed: CalendarFeed, now: Date, error: string): Promise<FeedPollSummary> {
    this.polls.inc({ outcome: 'failed' });
    this.logger.warn({ msg: 'calendar feed not synced', feed: feed.id, error });
    const retryAt = new Date(now.getTime() + Math.min(RETRY_MS, feed.intervalMinutes * 60_000));
    await this.feeds.recordPoll(feed.id, { status: 'error', error: error.slice(0, 1000), nextPollAt: retryAt });
    return { feedId: feed.id, outcome: 'failed', error, scheduled: 0, updated: 0, cancelled: 0 };
  }
}
