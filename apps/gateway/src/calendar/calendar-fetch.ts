import { OutboundError, outboundGet, type OutboundPolicy, type Resolver } from '@forewarn/outbound';

/**
 * Downloading iCalendar feeds politely: conditional requests, a time limit and a size limit; and
 * safely: only from public hosts (unless the operator allowed the feed's host), redirects followed
 * by hand with every hop checked.
 */

export type FeedDownload =
  | { status: 'ok'; body: string; etag: string | null; lastModified: string | null }
  /** 304: the feed is what it was at the last download. */
  | { status: 'not_modified' };

export class FeedFetchError extends Error {}

/** `webcal://` (what calendar apps hand out) is https. */
export const feedHttpUrl = (url: string): string => url.replace(/^webcals?:\/\//i, 'https://');

/** What an operator can do about a feed refused for its address. */
const ALLOW_HINT = 'register it with --allow-internal, or list its host in FOREWARN_OUTBOUND_ALLOW_HOSTS, if that is intended';

export async function fetchFeed(
  url: string,
  cache: { etag?: string | null; lastModified?: string | null },
  limits: { timeoutMs: number; maxBytes: number },
  policy: OutboundPolicy,
  resolver?: Resolver,
): Promise<FeedDownload> {
  const headers: Record<string, string> = { accept: 'text/calendar, text/plain;q=0.8, */*;q=0.5', 'user-agent': 'Forewarn calendar poller' };
  if (cache.etag) headers['if-none-match'] = cache.etag;
  if (cache.lastModified) headers['if-modified-since'] = cache.lastModified;
  let response;
  try {
    response = await outboundGet(feedHttpUrl(url), { headers, timeoutMs: limits.timeoutMs, maxBytes: limits.maxBytes, policy, resolver });
  } catch (error) {
    if (!(error instanceof OutboundError)) throw new FeedFetchError(`could not fetch the feed: ${(error as Error).message}`);
    if (error.kind === 'too_large') throw new FeedFetchError(`the feed is larger than ${limits.maxBytes} bytes`);
    if (error.kind === 'refused') throw new FeedFetchError(`could not fetch the feed: ${error.message}${error.detail ? ` (${error.detail})` : ''}; ${ALLOW_HINT}`);
    throw new FeedFetchError(`could not fetch the feed: ${error.message}`);
  }
  if (response.status === 304) return { status: 'not_modified' };
  if (response.status < 200 || response.status > 299) {
    throw new FeedFetchError(`the feed answered HTTP ${response.status}${response.status === 401 || response.status === 403 ? ' (is the URL the private/secret address?)' : ''}`);
  }
  const header = (name: string) => {
    const value = response.headers[name];
    return typeof value === 'string' ? value : null;
  };
  return { status: 'ok', body: response.body.toString('utf8'), etag: header('etag'), lastModified: header('last-modified') };
}
