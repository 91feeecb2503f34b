/**
 * SQLSTATEs of failures that say nothing about the data: the connection broke, the server is
 * shutting down, out of disk or connections, read-only after a failover, or the transaction lost a
 * race (deadlock, serialization, lock timeout). Out of memory is not among them: a smaller batch may pass.
 * Retrying the same work later succeeds; it must never be mistaken for a poison message.
 */
const TRANSIENT_SQLSTATE = /^(08|53100|53300|57P|58|40001|40P01|55P03|25006)/;

/** Connection-level failures of the driver, which carry no SQLSTATE. */
const TRANSIENT_MESSAGE = /connection|terminat|ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|timeout|socket|Client has encountered/i;

/** True when a database failure is worth retrying as it is (see TRANSIENT_SQLSTATE). */
export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, driverError, message } = error as { code?: unknown; driverError?: unknown; message?: unknown };
  if (driverError) return isTransientDatabaseError(driverError);
  // A SQLSTATE has five characters and a digit (Node's EPIPE has five and none).
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code)) return TRANSIENT_SQLSTATE.test(code);
  return typeof message === 'string' && TRANSIENT_MESSAGE.test(message);
}
