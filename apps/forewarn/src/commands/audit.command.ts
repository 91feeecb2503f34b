import { AUDIT_TIME_FORMS, AuditLog, parseAuditTime } from '@forewarn/database';
import type { Command } from 'commander';
import { CliError, printJson, withApp } from '../cli-support';

interface AuditOptions { action?: string; actor?: string; since?: string; limit: string; before?: string }

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('what admins did, newest first, as JSON: users, sources, policy reloads, replays')
    .option('--action <action>', 'one action (user.added) or all that start with a prefix ending in a dot (user.)')
    .option('--actor <actor>', 'who did it: an e-mail, cli:<user>@<host> or system:<service>')
    .option('--since <date>', `only entries from then on: ${AUDIT_TIME_FORMS}`)
    .option('--limit <n>', 'at most this many entries (1–1000)', '100')
    .option('--before <id>', 'entries older than this id (the next page)')
    .action(async (options: AuditOptions) => {
      const since = options.since === undefined ? undefined : parseAuditTime(options.since, new Date());
      if (since === null) throw new CliError(`--since must be ${AUDIT_TIME_FORMS}, not "${options.since}"`);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError(`--limit must be a whole number from 1 to 1000, not "${options.limit}"`);
      if (options.before !== undefined && !/^[1-9]\d{0,17}$/.test(options.before)) throw new CliError(`--before must be the id of an entry, not "${options.before}"`);
      const entries = await withApp([], (app) => app.get(AuditLog).list({ action: options.action, actor: options.actor, since, limit, before: options.before }));
      printJson(entries.map((e) => ({ id: e.id, at: e.at.toISOString(), actor: e.actor, action: e.action, target: e.target, details: e.details })));
    });
}
