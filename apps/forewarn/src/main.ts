#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { CliError, quietLogs } from './cli-support';
import { registerAccountsCommands } from './commands/accounts.command';
import { registerAuditCommand } from './commands/audit.command';
import { registerBacktestCommand } from './commands/backtest.command';
import { registerBootstrapAdminCommand } from './commands/bootstrap-admin.command';
import { registerCalendarCommands } from './commands/calendar.command';
import { registerDemoCommand } from './commands/demo.command';
import { registerMappingCommands } from './commands/mapping.command';
import { registerReplayCommand } from './commands/replay.command';
import { registerSourceCommands } from './commands/source.command';
import { registerStartCommand } from './commands/start.command';
import { registerTopicsCommand } from './commands/topics.command';
import { registerUnmappedCommands } from './commands/unmapped.command';
import { registerUserCommands } from './commands/user.command';

async function main(argv: string[]): Promise<void> {
  quietLogs();
  const program = new Command('forewarn')
    .description('Forewarn: warns account reps before a customer meeting turns into a firestorm')
    .showHelpAfterError()
    .exitOverride();
  registerStartCommand(program);
  registerSourceCommands(program);
  registerUserCommands(program);
  registerBootstrapAdminCommand(program);
  registerTopicsCommand(program);
  registerDemoCommand(program);
  registerReplayCommand(program);
  registerBacktestCommand(program);
  registerMappingCommands(program);
  registerAccountsCommands(program);
  registerCalendarCommands(program);
  registerAuditCommand(program);
  registerUnmappedCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const message = error instanceof CliError ? error.message : `${(error as Error).message}`;
    process.stderr.write(`forewarn: ${message}\n`);
    process.exit(1);
  }
}

void main(process.argv);
