import { accountKeyOf, type AccountRef, accountRefOf, capFutureTime, type InboundEvent, parseInboundEvent } from '@forewarn/contracts';
import { randomUUID } from 'node:crypto';
import { assessHealth, buildBriefing, type CaseFact, type CaseState, continueCaseFold, foldCase, foldMeeting, type HealthPolicy, isOpen, memoryDays, planAlerts, resolvedBeforeMeeting } from '@forewarn/health';
import { alertRaisedMessage, healthChangedMessage, type RecomputeCause } from './alert-message';
import { eventKey, type HealthRow, type OutboxRow, ProjectionStore, referenceKey } from './projection.store';

/** A Kafka message as the projector needs it. */
export interface RawMessage {
  value: Buffer | null;
  /** Broker timestamp (ms since epoch). */
  timestamp: number;
}

/**
 * Validates messages as inbound events; the rest are poison (for the dead-letter topic), with the
 * reason. An event dated more than 5 minutes after it was received (the broker's timestamp, or
 * `now` if that is later still) is ordered at that time instead (`capFutureTime`): a producer
 * writing to the topic directly cannot date an account update ahead to win every later one.
 */
export function parseMessages<M extends RawMessage>(messages: readonly M[], now: number = Date.now()): { events: InboundEvent[]; rejected: { message: M; reason: string }[] } {
  const events: InboundEvent[] = [];
  const rejected: { message: M; reason: string }[] = [];
  for (const message of messages) {
    let raw: unknown;
    try {
      raw = message.value ? JSON.parse(message.value.toString('utf8')) : null;
    } catch {
      raw = null;
    }
    if (raw === null) {
      rejected.push({ message, reason: 'value is not JSON' });
      continue;
    }
    const result = parseInboundEvent(raw, { receivedAt: new Date(message.timestamp) });
    if (result.ok) events.push(capFutureTime(result.value, Math.min(message.timestamp, now)));
    else rejected.push({ message, reason: `invalid event: ${result.errors.map((e) => `${e.field} ${e.message}`).join('; ')}` });
  }
  return { events, rejected };
}

export interface ProjectorHooks {
  applied?(count: number): void;
  duplicates?(count: number): void;
  alertRaised?(alert: { alertId: string; kind: string; accountId: string; state: string; score: number; meetingId: string | null }): void;
  healthChanged?(count: number, cause: RecomputeCause): void;
}

/** An event as the case fold sees it, the same as `ProjectionStore.caseFacts` reads it back. */
const caseFactOf = (event: InboundEvent, seq: number, key: string): CaseFact => ({
  type: event.type, time: new Date(event.time).toISOString(), seq, key, data: event.data as CaseFact['data'],
});

type AccountUpserted = Extract<InboundEvent, { type: 'forewarn.account.upserted' }>;

const subjectKey = (accountId: string, subjectId: string) => `${accountId}\u0000${subjectId}`;
const splitSubject = (key: string) => {
  const [accountId, subjectId] = key.split('\u0000');
  return { accountId, subjectId };
};


/**
 * The account-health projection, without a framework: a batch of inbound events in, the event
 * store, accounts, cases, meetings, health and the outbox out — all in the caller's transaction.
 * Used by the account-health service (live and on its sweep); `forewarn replay` rebuilds with
 * `Rebuild` and scores with `recompute`.
 */
export class Projector {
  constructor(private readonly policy: () => HealthPolicy, private readonly hooks: ProjectorHooks = {}) {}

