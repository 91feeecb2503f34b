import { type Allowance, narrowAllowance, parseAllowList } from '@forewarn/contracts';
import {
  AuditLog, cliActor, GatewayDataModule, SOURCE_KIND_ALLOWANCES, SOURCE_KINDS, type SourceKind, SourceExistsError, SourceNotFoundError, type SourceSettings, SourcesRepository, TxHost,
  WriteBackSettingsRepository,
} from '@forewarn/database';
import { isWriteBackVendor, NO_WRITE_BACK } from '@forewarn/write-back';
import { isWebhookKind, WEBHOOK_KINDS, WEBHOOK_VENDORS } from '@forewarn/ingest';
import type { Command } from 'commander';
import { CliError, parseDuration, printJson, withApp } from '../cli-support';
import { registerDeliveryLogCommands } from './delivery-log.command';
import { readMappingFile, readTextFile } from './mapping.command';
import { changeWriteBack, shownWriteBack, wantsWriteBack, type WriteBackOptions, writeBackInput } from './write-back.command';

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

/** The kinds that read settings, for messages. */
const KINDS_WITH_SETTINGS = WEBHOOK_KINDS.filter((kind) => WEBHOOK_VENDORS[kind].validateSettings !== undefined);

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface SettingsOptions { setting?: string[]; settingsFile?: string; unset?: string[] }

/**
 * `key=value` as a setting: the value is JSON when it starts like an object, an array or a quoted
 * string, or is true, false or null (null removes the key); anything else is the text as given.
 * A dotted key sets a member of an object: `accountFields.ownerEmail=Owner_Email__c`.
 */
