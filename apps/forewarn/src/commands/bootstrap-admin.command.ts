import { readFile } from 'node:fs/promises';
import { bootstrapAdminEnvSchema, ConfigError, loadConfig } from '@forewarn/config';
import type { INestApplicationContext } from '@nestjs/common';
import { AuditLog, cliActor, DashboardDataModule, passwordProblem, TxHost, userAddEntries, UsersRepository } from '@forewarn/database';
import type { Command } from 'commander';
import { CliError, printJson, withApp } from '../cli-support';

interface BootstrapOptions {
  email?: string;
  passwordFile?: string;
}

/**
 * `forewarn user bootstrap-admin`: the first way into a new installation (Docker Compose runs it
 * once at every `up`). Creates the admin when no user has that address and leaves an existing one
 * alone, so it can run at every start; the password comes from a file (a Docker secret) and is
 * never printed, nor is the user's API token.
 */
export function registerBootstrapAdminCommand(program: Command): void {
  const user = program.commands.find((command) => command.name() === 'user') ?? program.command('user').description('dashboard users');
  user
    .command('bootstrap-admin')
    .description('create the admin if no user has its address (idempotent); the password is read from a file and never printed')
    .option('--email <email>', 'the admin\'s address (default: $FOREWARN_ADMIN_EMAIL)')
    .option('--password-file <file>', 'a file holding the password, e.g. a Docker secret (default: $FOREWARN_ADMIN_PASSWORD_FILE)')
    .action(async (options: BootstrapOptions) => {
      const { email, passwordFile } = settings(options);
      const password = await readPassword(passwordFile);
      const outcome = await withApp([DashboardDataModule], (app) => bootstrapAdmin(app, email, password));
      if (!outcome.created && outcome.role !== 'admin') {
        process.stderr.write(`forewarn: ${outcome.email} already exists as ${outcome.role}; left unchanged\n`);
      }
      printJson(outcome);
    });
}

function settings(options: BootstrapOptions): { email: string; passwordFile: string } {
  let env;
  try {
    env = loadConfig(bootstrapAdminEnvSchema, process.env, { needsSecret: false });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const email = (options.email ?? env.FOREWARN_ADMIN_EMAIL ?? '').trim();
  const passwordFile = options.passwordFile ?? env.FOREWARN_ADMIN_PASSWORD_FILE;
  if (!email) throw new CliError('the admin\'s address is missing: pass --email or set FOREWARN_ADMIN_EMAIL');
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new CliError(`"${email}" is not an email address`);
  if (!passwordFile) throw new CliError('the password file is missing: pass --password-file or set FOREWARN_ADMIN_PASSWORD_FILE');
  return { email, passwordFile };
}

/** The file's content without the line break editors and `echo` leave at its end. */
async function readPassword(file: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the password file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const password = content.replace(/\r?\n$/, '');
  // As `user add --password`: long enough to matter, short enough to hash quickly.
  const problem = passwordProblem(password);
  if (problem) throw new CliError(`the password in ${file} ${problem}`);
  return password;
}

/** Creates the admin and records it in the audit log, in one unit of work; an existing user stays as it is. */
export function bootstrapAdmin(app: INestApplicationContext, email: string, password: string): Promise<{ email: string; role: string; created: boolean }> {
  const users = app.get(UsersRepository);
  const audit = app.get(AuditLog);
  return app.get(TxHost).withTransaction(async () => {
    const existing = await users.find(email);
    if (existing) return { email: existing.email, role: existing.role, created: false };
    const added = await users.upsert({ email, name: 'Administrator', role: 'admin', team: null }, password);
    for (const entry of userAddEntries(cliActor(), added.before, added.user, added)) await audit.record(entry);
    return { email: added.user.email, role: added.user.role, created: true };
  });
}