  /**
   * Stores and folds a batch, and re-scores the accounts it touched, which it returns.
   */
  async apply(store: ProjectionStore, events: InboundEvent[], now: Date): Promise<string[]> {
    const touchedAccounts = new Set<string>();
    const touchedCases = new Set<string>();
    const touchedMeetings = new Set<string>();
    // The new facts of each touched case, to continue its fold; a case that also got older events
    // (claimed from the unmapped) is folded again from all of them.
    const newCaseFacts = new Map<string, CaseFact[]>();
    const refoldCases = new Set<string>();
    const touch = (accountId: string, type: string, subjectId: string | null, fact?: CaseFact) => {
      touchedAccounts.add(accountId);
      if (!subjectId) return;
      const key = subjectKey(accountId, subjectId);
      if (type.startsWith('forewarn.meeting.')) touchedMeetings.add(key);
      else if (type.startsWith('forewarn.case.') || type === 'forewarn.survey.responded') {
        touchedCases.add(key);
        if (!fact) refoldCases.add(key);
        else {
          const list = newCaseFacts.get(key);
          if (list) list.push(fact);
          else newCaseFacts.set(key, [fact]);
        }
      }
    };

    // Accounts first, so events in the same batch can resolve to them. Each event is stored with
    // its account (or unmapped) in one write; the insert also tells which events are new.
    const upserts = events.filter((e): e is AccountUpserted => e.type === 'forewarn.account.upserted');
    const storedUpserts = await store.insertEvents(upserts.map((event) => ({ event, accountKey: accountKeyOf(event), accountId: event.data.id })));
    const freshUpserts = new Set(storedUpserts.map((i) => eventKey(i.source, i.id)));
    const newUpserts = upserts.filter((e) => freshUpserts.delete(eventKey(e.source, e.id))); // each new upsert once
    for (const event of newUpserts.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : 1))) {
      await store.upsertAccount(event.data, event.time);
      touchedAccounts.add(event.data.id);
    }

    // Every distinct reference of the batch resolved in one statement.
    const others = events.filter((e) => e.type !== 'forewarn.account.upserted');
    const refs = new Map<string, { ref: AccountRef; source: string }>();
    const refKeys = others.map(referenceKey); // per event, in the order of `others`
    others.forEach((event, i) => refs.set(refKeys[i], { ref: accountRefOf(event), source: event.source }));
    const accountOf = new Map<string, string | null>();
    const resolve = async (keys: string[]) => {
      const found = await store.resolveAccounts(keys.map((key) => refs.get(key)!));
      keys.forEach((key, i) => accountOf.set(key, found[i]));
    };
    await resolve([...refs.keys()]);
    const unresolved = [...refs.keys()].filter((key) => !accountOf.get(key));
    if (newUpserts.length > 0 || unresolved.length > 0) {
      await store.lockUnmapped();
      // An account committed while we waited for the lock may be the one these need.
      if (unresolved.length > 0) await resolve(unresolved);
    }
    const storedOthers = await store.insertEvents(others.map((event, i) => ({ event, accountKey: accountKeyOf(event), accountId: accountOf.get(refKeys[i]) ?? null })));
    this.hooks.duplicates?.(events.length - storedUpserts.length - storedOthers.length);
    if (storedUpserts.length + storedOthers.length === 0) return [];
    this.hooks.applied?.(storedUpserts.length + storedOthers.length);
    const storedByKey = new Map(storedOthers.map((i) => [eventKey(i.source, i.id), i]));
    for (const [i, event] of others.entries()) {
      const key = eventKey(event.source, event.id);
      const stored = storedByKey.get(key);
      const accountId = accountOf.get(refKeys[i]);
      if (!stored || !accountId) continue; // a duplicate, or kept unmapped until its account arrives
      storedByKey.delete(key); // each new event once
      touch(accountId, event.type, stored.subjectId, caseFactOf(event, stored.seq, key));
    }
    // After this batch's events are stored, so that only events still unmapped are looked at.
    for (const claimed of await store.claimUnmapped([...new Set(newUpserts.map((e) => e.data.id))])) touch(claimed.accountId, claimed.type, claimed.subjectId);

    const caseSubjects = [...touchedCases].map(splitSubject);
    const { states: stored, created } = await store.lockCases(caseSubjects);
    const folded = new Map<string, CaseState>();
    for (const key of touchedCases) {
      if (refoldCases.has(key)) continue;
      const state = stored.get(key);
      // A case this batch creates has no events but the batch's own: fold those, read nothing.
      const next = created.has(key) ? foldCase(splitSubject(key).subjectId, newCaseFacts.get(key) ?? []) : state ? continueCaseFold(state, newCaseFacts.get(key) ?? []) : null;
      if (next) folded.set(key, next);
    }
    const refold = caseSubjects.filter(({ accountId, subjectId }) => !folded.has(subjectKey(accountId, subjectId)));
    const caseFacts = await store.caseFacts(refold);
    for (const { accountId, subjectId } of refold) folded.set(subjectKey(accountId, subjectId), foldCase(subjectId, caseFacts.get(subjectKey(accountId, subjectId)) ?? []));
    await store.saveCases(
      caseSubjects.map(({ accountId, subjectId }) => {
        const state = folded.get(subjectKey(accountId, subjectId))!;
        return { accountId, state, isOpen: isOpen(state) };
      }),
    );

    const meetingSubjects = [...touchedMeetings].map(splitSubject);
    await store.lockMeetings(meetingSubjects);
    const meetingFacts = await store.meetingFacts(meetingSubjects);
    await store.saveMeetings(
      meetingSubjects.flatMap(({ accountId, subjectId }) => {
        const state = foldMeeting(subjectId, meetingFacts.get(subjectKey(accountId, subjectId)) ?? []);
        return state ? [{ accountId, state }] : [];
      }),
    );

    const accounts = [...touchedAccounts].sort();
    await this.recompute(store, accounts, now, 'events');
    return accounts;
  }

  /**
   * Re-scores accounts, records every change in the history and on `<prefix>health.v1`, and
   * writes alert decisions to the outbox. A replay changes no alert memory and raises no alerts.
   * `policy` defaults to the one in force; a sweep passes the one it started with, so a reload
   * in the middle of a run is applied by the full re-evaluation that follows it.
   * Returns how many accounts changed state or score.
   */
  async recompute(store: ProjectionStore, accountIds: string[], now: Date, cause: RecomputeCause, policy: HealthPolicy = this.policy()): Promise<number> {
    if (accountIds.length === 0) return 0;
    const recentDays = memoryDays(policy);
    // Lock the health rows first, so a concurrent writer's cases are committed before we read them.
    const previous = await store.healthOf(accountIds);
    const accounts = await store.accounts(accountIds);
    const cases = await store.casesOf(accountIds, recentDays, now);
    const surveys = await store.caselessSurveys(accountIds, policy.poorSurveys.withinDays, now);
    const meetings = await store.upcomingMeetings(accountIds, now);
    const briefed = cause === 'replay' ? new Map<string, Set<string>>() : await store.briefedMeetings(accountIds);
    const rows: HealthRow[] = [];
    const changed: HealthRow[] = [];
    const outbox: OutboxRow[] = [];
    for (const account of accounts.values()) {
      const accountCases = cases.get(account.id) ?? [];
      const upcoming = meetings.get(account.id) ?? [];
      const facts = {
        cases: accountCases,
        surveys: surveys.get(account.id) ?? [],
        account: account.profile,
        meetings: upcoming.map((m) => ({ id: m.id, title: m.title, startsAt: m.startsAt as string, kind: m.kind })),
      };
      const assessment = assessHealth(facts, now, policy);
      const before = previous.get(account.id) ?? null;
      const plan = cause === 'replay'
        ? { alerts: [], alertedState: before?.alertedState ?? null }
        : planAlerts({ alertedState: before?.alertedState ?? null, assessment, meetings: upcoming, briefed: briefed.get(account.id) ?? new Set(), now, policy, briefings: cause !== 'events' });
      const row: HealthRow = {
        accountId: account.id, score: assessment.score, state: assessment.state, reasons: assessment.reasons, openCases: assessment.openCases,
        openEscalations: assessment.openEscalations, alertedState: plan.alertedState, policyVersion: assessment.policyVersion, timeDependent: assessment.timeDependent,
      };
      rows.push(row);
      if (!before || before.state !== row.state || before.score !== row.score) {
        changed.push(row);
        outbox.push({ topic: 'health', key: account.id, value: healthChangedMessage({ account, assessment, previous: before, id: randomUUID(), now, cause }) });
      }
      for (const planned of plan.alerts) {
        const alertId = randomUUID();
        const meeting = planned.meeting ?? upcoming[0] ?? null;
        if (planned.kind === 'briefing' && planned.meeting) {
          const claimed = await store.claimBriefing({ accountId: account.id, meetingId: planned.meeting.id, startsAt: planned.meeting.startsAt as string, alertId, state: assessment.state, at: now });
          if (!claimed) continue;
        }
        await store.saveAlert({ id: alertId, accountId: account.id, kind: planned.kind, state: assessment.state, previousState: before?.state ?? null, score: assessment.score, reasons: assessment.reasons, createdAt: now, meetingId: planned.meeting?.id ?? null });
        const message = alertRaisedMessage({
          id: alertId, kind: planned.kind, account, assessment, previousState: before?.state ?? null, cases: accountCases, nextMeeting: meeting, now,
          ...(planned.kind === 'briefing' && planned.meeting ? { briefing: buildBriefing({ meeting: planned.meeting, facts, assessment, now, policy }) } : {}),
          ...(planned.kind === 'all-clear' ? { resolvedBeforeMeeting: resolvedBeforeMeeting({ meetings: upcoming, facts, now, policy }) ?? undefined } : {}),
        });
        outbox.push({ topic: 'alerts', key: account.id, value: message });
        this.hooks.alertRaised?.({ alertId, kind: planned.kind, accountId: account.id, state: assessment.state, score: assessment.score, meetingId: planned.meeting?.id ?? null });
      }
    }
    await store.saveHealth(rows, changed, now, cause);
    await store.enqueue(outbox);
    this.hooks.healthChanged?.(changed.length, cause);
    return changed.length;
  }
}
