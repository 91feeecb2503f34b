import { ConfigError, gatewayEnvSchema, loadConfig } from '@forewarn/config';
import { type CalendarFeed, CalendarFeedExistsError, CalendarFeedNotFoundError, CalendarFeedsRepository, GatewayDataModule } from '@forewarn/database';
import { CalendarParseError, CalendarTooLargeError, expandCalendar } from '@forewarn/ingest';
import { checkOutboundAddress, OutboundError, outboundGet, type OutboundPolicy } from '@forewarn/outbound';
import type { Command } from 'commander';
import { CliError, printJson, withApp } from '../cli-support';

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

const httpUrl = (url: string): string => url.replace(/^webcals?:\/\//i, 'https://');

/** Where the feed may be fetched from, as the gateway will see it: public hosts, allowed hosts, or anywhere with --allow-internal. */
function feedPolicy(allowInternal: boolean): OutboundPolicy {
  const config = gatewayCliConfig();
  return { allowPlainHttp: true, allowHosts: config.FOREWARN_OUTBOUND_ALLOW_HOSTS, allowInternal };
}

function gatewayCliConfig() {
  try {
    return loadConfig(gatewayEnvSchema, process.env, { needsSecret: false });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

const INTERNAL_HINT = 'pass --allow-internal if this feed is on an internal host on purpose';

/** Refuses now, before it is stored, a feed on an address that is not public (unless allowed). */
async function checkAddress(url: string, policy: OutboundPolicy): Promise<void> {
  const checked = await checkOutboundAddress(httpUrl(url), policy);
  if (!checked.ok && checked.notPublic) throw new CliError(`the calendar ${url} is not on the public internet (${checked.detail}); ${INTERNAL_HINT}`);
  if (!checked.ok) throw new CliError(`the calendar URL ${checked.reason}`);
}

/** Fetches and parses the feed once, as the gateway will (same address rules, redirects checked), so a wrong URL is found now rather than in the gateway's log. */
async function checkFeed(url: string, policy: OutboundPolicy): Promise<{ events: number; upcoming: number }> {
  const config = gatewayCliConfig();
  let text: string;
  try {
    const response = await outboundGet(httpUrl(url), {
      headers: { accept: 'text/calendar', 'user-agent': 'Forewarn calendar poller' }, timeoutMs: 15_000, maxBytes: config.GATEWAY_CALENDAR_MAX_BYTES, policy,
    });
    if (response.status < 200 || response.status > 299) throw new CliError(`${url} answered HTTP ${response.status} (use --no-check to register it anyway)`);
    text = response.body.toString('utf8');
  } catch (error) {
    if (!(error instanceof OutboundError)) throw error;
    if (error.kind === 'refused') throw new CliError(`could not fetch ${url}: ${error.message} (${error.detail}); ${INTERNAL_HINT}`);
    throw new CliError(`could not fetch ${url}: ${error.message} (use --no-check to register it anyway)`);
  }
  try {
    const now = new Date();
    const occurrences = expandCalendar(text, { from: now, to: new Date(now.getTime() + 30 * DAY), marginDays: 0, maxEvents: config.GATEWAY_CALENDAR_MAX_EVENTS });
    return { events: new Set(occurrences.map((o) => o.uid)).size, upcoming: occurrences.filter((o) => o.inWindow && !o.cancelled).length };
  } catch (error) {
    if (error instanceof CalendarTooLargeError) throw new CliError(`${url}: ${error.message} (GATEWAY_CALENDAR_MAX_EVENTS); the gateway would not sync it`);
    if (error instanceof CalendarParseError) throw new CliError(`${url} is ${error.message} (use --no-check to register it anyway)`);
    throw error;
  }
}

const view = (feed: CalendarFeed) => ({
  id: feed.id,
  url: feed.url,
  owner: feed.ownerEmail,
  team: feed.team,
  intervalMinutes: feed.intervalMinutes,
  lastPolledAt: feed.lastPolledAt,
  lastStatus: feed.lastStatus,
  lastError: feed.lastError,
  nextPollAt: feed.nextPollAt,
  ...(feed.allowInternal ? { allowInternal: true } : {}),
  ...(feed.removedAt ? { removing: true } : {}),
});

const withCalendarFeeds = <T>(work: (feeds: CalendarFeedsRepository) => Promise<T>): Promise<T> =>
  withApp([GatewayDataModule], (app) => work(app.get(CalendarFeedsRepository)));

export function registerCalendarCommands(program: Command): void {
  const calendar = program.command('calendar').description('iCalendar (RFC 5545) feeds the gateway polls for customer meetings');

  calendar
    .command('add <url>')
    .description("register a user's or team's calendar feed (its secret iCal address); meetings whose attendees' email domains belong to an account become that account's meetings")
    .option('--owner <email>', 'whose calendar it is (their company domain is never taken for a customer)')
    .option('--team <team>', 'the sales team it belongs to')
    .option('--interval <minutes>', 'how often to poll it', '15')
    .option('--no-check', 'register without fetching it once first')
    .option('--allow-internal', 'the feed is on an internal host on purpose: fetch it although its address is not on the public internet')
    .action(async (urlText: string, options: { owner?: string; team?: string; interval: string; check: boolean; allowInternal?: boolean }) => {
      const url = feedUrl(urlText);
      const policy = feedPolicy(options.allowInternal === true);
      await checkAddress(url, policy);
      if (options.owner !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.owner)) throw new CliError(`--owner "${options.owner}" is not an email address`);
      const interval = Number(options.interval);
      if (!Number.isInteger(interval) || interval < 1 || interval > 10_080) throw new CliError(`--interval must be whole minutes from 1 to 10080, not "${options.interval}"`);
      const check = options.check ? await checkFeed(url, policy) : null;
      const feed = await withCalendarFeeds((feeds) =>
        feeds.add(url, { ownerEmail: options.owner?.toLowerCase() ?? null, team: options.team ?? null, intervalMinutes: interval, allowInternal: options.allowInternal === true }).catch((error) => {
          throw error instanceof CalendarFeedExistsError ? new CliError(error.message) : error;
        }),
      );
      printJson({ ...view(feed), ...(check ? { check } : {}) });
    });

  calendar
    .command('list')
    .description('the registered feeds, when each was last polled and how it went')
    .action(async () => {
      const feeds = await withCalendarFeeds((feeds) => feeds.list());
      printJson(feeds.map((f) => ({ ...view(f), meetings: f.meetings })));
    });

  calendar
    .command('remove <id-or-url>')
    .description('stop polling a feed; its upcoming meetings are cancelled')
    .action(async (ref: string) => {
      const feed = await withCalendarFeeds((feeds) => feeds.remove(ref).catch((error) => {
        throw error instanceof CalendarFeedNotFoundError ? new CliError(error.message) : error;
      }));
      printJson({ id: feed.id, url: feed.url, removing: true, note: 'the gateway cancels its upcoming meetings and then forgets the feed' });
    });

  calendar
    .command('refresh <id-or-url>')
    .description('poll a feed at the next opportunity instead of waiting for its interval')
    .action(async (ref: string) => {
      const feed = await withCalendarFeeds((feeds) => feeds.refresh(ref).catch((error) => {
        throw error instanceof CalendarFeedNotFoundError ? new CliError(error.message) : error;
      }));
      printJson(view(feed));
    });
}
