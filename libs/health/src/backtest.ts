import type { HealthState } from '@forewarn/contracts';
import { type AccountEvent, type AccountProjection, factsAt, projectAccount } from './account-projection';
import { planAlerts } from './alert-plan';
import { assessHealth } from './assess-health';
import { inEventOrder } from './case-state';
import type { HealthPolicy } from './policy';
import { DAY_MS } from './words';

/**
 * Backtest: replays an account's stored events through a policy, as the live service would have
 * seen them (event by event, plus a sweep tick every `tickMinutes` for what time alone changes),
 * and lists the alerts it would have raised. Comparing two policies' lists shows what a change
 * of numbers would have done to the account teams' inboxes.
 */
export interface BacktestAlert {
  accountId: string;
  kind: 'heads-up' | 'all-clear' | 'briefing';
  state: HealthState;
  score: number;
  at: string;
  meetingId: string | null;
  /** Reason codes, loudest first. */
  reasons: string[];
  forcedBy: string | null;
}

export interface BacktestWindow {
  since: Date;
  until: Date;
  /** How often the simulated sweep re-evaluates (the live default is 5 minutes; an hour is plenty here). */
  tickMinutes: number;
  /** How long before `since` the simulation starts ticking, so memory and decay are warm. */
  warmUpDays?: number;
}

export function simulateAccount(accountId: string, events: readonly AccountEvent[], policy: HealthPolicy, window: BacktestWindow): BacktestAlert[] {
  const ordered = inEventOrder(events).filter((e) => Date.parse(e.time) <= window.until.getTime());
  if (ordered.length === 0) return [];
  const tickMs = window.tickMinutes * 60_000;
  const startTicks = Math.max(Date.parse(ordered[0].time), window.since.getTime() - (window.warmUpDays ?? 14) * DAY_MS);
  const points = new Set<number>(ordered.map((e) => Date.parse(e.time)));
  const ticks = new Set<number>();
  for (let t = Math.ceil(startTicks / tickMs) * tickMs; t <= window.until.getTime(); t += tickMs) ticks.add(t);
  for (const t of ticks) points.add(t);

  const alerts: BacktestAlert[] = [];
  const briefed = new Set<string>();
  let alertedState: HealthState | null = null;
  let seen = 0;
  let projection: AccountProjection | null = null;
  for (const point of [...points].sort((a, b) => a - b)) {
    let added = false;
    while (seen < ordered.length && Date.parse(ordered[seen].time) <= point) {
      seen += 1;
      added = true;
    }
    if (added || !projection) projection = projectAccount(ordered.slice(0, seen));
    const now = new Date(point);
    const assessment = assessHealth(factsAt(projection, now, policy), now, policy);
    const plan = planAlerts({ alertedState, assessment, meetings: projection.meetings, briefed, now, policy, briefings: ticks.has(point) });
    alertedState = plan.alertedState;
    for (const alert of plan.alerts) {
      if (alert.meeting) briefed.add(alert.meeting.id);
      if (point < window.since.getTime()) continue;
      alerts.push({
        accountId, kind: alert.kind, state: assessment.state, score: assessment.score, at: now.toISOString(),
        meetingId: alert.meeting?.id ?? null, reasons: assessment.reasons.map((r) => r.code), forcedBy: assessment.forcedBy,
      });
    }
  }
  return alerts;
}

export interface BacktestComparison {
  current: { version: string; raised: Record<BacktestAlert['kind'], number>; alerts: BacktestAlert[] };
  candidate: { version: string; raised: Record<BacktestAlert['kind'], number>; alerts: BacktestAlert[] };
  /** Alerts only the current policy raised: the candidate would have stayed quiet. */
  onlyCurrent: BacktestAlert[];
  /** Alerts only the candidate raised. */
  onlyCandidate: BacktestAlert[];
  /** The same alert raised at another time or with another state (a briefing for the same meeting; a heads-up or all-clear about the same state). */
  changed: { current: BacktestAlert; candidate: BacktestAlert; hours: number }[];
  /** Alerts both raised alike. */
  unchanged: number;
}

const count = (alerts: BacktestAlert[]): Record<BacktestAlert['kind'], number> => ({
  'heads-up': alerts.filter((a) => a.kind === 'heads-up').length,
  briefing: alerts.filter((a) => a.kind === 'briefing').length,
  'all-clear': alerts.filter((a) => a.kind === 'all-clear').length,
});

/** A briefing is the same alert when it is for the same meeting; a heads-up or all-clear when it is about the same state. */
const identity = (a: BacktestAlert) => `${a.accountId}\u0000${a.kind}\u0000${a.kind === 'briefing' ? a.meetingId : a.state}`;

/** Pairs the two policies' alerts (see `identity`, in time order) and lists the differences. */
export function compareBacktests(current: { version: string; alerts: BacktestAlert[] }, candidate: { version: string; alerts: BacktestAlert[] }): BacktestComparison {
  const byIdentity = (alerts: BacktestAlert[]) => {
    const map = new Map<string, BacktestAlert[]>();
    for (const a of [...alerts].sort((x, y) => Date.parse(x.at) - Date.parse(y.at))) map.set(identity(a), [...(map.get(identity(a)) ?? []), a]);
    return map;
  };
  const left = byIdentity(current.alerts);
  const right = byIdentity(candidate.alerts);
  const onlyCurrent: BacktestAlert[] = [];
  const onlyCandidate: BacktestAlert[] = [];
  const changed: BacktestComparison['changed'] = [];
  let unchanged = 0;
  for (const key of new Set([...left.keys(), ...right.keys()])) {
    const a = left.get(key) ?? [];
    const b = right.get(key) ?? [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (!b[i]) onlyCurrent.push(a[i]);
      else if (!a[i]) onlyCandidate.push(b[i]);
      else if (a[i].at === b[i].at && a[i].state === b[i].state) unchanged += 1;
      else changed.push({ current: a[i], candidate: b[i], hours: Math.round((Date.parse(b[i].at) - Date.parse(a[i].at)) / 36e5 * 10) / 10 });
    }
  }
  const byTime = (x: BacktestAlert, y: BacktestAlert) => Date.parse(x.at) - Date.parse(y.at) || (x.accountId < y.accountId ? -1 : 1);
  return {
    current: { version: current.version, raised: count(current.alerts), alerts: [...current.alerts].sort(byTime) },
    candidate: { version: candidate.version, raised: count(candidate.alerts), alerts: [...candidate.alerts].sort(byTime) },
    onlyCurrent: onlyCurrent.sort(byTime),
    onlyCandidate: onlyCandidate.sort(byTime),
    changed: changed.sort((x, y) => byTime(x.current, y.current)),
    unchanged,
  };
}

/** Runs both policies over every account and compares them. */
export function backtest(accounts: Iterable<{ accountId: string; events: readonly AccountEvent[] }>, current: HealthPolicy, candidate: HealthPolicy, window: BacktestWindow): BacktestComparison {
  const a: BacktestAlert[] = [];
  const b: BacktestAlert[] = [];
  for (const { accountId, events } of accounts) {
    a.push(...simulateAccount(accountId, events, current, window));
    b.push(...simulateAccount(accountId, events, candidate, window));
  }
  return compareBacktests({ version: current.version, alerts: a }, { version: candidate.version, alerts: b });
}
