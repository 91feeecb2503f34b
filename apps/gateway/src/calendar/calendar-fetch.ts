/** Downloading iCalendar feeds politely: conditional requests, a time limit and a size limit. */

export type FeedDownload =
  | { status: 'ok'; body: string; etag: string | null; lastModified: string | null }
  /** 304: the feed is what it was at the last download. */
  | { status: 'not_modified' };

export class FeedFetchError extends Error {}

/** `webcal://` (what calendar apps hand out) is https. */
export const feedHttpUrl = (url: string): string => url.replace(/^webcals?:\/\//i, 'https://');

export async function fetchFeed(
  url: string,
  cache: { etag?: string | null; lastModified?: string | null },
  limits: { timeoutMs: number; maxBytes: number },
): Promise<FeedDownload> {
  const headers: Record<string, string> = { accept: 'text/calendar, text/plain;q=0.8, */*;q=0.5', 'user-agent': 'Forewarn calendar poller' };
  if (cache.etag) headers['if-none-match'] = cache.etag;
  if (cache.lastModified) headers['if-modified-since'] = cache.lastModified;
  let response: Response;
  try {
    response = await fetch(feedHttpUrl(url), { headers, redirect: 'follow', signal: AbortSignal.timeout(limits.timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${limits.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new FeedFetchError(`could not fetch the feed: ${reason}`);
  }
  if (response.status === 304) {
    await response.body?.cancel().catch(() => undefined);
    return { status: 'not_modified' };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new FeedFetchError(`the feed answered HTTP ${response.status}${response.status === 401 || response.status === 403 ? ' (is the URL the private/secret address?)' : ''}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new FeedFetchError(`the feed is larger than ${limits.maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
      if (done || !value) break;
      size += value.byteLength;
      if (size > limits.maxBytes) {
        await reader?.cancel().catch(() => undefined);
        throw new FeedFetchError(`the feed is larger than ${limits.maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FeedFetchError) throw error;
    throw new FeedFetchError(`could not read the feed: ${(error as Error).name === 'TimeoutError' ? `no answer within ${limits.timeoutMs} ms` : (error as Error).message}`);
  }
  return {
    status: 'ok',
    body: Buffer.concat(chunks).toString('utf8'),
    etag: response.headers.get('etag'),
    lastModified: response.headers.get('last-modified'),
  };
}
