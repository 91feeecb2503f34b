/**
 * SQLSTATE classes of failures that say nothing about the data: the connection broke, the server
 * is shutting down or out of resources, or the transaction lost a race (deadlock, serialization).
 * Retrying the same work later succeeds; it must never be mistaken for a poison message.
 */
const TRANSIENT_SQLSTATE = /^(08|53|57P|58|40001|40P01|55P03)/;

/** Connection-level failures of the driver, which carry no SQLSTATE. */
const TRANSIENT_MESSAGE = /connection|terminat|ECONN|ETIMEDOUT|EPIPE|timeout|socket|Client has encountered/i;

/** True when a database failure is worth retrying as it is (see TRANSIENT_SQLSTATE). */
export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, driverError, message } = error as { code?: unknown; driverError?: unknown; message?: unknown };
  if (driverError) return isTransientDatabaseError(driverError);
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE.test(code);
  return typeof message === 'string' && TRANSIENT_MESSAGE.test(message);
}
