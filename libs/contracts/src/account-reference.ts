import { createHash } from 'node:crypto';
import type { AccountReferenceAddedData } from './inbound-events';

/** Where admin-made events come from (`source` of `forewarn.account.reference_added`); no gateway source has this name. */
export const ADMIN_SOURCE = '/forewarn/admin';

/**
 * The event that maps an unmapped group to an account (`forewarn unmapped map`, the dashboard's
 * "map to account"): the account gains the group's domains or external ids. The same mapping made
 * twice is the same event (its id is derived from it), so it changes nothing the second time.
 */
export function accountReferenceEvent(data: AccountReferenceAddedData): { specversion: '1.0'; id: string; type: 'forewarn.account.reference_added'; data: AccountReferenceAddedData } {
  const id = `ref-${createHash('sha256').update(JSON.stringify([data.accountId, [...data.domains].sort(), data.externalRefs.map((r) => `${r.source}\u0000${r.id}`).sort()])).digest('hex').slice(0, 32)}`;
  return { specversion: '1.0', id, type: 'forewarn.account.reference_added', data };
}
