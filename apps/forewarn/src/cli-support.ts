import { ConsoleLogger, Global, type INestApplicationContext, Logger, type LogLevel, Module, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Metrics, Readiness } from '@forewarn/service-kit';
import { baseEnvSchema, ConfigError, loadConfig } from '@forewarn/config';
import { DatabaseModule } from '@forewarn/database';

/** The CLI prints results as JSON on stdout; everything else (logs, progress) goes to stderr. */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}

export function quietLogs(): void {
  Logger.overrideLogger(new StderrLogger('forewarn', { logLevels: ['error', 'warn'] }));
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export class CliError extends Error {}

/** The shared settings; the secret only for the commands that sign or encrypt something. */
export function cliConfig(options: { needsSecret?: boolean } = {}) {
  try {
    return loadConfig(baseEnvSchema, process.env, { needsSecret: options.needsSecret ?? false });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/** What a command's application context is built from: feature modules that provide its repositories and services. */
type ModuleImport = NonNullable<ModuleMetadata['imports']>[number];

/** What the services get from ServiceKitModule, without its HTTP side: nothing here serves requests. */
@Global()
@Module({ providers: [Readiness, Metrics], exports: [Readiness, Metrics] })
class CommandKitModule {}

/**
 * Runs a command with the repositories and services it needs, from Nest's dependency injection as
 * in the services: an application context (no HTTP server) over the database (created and migrated
 * if needed) and the modules given, closed when `work` ends.
 */
export async function withApp<T>(imports: ModuleImport[], work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const { DATABASE_URL } = cliConfig();
  const app = await NestFactory.createApplicationContext(
    { module: CommandKitModule, imports: [DatabaseModule.forRoot({ url: DATABASE_URL, applicationName: 'forewarn-cli', poolSize: 2 }), ...imports] },
    // No `logger` option: Nest would make it every logger's in the process (`forewarn start` logs more than a command).
    { abortOnError: false },
  );
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}


const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0`, `1500ms`, `90s`, `30m`, `24h`, `7d` (a number and one unit) in milliseconds; null for anything else. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return null;
  const [, amount, unit] = match;
  if (!unit && Number(amount) !== 0) return null;
  return Math.round(Number(amount) * (unit ? DURATION_UNITS[unit] : 0));
}
