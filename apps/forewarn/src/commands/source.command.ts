import { type Allowance, narrowAllowance, parseAllowList } from '@forewarn/contracts';
import {
  AuditLog, cliActor, GatewayDataModule, SOURCE_KIND_ALLOWANCES, SOURCE_KINDS, type SourceKind, SourceExistsError, SourceNotFoundError, SourcesRepository, TxHost,
} from '@forewarn/database';
import type { Command } from 'commander';
import { CliError, parseDuration, printJson, withApp } from '../cli-support';
import { readMappingFile } from './mapping.command';

/** How long a rotated-out key may keep working at most. */
const MAX_GRACE_MS = 30 * 86_400_000;
/** Gateways remember sources this long at most (GATEWAY_SOURCE_CACHE_MS, default 10 s): changes reach them within it. */
const CACHE_NOTE = 'gateways apply it within their source cache time, GATEWAY_SOURCE_CACHE_MS (10 s by default)';

/** The allowance `--allow` asks for, within what the kind can be for; a CliError otherwise. */
function allowanceFor(kind: SourceKind, allow: string | undefined): Allowance[] {
  const result = narrowAllowance(kind, SOURCE_KIND_ALLOWANCES[kind], allow === undefined ? undefined : parseAllowList(allow));
  if (!result.ok) throw new CliError(result.message);
  return result.allow;
}

/** Changes sources and records what changed in the audit log, in one transaction; "not found" as a CliError. */
async function changeSources<T>(work: (sources: SourcesRepository, audit: AuditLog) => Promise<T>): Promise<T> {
  return withApp([GatewayDataModule], (app) => app.get(TxHost).withTransaction(() => work(app.get(SourcesRepository), app.get(AuditLog)))).catch((error) => {
    throw error instanceof SourceNotFoundError || error instanceof SourceExistsError ? new CliError(error.message) : error;
  });
}

export function registerSourceCommands(program: Command): void {
  const source = program.command('source').description('support systems that may send events');
  source
    .command('add <name>')
    .description('register a source; prints its api key once')
    .requiredOption('--kind <kind>', `one of ${SOURCE_KINDS.join(', ')}`)
    .option('--signing-secret <secret>', 'verify webhooks with the vendor signature scheme')
    .option('--mapping <file.jsonata>', 'kind mapped: the JSONata mapping of its webhook JSON to canonical events (see forewarn mapping test)')
    .option('--allow <list>', 'what it may send, within what its kind can be for: cases (case.*, survey.*), meetings (meeting.*), accounts (account.upserted); default all its kind can be for')
    .action(async (name: string, options: { kind: string; signingSecret?: string; mapping?: string; allow?: string }) => {
      if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(name)) throw new CliError(`source name "${name}" must be lower-case letters, digits, ".", "_" or "-"`);
      if (!SOURCE_KINDS.includes(options.kind as SourceKind)) throw new CliError(`--kind must be one of ${SOURCE_KINDS.join(', ')}, not "${options.kind}"`);
      const kind = options.kind as SourceKind;
      if (options.mapping && kind !== 'mapped') throw new CliError('--mapping is for sources of --kind mapped');
      const allow = allowanceFor(kind, options.allow);
      const mapping = options.mapping ? readMappingFile(options.mapping) : null;
      const { source: created, apiKey } = await changeSources(async (sources, audit) => {
        const added = await sources.add(name, kind, options.signingSecret ?? null, mapping, allow);
        await audit.record({ actor: cliActor(), action: 'source.added', target: name, details: { kind, allow, signed: options.signingSecret !== undefined, mapping: mapping !== null } });
        return added;
      });
      printJson({ name: created.name, kind: created.kind, allow: created.allow, apiKey });
    });

  source
    .command('list')
    .description('every source: name, kind, what it may send, when it was added and its key rotation (never a key)')
    .action(async () => {
      printJson(await withApp([GatewayDataModule], (app) => app.get(SourcesRepository).list()));
    });

  source
    .command('set <name>')
    .description(`change what a source may send; ${CACHE_NOTE}`)
    .requiredOption('--allow <list>', 'cases, meetings, accounts: within what its kind can be for')
    .action(async (name: string, options: { allow: string }) => {
      const changed = await changeSources(async (sources, audit) => {
        const existing = await sources.findByName(name);
        if (!existing) throw new SourceNotFoundError(name);
        const allow = allowanceFor(existing.kind, options.allow);
        const updated = await sources.setAllow(name, allow);
        await audit.record({ actor: cliActor(), action: 'source.allowance_changed', target: name, details: { from: existing.allow, to: allow } });
        return updated;
      });
      printJson({ name: changed.name, kind: changed.kind, allow: changed.allow });
    });

  source
    .command('rotate-key <name>')
    .description(`give a source a new api key, printed once; the old one keeps working for the grace period, then stops`)
    .option('--grace <duration>', 'how long the old key keeps working: 0 (ends it now, within the gateways\' source cache time), 90s, 30m, 24h, 7d', '24h')
    .action(async (name: string, options: { grace: string }) => {
      const graceMs = parseDuration(options.grace);
      if (graceMs === null || graceMs > MAX_GRACE_MS) throw new CliError(`--grace must be a duration such as 0, 90s, 30m, 24h or 7d (at most 30d), not "${options.grace}"`);
      const rotated = await changeSources(async (sources, audit) => {
        const result = await sources.rotateKey(name, graceMs);
        await audit.record({ actor: cliActor(), action: 'source.key_rotated', target: name, details: { grace: options.grace, previousKeyValidUntil: result.previousKeyValidUntil?.toISOString() ?? null } });
        return result;
      });
      printJson({ name: rotated.source.name, kind: rotated.source.kind, apiKey: rotated.apiKey, previousKeyValidUntil: rotated.previousKeyValidUntil?.toISOString() ?? null });
    });

  source
    .command('remove <name>')
    .description(`remove a source: its keys stop working, the events it sent stay; ${CACHE_NOTE}`)
    .action(async (name: string) => {
      const removed = await changeSources(async (sources, audit) => {
        const gone = await sources.remove(name);
        await audit.record({ actor: cliActor(), action: 'source.removed', target: name, details: { kind: gone.kind, allow: gone.allow } });
        return gone;
      });
      printJson({ name: removed.name, kind: removed.kind, removed: true });
    });
}
