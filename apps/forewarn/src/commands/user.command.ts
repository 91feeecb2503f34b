import { USER_ROLES, type UserRole, UsersRepository } from '@forewarn/database';
import type { Command } from 'commander';
import { CliError, printJson, withDatabase } from '../cli-support';

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('dashboard users');
  user
    .command('add <email>')
    .description('add or update a user; prints a new API token (the previous one stops working)')
    .requiredOption('--role <role>', `one of ${USER_ROLES.join(', ')}`)
    .option('--team <team>', 'the sales team (reps and leads see its accounts)')
    .option('--name <name>', 'display name')
    .option('--password <password>', 'password for the web login')
    .action(async (email: string, options: { role: string; team?: string; name?: string; password?: string }) => {
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new CliError(`"${email}" is not an email address`);
      if (!USER_ROLES.includes(options.role as UserRole)) throw new CliError(`--role must be one of ${USER_ROLES.join(', ')}, not "${options.role}"`);
      if (options.password !== undefined && options.password.length < 8) throw new CliError('--password must be at least 8 characters');
      const { user: saved, token } = await withDatabase((db) =>
        new UsersRepository(db).upsert({ email, role: options.role as UserRole, team: options.team ?? null, name: options.name ?? null }, options.password),
      );
      printJson({ email: saved.email, role: saved.role, team: saved.team, name: saved.name, token });
    });
}
