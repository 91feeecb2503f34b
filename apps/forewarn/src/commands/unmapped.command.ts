import { accountReferenceEvent, ADMIN_SOURCE, type AccountReferenceAddedData, parseInboundEvent } from '@forewarn/contracts';
import { AuditLog, cliActor, UnmappedReadModel, UnmappedReadModule } from '@forewarn/database';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { CliError, printJson, withApp } from '../cli-support';
import { withEventsPublisher } from './events-publisher';

export { ADMIN_SOURCE };

export function registerUnmappedCommands(program: Command): void {
  const unmapped = program.command('unmapped').description('events whose account is not known yet, grouped by how they name it');

  unmapped
    .command('list')
    .description('the unmapped groups as JSON, most recently active first: how the events name the account, how many, which sources, sample cases, and what "unmapped map" would add to an account')
    .option('--limit <n>', 'at most this many groups (1–1000)', '100')
    .action(async (options: { limit: string }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError(`--limit must be a whole number from 1 to 1000, not "${options.limit}"`);
      printJson(await withApp([UnmappedReadModule], (app) => app.get(UnmappedReadModel).groups(limit)));
    });

  unmapped
    .command('map <group-key> <account-id>')
    .description('map an unmapped group to an account: the account gains the group\'s domain or external ids (kept beside its CRM\'s, as forewarn.account.reference_added on the events topic), and account-health claims the group\'s events and rescores the account')
    .action(async (key: string, accountId: string) => {
      printJson(await mapGroup(key, accountId));
    });
}

/** Publishes the reference that makes `accountId` claim the group `key`, and records it in the audit log. */
export async function mapGroup(key: string, accountId: string) {
  return withApp([UnmappedReadModule], async (app) => {
    const read = app.get(UnmappedReadModel);
    const group = await read.group(key);
    if (!group) throw new CliError(`no unmapped events are named "${key}" (any more): "forewarn unmapped list" shows the groups`);
    const account = await read.account(accountId);
    if (!account) throw new CliError(`there is no account "${accountId}": map to an account Forewarn knows (its CRM or "forewarn accounts import" adds accounts)`);
    const { domains, externalRefs } = group.references;
    if (domains.length + externalRefs.length === 0) {
      throw new CliError(`the events of "${key}" name the account only by an id no account has, so there is nothing to map: give the account that id in its CRM, or import it ("forewarn accounts import")`);
    }
    const by = cliActor();
    const data: AccountReferenceAddedData = { accountId, domains, externalRefs, group: key, by };
    const event = accountReferenceEvent(data);
    const id = event.id;
    const parsed = parseInboundEvent(event, { source: ADMIN_SOURCE, receivedAt: new Date() });
    if (!parsed.ok) throw new CliError(`the reference is not valid: ${parsed.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    await withEventsPublisher((publish) => publish([parsed.value], randomUUID()));
    await app.get(AuditLog).record({ actor: by, action: 'account.reference_added', target: accountId, details: { group: key, domains, externalRefs, events: group.count } });
    return {
      group: key, account, added: { domains, externalRefs }, events: group.count, eventId: id,
      note: `account-health claims the group's ${group.count} event(s) for ${account.name} and rescores it within seconds; "forewarn unmapped list" no longer shows the group then`,
    };
  });
}
