import { isRedirect, OutboundError, type OutboundRequestOptions, type OutboundResponse, outboundRequest } from './request';

export interface FollowOptions extends Omit<OutboundRequestOptions, 'method' | 'body'> {
  /** At most this many redirects (a few): each hop's address is checked like the first. */
  maxRedirects?: number;
}

/**
 * A GET that follows redirects by hand, checking every hop's address before connecting, so a
 * public server cannot redirect the call into the network it runs in. `timeoutMs` is for all hops.
 */
export async function outboundGet(target: string | URL, options: FollowOptions): Promise<OutboundResponse & { url: URL }> {
  const maxRedirects = options.maxRedirects ?? 5;
  const deadline = Date.now() + options.timeoutMs;
  let url = new URL(target.toString());
  for (let hop = 0; ; hop++) {
    const left = deadline - Date.now();
    if (left <= 0) throw new OutboundError('timeout', `no answer within ${options.timeoutMs} ms`);
    let response: OutboundResponse;
    try {
      response = await outboundRequest(url, { ...options, method: 'GET', timeoutMs: left });
    } catch (error) {
      if (error instanceof OutboundError && error.kind === 'timeout') throw new OutboundError('timeout', `no answer within ${options.timeoutMs} ms`);
      if (error instanceof OutboundError && error.kind === 'refused' && hop > 0) {
        throw new OutboundError('refused', `refused: it redirected to an address that is not on the public internet`, error.detail);
      }
      throw error;
    }
    const location = response.headers.location;
    if (!isRedirect(response.status) || !location) return { ...response, url };
    if (hop >= maxRedirects) throw new OutboundError('network', `more than ${maxRedirects} redirects`);
    try {
      url = new URL(location, url);
    } catch {
      throw new OutboundError('network', `a redirect to something that is not a URL`);
    }
  }
}
