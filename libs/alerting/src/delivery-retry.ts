/** What went wrong talking to the mail server, as far as retrying is concerned. */
export interface DeliveryFailure {
  /** SMTP reply code, when the server answered (e.g. 421, 550). */
  responseCode?: number;
}

export type RetryDecision = { retryInMs: number } | { giveUp: true };

/** Replies that mean "this address will never take it", not "try later". */
const MAILBOX_REJECTIONS = new Set([550, 551, 553]);
const REJECTION_ATTEMPTS = 3;
const FIRST_RETRY_MS = 5_000;

/**
 * Mail waits while SMTP is down; it never vanishes. Transient problems (no connection, timeouts,
 * 4xx, auth trouble an operator can fix) are retried forever with exponential backoff up to
 * `maxDelayMs`. Only a mailbox the server keeps rejecting gives up, after a few attempts, and
 * shows as failed in the ledger.
 */
export function retryDelivery(attempts: number, failure: DeliveryFailure, maxDelayMs: number): RetryDecision {
  if (failure.responseCode !== undefined && MAILBOX_REJECTIONS.has(failure.responseCode) && attempts >= REJECTION_ATTEMPTS) return { giveUp: true };
  return { retryInMs: Math.min(maxDelayMs, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(attempts - 1, 20))) };
}
