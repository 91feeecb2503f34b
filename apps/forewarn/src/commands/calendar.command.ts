import { CalendarFeedExistsError, CalendarFeedNotFoundError, CalendarFeedsRepository } from '@forewarn/database';
import { CalendarParseError, expandCalendar } from '@forewarn/ingest';
import type { Command } from 'commander';
import { CliError, printJson, withDatabase } from '../cli-support';

const DAY = 86_400_000;

/** A feed URL the poller can fetch: http(s), or webcal(s) which is https. */
function feedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new CliError(`"${text}" is not a URL`);
  }
  if (!['http:', 'https:', 'webcal:', 'webcals:'].includes(url.protocol)) throw new CliError(`the calendar URL must be http(s) or webcal, not ${url.protocol.replace(/:$/, '')}`);
  return url.toString();
}

/** Fetches and parses the feed once, so a wrong URL is found now rather than in the gateway's log. */
async function checkFeed(url: string): Promise<{ events: number; upcoming: number }> {
  let response: Response;
  try {
    response = await fetch(url.replace(/^webcals?:\/\//i, 'https://'), { headers: { accept: 'text/calendar' }, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new CliError(`could not fetch ${url}: ${cause?.code ?? (error as Error).message} (use --no-check to register it anyway)`);
  }
  if (!response.ok) throw new CliError(`${url} answered HTTP ${response.status} (use --no-check to register it anyway)`);
  const text = await response.text();
  try {
    const now = new Date();
    const occurrences = expandCalendar(text, { from: now, to: new Date(now.getTime() + 30 * DAY), marginDays: 0 });
    return { events: new Set(occurrences.map((o) => o.uid)).size, upcoming: occurrences.filter((o) => o.inWindow && !o.cancelled).length };
  } catch (error) {
    if (error instanceof CalendarParseError) throw new CliError(`${url} is ${error.message} (use --no-check to register it anyway)`);
    throw error;
  }
}

const view = (feed: Awaited<ReturnType<CalendarFeedsRepository['find']>> & object) => ({
  id: feed.id,
  url: feed.url,
  owner: feed.ownerEmail,
  team: feed.team,
  intervalMinutes: feed.intervalMinutes,
  lastPolledAt: feed.lastPolledAt,
  lastStatus: feed.lastStatus,
  lastError: feed.lastError,
  nextPollAt: feed.nextPollAt,
  ...(feed.removedAt ? { removing: true } : {}),
});

export function registerCalendarCommands(program: Command): void {
  const calendar = program.command('calendar').description('iCalendar (RFC 5545) feeds the gateway polls for customer meetings');

  calendar
    .command('add <url>')
    .description("register a user's or team's calendar feed (its secret iCal address); meetings whose attendees' email domains belong to an account become that account's meetings")
    .option('--owner <email>', 'whose calendar it is (their company domain is never taken for a customer)')
    .option('--team <team>', 'the sales team it belongs to')
    .option('--interval <minutes>', 'how often to poll it', '15')
    .option('--no-check', 'register without fetching it once first')
    .action(async (urlText: string, options: { owner?: string; team?: string; interval: string; check: boolean }) => {
      const url = feedUrl(urlText);
      if (options.owner !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.owner)) throw new CliError(`--owner "${options.owner}" is not an email address`);
      const interval = Number(options.interval);
      if (!Number.isInteger(interval) || interval < 1 || interval > 10_080) throw new CliError(`--interval must be whole minutes from 1 to 10080, not "${options.interval}"`);
      const check = options.check ? await checkFeed(url) : null;
      const feed = await withDatabase((db) =>
        new CalendarFeedsRepository(db).add(url, { ownerEmail: options.owner?.toLowerCase() ?? null, team: options.team ?? null, intervalMinutes: interval }).catch((error) => {
          throw error instanceof CalendarFeedExistsError ? new CliError(error.message) : error;
        }),
      );
      printJson({ ...view(feed), ...(check ? { check } : {}) });
    });

  calendar
    .command('list')
    .description('the registered feeds, when each was last polled and how it went')
    .action(async () => {
      const feeds = await withDatabase((db) => new CalendarFeedsRepository(db).list());
      printJson(feeds.map((f) => ({ ...view(f), meetings: f.meetings })));
    });

  calendar
    .command('remove <id-or-url>')
    .description('stop polling a feed; its upcoming meetings are cancelled')
    .action(async (ref: string) => {
      const feed = await withDatabase((db) => new CalendarFeedsRepository(db).remove(ref).catch((error) => {
        throw error instanceof CalendarFeedNotFoundError ? new CliError(error.message) : error;
      }));
      printJson({ id: feed.id, url: feed.url, removing: true, note: 'the gateway cancels its upcoming meetings and then forgets the feed' });
    });

  calendar
    .command('refresh <id-or-url>')
    .description('poll a feed at the next opportunity instead of waiting for its interval')
    .action(async (ref: string) => {
      const feed = await withDatabase((db) => new CalendarFeedsRepository(db).refresh(ref).catch((error) => {
        throw error instanceof CalendarFeedNotFoundError ? new CliError(error.message) : error;
      }));
      printJson(view(feed));
    });
}
