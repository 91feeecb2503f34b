import { Inject, Injectable } from '@nestjs/common';
import type { NotifierConfig } from '@forewarn/config';
import { isRedirect, OutboundError, type OutboundPolicy, outboundRequest } from '@forewarn/outbound';
import { retryAfterMs, type VendorApi, type VendorCredentials, VendorError, vendorErrorDetail, type VendorFailure, type WriteBackAdapter } from '@forewarn/write-back';
import { NOTIFIER_CONFIG } from '../notifier.config';

/** The largest answer read (a conversation with its parts, looked up after an interrupted attempt). */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** A call would not finish before the note's lease runs out: it is left for the next claim, which looks for the note first. */
export class LeaseRunningOut extends Error {
  constructor() {
    super('the lease of the note runs out before another call could finish');
  }
}

const failureOf = (error: OutboundError, timeoutMs: number): VendorFailure => {
  switch (error.kind) {
    case 'refused': return { kind: 'refused', message: error.message };
    case 'timeout': return { kind: 'timeout', timeoutMs };
    case 'too_large': return { kind: 'network', message: `the answer was ${error.message}` };
    default: return { kind: 'network', message: error.message };
  }
};

const parseJson = (body: Buffer): unknown => {
  if (body.length === 0) return null;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    // An HTML error page of a proxy says nothing the ledger should show.
    return null;
  }
};

/**
 * Calls a helpdesk's REST API for an adapter: its URL and headers (the credentials), JSON in and
 * out, a time limit per call, and only public hosts (checked after DNS on the address connected
 * to; FOREWARN_OUTBOUND_ALLOW_HOSTS for an operator's exceptions), redirects never followed. A
 * non-`2xx` answer or no answer is a VendorError; nothing here logs, so no token reaches a log line.
 */
@Injectable()
export class VendorClient {
  private readonly policy: OutboundPolicy;
  private readonly timeoutMs: number;

  constructor(@Inject(NOTIFIER_CONFIG) config: NotifierConfig) {
    this.policy = { allowPlainHttp: config.NODE_ENV !== 'production', allowHosts: config.FOREWARN_OUTBOUND_ALLOW_HOSTS };
    this.timeoutMs = config.WRITE_BACK_TIMEOUT_MS;
  }

  /** The vendor's API as `adapter` calls it; no call starts that could outlast `deadline` (epoch ms). */
  api(adapter: WriteBackAdapter, credentials: VendorCredentials, deadline: number): VendorApi {
    const headers = { ...adapter.headers(credentials), 'user-agent': 'Forewarn (write-back)' };
    return async (request) => {
      if (Date.now() + this.timeoutMs > deadline) throw new LeaseRunningOut();
      let response;
      try {
        response = await outboundRequest(`${credentials.apiUrl}${request.path}`, {
          method: request.method,
          headers: request.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          timeoutMs: this.timeoutMs,
          maxBytes: MAX_ANSWER_BYTES,
          policy: this.policy,
        });
      } catch (error) {
        if (error instanceof OutboundError) throw new VendorError(failureOf(error, this.timeoutMs), request.purpose);
        throw error;
      }
      const body = parseJson(response.body);
      if (response.status >= 200 && response.status < 300) return { status: response.status, body };
      const detail = isRedirect(response.status) ? 'redirects are not followed' : vendorErrorDetail(body);
      throw new VendorError({ kind: 'status', status: response.status, retryAfterMs: retryAfterMs(response.headers, new Date()), detail }, request.purpose);
    };
  }
}