export function parseSetting(text: string): { path: string[]; value: unknown } {
  const at = text.indexOf('=');
  const key = at < 0 ? text : text.slice(0, at);
  if (at < 0 || !/^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/.test(key)) throw new CliError(`--setting takes key=value (a dotted key sets a member: accountFields.ownerEmail=Owner_Email__c), not "${text}"`);
  const raw = text.slice(at + 1);
  let value: unknown = raw;
  if (/^\s*[[{"]/.test(raw) || /^(true|false|null)$/.test(raw)) {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new CliError(`--setting ${key}: the value is not valid JSON: ${(error as Error).message}`);
    }
  }
  return { path: key.split('.'), value };
}

/** `settings` with `value` at `path` (null removes it); objects on the way are copied, never changed. */
function withSetting(settings: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  const next = { ...settings };
  if (rest.length === 0) {
    if (value === null) delete next[head];
    else next[head] = value;
    return next;
  }
  const inner = next[head];
  next[head] = withSetting(typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {}, rest, value);
  return next;
}

/**
 * The settings a command asks for, over `current`: `--settings-file` replaces them all, then each
 * `--setting key=value` and `--unset key` in turn. Checked by the kind's `validateSettings`; a
 * CliError names each bad setting, and nothing is stored.
 */
export function settingsFor(kind: SourceKind, current: SourceSettings, options: SettingsOptions): SourceSettings {
  let settings: Record<string, unknown> = { ...current };
  if (options.settingsFile !== undefined) {
    const text = readTextFile(options.settingsFile, 'settings file');
    try {
      settings = JSON.parse(text);
    } catch (error) {
      throw new CliError(`the settings file ${options.settingsFile} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new CliError(`the settings file ${options.settingsFile} must hold a JSON object ({ "timezone": "Europe/Berlin" })`);
  }
  for (const text of options.setting ?? []) {
    const { path, value } = parseSetting(text);
    settings = withSetting(settings, path, value);
  }
  for (const key of options.unset ?? []) settings = withSetting(settings, key.split('.'), null);
  if (Object.keys(settings).length === 0) return settings;
  const validate = isWebhookKind(kind) ? WEBHOOK_VENDORS[kind].validateSettings : undefined;
  if (!validate) throw new CliError(`a ${kind} source takes no settings (settings are for ${KINDS_WITH_SETTINGS.join(', ')} sources); nothing was stored`);
  const errors = validate(settings);
  if (errors.length > 0) throw new CliError(`${errors.map((e) => `${e.field} ${e.message}`).join('; ')}; nothing was stored`);
  return settings;
}

const wantsSettings = (options: SettingsOptions): boolean => options.settingsFile !== undefined || (options.setting?.length ?? 0) > 0 || (options.unset?.length ?? 0) > 0;

/** Changes sources and records what changed in the audit log, in one transaction; "not found" as a CliError. */
async function changeSources<T>(work: (sources: SourcesRepository, audit: AuditLog, writeBacks: WriteBackSettingsRepository) => Promise<T>): Promise<T> {
  return withApp([GatewayDataModule], (app) => app.get(TxHost).withTransaction(() => work(app.get(SourcesRepository), app.get(AuditLog), app.get(WriteBackSettingsRepository)))).catch((error) => {
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
    .option('--setting <key=value>', `a setting its kind reads (${KINDS_WITH_SETTINGS.join(', ')}: see docs/webhooks/<kind>.md), e.g. organizationId=00D5e000000KQ2eEAG or timezone=Europe/Berlin; repeatable; JSON values as {…}`, collect, [])
    .option('--settings-file <file.json>', 'all its settings as one JSON object')
    .action(async (name: string, options: { kind: string; signingSecret?: string; mapping?: string; allow?: string } & SettingsOptions) => {
      if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(name)) throw new CliError(`source name "${name}" must be lower-case letters, digits, ".", "_" or "-"`);
      if (!SOURCE_KINDS.includes(options.kind as SourceKind)) throw new CliError(`--kind must be one of ${SOURCE_KINDS.join(', ')}, not "${options.kind}"`);
      const kind = options.kind as SourceKind;
      if (options.mapping && kind !== 'mapped') throw new CliError('--mapping is for sources of --kind mapped');
      const allow = allowanceFor(kind, options.allow);
      const settings = settingsFor(kind, {}, options);
      const mapping = options.mapping ? readMappingFile(options.mapping) : null;
      const { source: created, apiKey } = await changeSources(async (sources, audit) => {
        const added = await sources.add(name, kind, options.signingSecret ?? null, mapping, allow, settings);
        await audit.record({ actor: cliActor(), action: 'source.added', target: name, details: { kind, allow, signed: options.signingSecret !== undefined, mapping: mapping !== null, settings } });
        return added;
      });
      printJson({ name: created.name, kind: created.kind, allow: created.allow, settings: created.settings ?? {}, apiKey });
    });

  source
    .command('list')
    .description('every source: name, kind, what it may send, its settings, when it was added and its key rotation (never a key)')
    .action(async () => {
      printJson(await withApp([GatewayDataModule], async (app) => {
        const [sources, writeBacks] = await Promise.all([app.get(SourcesRepository).list(), app.get(WriteBackSettingsRepository).all()]);
        return sources.map((s) => (isWriteBackVendor(s.kind) ? { ...s, writeBack: shownWriteBack(writeBacks.get(s.name) ?? NO_WRITE_BACK) } : s));
      }));
    });

  source
    .command('set <name>')
    .description(`change what a source may send, or its settings (${CACHE_NOTE}); or whether Forewarn writes notes back to its cases`)
    .option('--allow <list>', 'cases, meetings, accounts: within what its kind can be for')
    .option('--setting <key=value>', 'set one setting (repeatable; null or --unset removes one)', collect, [])
    .option('--settings-file <file.json>', 'replace all its settings with this JSON object (--setting and --unset then apply over it)')
    .option('--unset <key>', 'remove a setting (repeatable)', collect, [])
    .option('--write-back <mode>', 'helpdesks: write internal notes back to its cases when sales acknowledges or is briefed — off (default), on, or dry-run (recorded, nothing sent); docs/WRITE-BACK.md')
    .option('--api-url <url>', 'write-back: the helpdesk API\'s base URL, e.g. https://acme.zendesk.com')
    .option('--api-user <user>', 'write-back: Zendesk and Jira the e-mail of the token\'s owner, Intercom the admin id, ServiceNow the user (none: the token is an OAuth bearer token)')
    .option('--api-token-stdin', 'write-back: read the API token (Freshdesk: the API key; ServiceNow: the password) from the first line of standard input; stored encrypted with FOREWARN_SECRET')
    .option('--tag <tag>', 'write-back: also add this tag (Jira: label) to each case written to, e.g. forewarn-sales-aware')
    .option('--no-tag', 'write-back: add no tag')
    .option('--support-heads-up <on|off>', 'write-back: also ask support to update a firestorm account\'s open cases before its meeting')
    .action(async (name: string, options: { allow?: string } & SettingsOptions & WriteBackOptions) => {
      if (options.allow === undefined && !wantsSettings(options) && !wantsWriteBack(options)) {
        throw new CliError('say what to change: --allow <list>, --setting key=value, --settings-file <file.json>, --unset <key> or --write-back on|off|dry-run');
      }
      const writeBack = wantsWriteBack(options) ? await writeBackInput(name, options) : null;
      const changed = await changeSources(async (sources, audit, writeBacks) => {
        const existing = await sources.findByName(name);
        if (!existing) throw new SourceNotFoundError(name);
        let updated = existing;
        if (options.allow !== undefined) {
          const allow = allowanceFor(existing.kind, options.allow);
          updated = await sources.setAllow(name, allow);
          await audit.record({ actor: cliActor(), action: 'source.allowance_changed', target: name, details: { from: existing.allow, to: allow } });
        }
        if (wantsSettings(options)) {
          const settings = settingsFor(existing.kind, existing.settings ?? {}, options);
          updated = await sources.setSettings(name, settings);
          await audit.record({ actor: cliActor(), action: 'source.settings_changed', target: name, details: { from: existing.settings ?? {}, to: settings } });
        }
        if (!writeBack) return { source: updated };
        const change = await changeWriteBack(writeBacks, existing, options, writeBack);
        await audit.record({ actor: cliActor(), action: 'source.write_back_changed', target: name, details: change });
        return { source: updated, writeBack: change.to };
      });
      const { source: updated, writeBack: shown } = changed;
      printJson({ name: updated.name, kind: updated.kind, allow: updated.allow, settings: updated.settings ?? {}, ...(shown ? { writeBack: shown } : {}) });
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

  registerDeliveryLogCommands(source);

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
