import { accountHealthEnvSchema, ConfigError, loadConfig, loadPolicyFile } from '@forewarn/config';
import { EventsRepository, HealthDataModule, PolicyInUseRepository } from '@forewarn/database';
import { type BacktestAlert, compareBacktests, type HealthPolicy, PolicyError, simulateAccount } from '@forewarn/health';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CliError, printJson, withApp } from '../cli-support';
import { policyInForce } from './policy-in-force';

interface BacktestOptions {
  policy: string;
  since: string;
  until?: string;
  current?: string;
  account?: string;
  tickMinutes: string;
}

function policyFrom(file: string | undefined): HealthPolicy {
  try {
    return loadPolicyFile(file);
  } catch (error) {
    throw error instanceof PolicyError ? new CliError(error.message) : error;
  }
}

function dateOption(name: string, value: string): Date {
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime())) throw new CliError(`${name} must be a date (YYYY-MM-DD) or an RFC 3339 time, not "${value}"`);
  return at;
}

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('replay stored events through a candidate health policy and the current one, and compare the alerts each would have raised')
    .requiredOption('--policy <file>', 'the candidate policy file')
    .requiredOption('--since <date>', 'report alerts from this date (YYYY-MM-DD or RFC 3339)')
    .option('--until <date>', 'report alerts up to this date (default: now)')
    .option('--current <file>', 'the current policy (default: the one account-health runs with; if it never recorded one, HEALTH_POLICY_FILE, else the built-in defaults)')
    .option('--account <id>', 'only this account')
    .option('--tick-minutes <n>', 'how often the simulated sweep re-evaluates', '60')
    .action(async (options: BacktestOptions) => {
      let env;
      try {
        env = loadConfig(accountHealthEnvSchema, process.env, { needsSecret: false });
      } catch (error) {
        throw error instanceof ConfigError ? new CliError(error.message) : error;
      }
      const candidate = policyFrom(options.policy);
      const since = dateOption('--since', options.since);
      const until = options.until ? dateOption('--until', options.until) : new Date();
      const tickMinutes = Number(options.tickMinutes);
      if (!Number.isFinite(tickMinutes) || tickMinutes < 1) throw new CliError(`--tick-minutes must be a number of minutes, at least 1, not "${options.tickMinutes}"`);
      if (since >= until) throw new CliError('--since must be before --until');
      const report = await withApp([HealthDataModule], async (app) => {
        const current = await policyInForce(app.get(PolicyInUseRepository), { explicitFile: options.current, shellFile: env.HEALTH_POLICY_FILE, doing: 'Comparing' });
        process.stderr.write(`${current.says}\n`);
        return runBacktest(app.get(EventsRepository), { current: current.policy, candidate, since, until, tickMinutes, account: options.account ?? null });
      });
      process.stderr.write(summaryText(report));
      printJson(report);
    });
}

type Report = ReturnType<typeof compareBacktests> & { since: string; until: string; tickMinutes: number; accounts: number; events: number };

/** Thin shell around the pure backtest: stored events account by account, through both policies. */
async function runBacktest(events: EventsRepository, input: { current: HealthPolicy; candidate: HealthPolicy; since: Date; until: Date; tickMinutes: number; account: string | null }): Promise<Report> {
  const accounts = await events.accountsWithEvents(input.account);
  if (input.account && accounts.length === 0) throw new CliError(`no stored events for account "${input.account}"`);
  const window = { since: input.since, until: input.until, tickMinutes: input.tickMinutes };
  const current: BacktestAlert[] = [];
  const candidate: BacktestAlert[] = [];
  let eventCount = 0;
  const bar = new SingleBar({ format: 'Backtesting [{bar}] {value}/{total} accounts', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic);
  bar.start(accounts.length, 0);
  for (const accountId of accounts) {
    const list = await events.eventsOfAccount(accountId, input.until);
    eventCount += list.length;
    current.push(...simulateAccount(accountId, list, input.current, window));
    candidate.push(...simulateAccount(accountId, list, input.candidate, window));
    bar.increment();
  }
  bar.stop();
  const comparison = compareBacktests({ version: input.current.version, alerts: current }, { version: input.candidate.version, alerts: candidate });
  return { since: input.since.toISOString(), until: input.until.toISOString(), tickMinutes: input.tickMinutes, accounts: accounts.length, events: eventCount, ...comparison };
}

function summaryText(report: Report): string {
  const kinds = ['heads-up', 'briefing', 'all-clear'] as const;
  const line = (alert: BacktestAlert) => `    ${alert.at.slice(0, 16).replace('T', ' ')}  ${alert.accountId}  ${alert.kind} (${alert.state}, score ${alert.score})`;
  const width = Math.max(report.current.version.length, report.candidate.version.length, 9);
  return [
    '',
    `Backtest ${report.since.slice(0, 10)} → ${report.until.slice(0, 10)}: ${report.accounts} accounts, ${report.events} events`,
    `  ${''.padEnd(10)}  ${'current'.padStart(width)}  ${'candidate'.padStart(width)}`,
    `  ${''.padEnd(10)}  ${report.current.version.padStart(width)}  ${report.candidate.version.padStart(width)}`,
    ...kinds.map((k) => `  ${k.padEnd(10)}  ${String(report.current.raised[k]).padStart(width)}  ${String(report.candidate.raised[k]).padStart(width)}`),
    `  Same alerts: ${report.unchanged}; changed (time or state): ${report.changed.length}`,
    ...report.changed.slice(0, 10).map(({ current: a, candidate: b, hours }) => `    ${a.accountId}  ${a.kind}: ${a.state} → ${b.state}${hours ? `, ${hours > 0 ? '+' : ''}${hours} h` : ''}`),
    `  Only the current policy: ${report.onlyCurrent.length}`,
    ...report.onlyCurrent.slice(0, 10).map(line),
    `  Only the candidate: ${report.onlyCandidate.length}`,
    ...report.onlyCandidate.slice(0, 10).map(line),
    '',
  ].join('\n');
}
