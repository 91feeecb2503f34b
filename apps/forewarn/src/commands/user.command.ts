import { AuditLog, cliActor, DashboardDataModule, passwordProblem, SessionsRepository, TxHost, userAddEntries, USER_ROLES, type UserRole, UsersRepository } from '@forewarn/database';
import type { Command } from 'commander';
import { CliError, printJson, withApp } from '../cli-support';

/** How long a running dashboard may still accept a revoked session or token (its lookup cache). */
const REVOCATION_NOTE = 'Running dashboards stop accepting them within 15 seconds.';

/** The first line of standard input, without its line ending: `--password-stdin`. */
export async function readFirstLine(input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    if (chunks[chunks.length - 1].includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

interface AddOptions { role: string; team?: string; name?: string; password?: string; passwordStdin?: boolean }

async function passwordFrom(options: AddOptions): Promise<string | undefined> {
  if (options.password !== undefined && options.passwordStdin) throw new CliError('give either --password or --password-stdin, not both');
  let password = options.password;
  if (password !== undefined) {
    process.stderr.write('forewarn: warning: --password is visible in your shell history and to anyone who lists processes; prefer --password-stdin\n');
  } else if (options.passwordStdin) {
    if (process.stdin.isTTY) process.stderr.write('Password (one line, then Enter): ');
    password = await readFirstLine();
    if (!password) throw new CliError('--password-stdin: standard input held no password (one line expected)');
  }
  const problem = password === undefined ? null : passwordProblem(password);
  if (problem) throw new CliError(`the password ${problem}`);
  return password;
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('dashboard users');
  user
    .command('add <email>')
    .description('add or update a user; prints a new API token (the previous one stops working); a new password ends their sessions')
    .requiredOption('--role <role>', `one of ${USER_ROLES.join(', ')}`)
    .option('--team <team>', 'the sales team (reps and leads see its accounts)')
    .option('--name <name>', 'display name')
    .option('--password-stdin', 'read the password for the web login from the first line of standard input')
    .option('--password <password>', 'password for the web login (visible in shell history and the process list: prefer --password-stdin)')
    .action(async (email: string, options: AddOptions) => {
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new CliError(`"${email}" is not an email address`);
      if (!USER_ROLES.includes(options.role as UserRole)) throw new CliError(`--role must be one of ${USER_ROLES.join(', ')}, not "${options.role}"`);
      const password = await passwordFrom(options);
      const actor = cliActor();
      const result = await withApp([DashboardDataModule], (app) => app.get(TxHost).withTransaction(async () => {
        const saved = await app.get(UsersRepository).upsert({ email, role: options.role as UserRole, team: options.team ?? null, name: options.name ?? null }, password);
        const audit = app.get(AuditLog);
        for (const entry of userAddEntries(actor, saved.before, saved.user, saved)) await audit.record(entry);
        return saved;
      }));
      if (result.sessionsEnded) process.stderr.write(`The new password ended ${result.sessionsEnded} session(s). ${REVOCATION_NOTE}\n`);
      const { user: saved, token } = result;
      printJson({ email: saved.email, role: saved.role, team: saved.team, name: saved.name, token, created: !result.before, sessionsEnded: result.sessionsEnded });
    });

  user
    .command('remove <email>')
    .description('remove a user: their API token stops working and their sessions end')
    .action(async (email: string) => {
      const actor = cliActor();
      const result = await withApp([DashboardDataModule], (app) => app.get(TxHost).withTransaction(async () => {
        const users = app.get(UsersRepository);
        const existing = await users.find(email);
        if (!existing) throw new CliError(`there is no user "${email}"`);
        const { sessionsEnded } = await users.remove(existing.email);
        await app.get(AuditLog).record({ actor, action: 'user.removed', target: existing.email, details: { role: existing.role, team: existing.team, sessionsEnded } });
        return { email: existing.email, removed: true, sessionsEnded };
      }));
      process.stderr.write(`${REVOCATION_NOTE}\n`);
      printJson(result);
    });

  user
    .command('revoke-sessions <email>')
    .description('sign a user out everywhere: every web session of theirs ends (their API token stays)')
    .action(async (email: string) => {
      const actor = cliActor();
      const result = await withApp([DashboardDataModule], (app) => app.get(TxHost).withTransaction(async () => {
        const existing = await app.get(UsersRepository).find(email);
        if (!existing) throw new CliError(`there is no user "${email}"`);
        const sessionsEnded = await app.get(SessionsRepository).endAllOf(existing.email);
        await app.get(AuditLog).record({ actor, action: 'user.sessions_revoked', target: existing.email, details: { sessionsEnded } });
        return { email: existing.email, sessionsEnded };
      }));
      process.stderr.write(`${REVOCATION_NOTE}\n`);
      printJson(result);
    });
}
