import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { AuditLog, TxHost } from '@forewarn/database';
import { type BacktestAlert, compareBacktests, DEFAULT_POLICY, type HealthPolicy, parsePolicy, PolicyError, simulateAccount } from '@forewarn/health';
import type { Response } from 'express';
import { AdminOnlyOrNotFound } from '../auth/admin-only.guard';
import { PageAuthGuard } from '../auth/auth.guard';
import type { AuthedRequest } from '../common/authed-request';
import { PageContexts } from '../web/page-context';
import { sendPage } from '../web/send-page';
import { type BacktestForm, policyPage, type PolicyView } from './policy.page';
import { PolicyReadModel } from './policy.read-model';
import { policyInWords } from './policy-words';

const DAY_MS = 86_400_000;
/** A backtest in a web request replays at most this many accounts; `forewarn backtest` does all. */
const MAX_ACCOUNTS = 2_000;
const day = (at: Date): string => at.toISOString().slice(0, 10);

/** The health policy in words, and a backtest of a candidate before it is deployed (admins only). */
@Controller('admin/policy')
@UseGuards(PageAuthGuard, AdminOnlyOrNotFound)
export class PolicyController {
  constructor(private readonly pages: PageContexts, private readonly policies: PolicyReadModel, private readonly audit: AuditLog, private readonly txHost: TxHost) {}

  @Get()
  async show(@Req() request: AuthedRequest, @Res() response: Response): Promise<void> {
    const ctx = this.pages.of(request);
    const { view, policy } = await this.current();
    const candidate = JSON.stringify({ ...policy, version: `${policy.version} (candidate)` }, null, 2);
    sendPage(response, policyPage({ ...view, form: { candidate, since: day(new Date(ctx.now.getTime() - 30 * DAY_MS)), until: day(ctx.now) } }, ctx));
  }

  @Post('backtest')
  async backtest(@Req() request: AuthedRequest, @Res() response: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const ctx = this.pages.of(request);
    const form: BacktestForm = { candidate: String(body?.candidate ?? '').slice(0, 200_000), since: String(body?.since ?? ''), until: String(body?.until ?? '') };
    const { view, policy: current } = await this.current();
    let candidate: HealthPolicy;
    try {
      candidate = parsePolicy(form.candidate, 'the candidate');
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      return sendPage(response, policyPage({ ...view, form, problem: error.message }, ctx), 400);
    }
    const since = new Date(`${form.since}T00:00:00Z`);
    const until = new Date(Math.min(new Date(`${form.until}T00:00:00Z`).getTime() + DAY_MS, ctx.now.getTime()));
    if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime()) || since >= until) {
      return sendPage(response, policyPage({ ...view, form, problem: 'Choose a period whose start is before its end (and not in the future).' }, ctx), 400);
    }
    const accounts = await this.policies.accountsWithEvents(until, MAX_ACCOUNTS + 1);
    const window = { since, until, tickMinutes: 60 };
    const now: BacktestAlert[] = [];
    const next: BacktestAlert[] = [];
    let events = 0;
    for (const accountId of accounts.slice(0, MAX_ACCOUNTS)) {
      const list = await this.policies.eventsOfAccount(accountId, until);
      events += list.length;
      now.push(...simulateAccount(accountId, list, current, window));
      next.push(...simulateAccount(accountId, list, candidate, window));
      await yieldToOthers(); // one account at a time: the pages and live streams keep going meanwhile
    }
    const comparison = compareBacktests({ version: current.version, alerts: now }, { version: candidate.version, alerts: next });
    await this.txHost.withTransaction(() => this.audit.record({
      actor: ctx.user.email, action: 'policy.backtested', target: candidate.version,
      details: { current: current.version, since: since.toISOString(), until: until.toISOString(), accounts: Math.min(accounts.length, MAX_ACCOUNTS), changed: comparison.changed.length, onlyCurrent: comparison.onlyCurrent.length, onlyCandidate: comparison.onlyCandidate.length },
    }));
    sendPage(response, policyPage({ ...view, form, result: { ...comparison, accounts: Math.min(accounts.length, MAX_ACCOUNTS), events, capped: accounts.length > MAX_ACCOUNTS, candidateVersion: candidate.version } }, ctx));
  }

  /** The candidate as a file to deploy (validated first). */
  @Post('candidate')
  async download(@Res() response: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const text = String(body?.candidate ?? '');
    let policy: HealthPolicy;
    try {
      policy = parsePolicy(text, 'the candidate');
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      response.status(400).type('text/plain').send(error.message);
      return;
    }
    const name = policy.version.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80) || 'health-policy';
    response.setHeader('Content-Disposition', `attachment; filename="${name}.json"`);
    response.setHeader('Cache-Control', 'no-store');
    response.type('application/json').send(`${JSON.stringify(policy, null, 2)}\n`);
  }

  private async current(): Promise<{ view: Omit<PolicyView, 'form'>; policy: HealthPolicy }> {
    const inUse = await this.policies.inUse();
    const policy = inUse ? parsePolicy(JSON.stringify(inUse.policy), 'the policy account-health recorded') : DEFAULT_POLICY;
    return { policy, view: { current: inUse ? { version: inUse.version, source: inUse.source, since: inUse.since.toISOString() } : null, words: policyInWords(policy) } };
  }
}
