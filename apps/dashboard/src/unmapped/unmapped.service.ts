import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { accountReferenceEvent, ADMIN_SOURCE, parseInboundEvent, type Topics } from '@forewarn/contracts';
import { AuditLog, TxHost, type UnmappedGroup, UnmappedReadModel, type User } from '@forewarn/database';
import { eventMessage, Publisher, TOPICS } from '@forewarn/messaging';
import { AccountAccess } from '../auth/account-access';

export type MapOutcome =
  | { ok: true; group: UnmappedGroup; account: { id: string; name: string } }
  | { ok: false; problem: string };

/**
 * "Map to account" on the unmapped page, as `forewarn unmapped map` does: the account gains the
 * group's domain or external ids by a `forewarn.account.reference_added` event on the events topic
 * (account-health applies it: it claims the group's events and rescores), with an audit entry.
 * A lead maps only to accounts they can see.
 */
@Injectable()
export class UnmappedMapping {
  constructor(
    private readonly unmapped: UnmappedReadModel,
    private readonly access: AccountAccess,
    private readonly publisher: Publisher,
    @Inject(TOPICS) private readonly topics: Topics,
    private readonly audit: AuditLog,
    private readonly txHost: TxHost,
  ) {}

  groups(): Promise<UnmappedGroup[]> {
    return this.unmapped.groups(200);
  }

  async map(user: User, key: string, accountId: string): Promise<MapOutcome> {
    const group = await this.unmapped.group(key);
    if (!group) return { ok: false, problem: 'Those events are mapped already (or gone): the list below is up to date.' };
    const account = await this.unmapped.account(accountId);
    if (!account || !(await this.access.visible(user, accountId))) return { ok: false, problem: `There is no account “${accountId}” that you can see.` };
    const { domains, externalRefs } = group.references;
    if (domains.length + externalRefs.length === 0) return { ok: false, problem: 'These events name the account only by an id no account has: give the account that id in the CRM instead.' };
    const event = accountReferenceEvent({ accountId, domains, externalRefs, group: key, by: user.email });
    const parsed = parseInboundEvent(event, { source: ADMIN_SOURCE, receivedAt: new Date() });
    if (!parsed.ok) return { ok: false, problem: `The mapping is not valid: ${parsed.errors.map((e) => `${e.field} ${e.message}`).join('; ')}` };
    // Published first: an audit entry for a mapping that never went out would be a lie; a repeat publishes the same event.
    await this.publisher.publish([{ topic: this.topics.events, messages: [eventMessage(parsed.value, randomUUID())] }]);
    await this.txHost.withTransaction(() =>
      this.audit.record({ actor: user.email, action: 'account.reference_added', target: accountId, details: { group: key, domains, externalRefs, events: group.count, via: 'dashboard' } }),
    );
    return { ok: true, group, account };
  }
}
