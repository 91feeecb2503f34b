import { Injectable } from '@nestjs/common';
import { accountKeyOf, type AccountRef, accountRefOf, capFutureTime, type InboundEvent, parseInboundEvent } from '@forewarn/contracts';
import {
  AccountsRepository, AlertsRepository, caseKey, CasesRepository, EventsRepository, HealthRepository, type HealthRow, MeetingsRepository, type NewAlert, type OutboxMessage, OutboxRepository, subjectKey,
} from '@forewarn/database';
import { randomUUID } from 'node:crypto';
import { assessHealth, buildBriefing, type CaseFact, type CaseState, continueCaseFold, eventKey, foldCase, foldMeeting, type HealthPolicy, isOpen, memoryDays, planAlerts, resolvedBeforeMeeting } from '@forewarn/health';
import { traceparentOf } from '@forewarn/service-kit';
import { alertRaisedMessage, healthChangedMessage, type RecomputeCause } from './alert-message';

/** A Kafka message as the projector needs it. */
export interface RawMessage {
  value: Buffer | null;
  /** Broker timestamp (ms since epoch). */
  timestamp: number;
  /** The trace it arrived in (W3C `traceparent`), if any. */
  traceparent?: string | null;
}

/** The trace each event arrived in, when it came with one: what the event causes is published in it. */
export type EventTraces = ReadonlyMap<InboundEvent, string>;

const NO_TRACES: EventTraces = new Map();

/**
 * How many accounts are scored at once (see `recompute`): a batch of the default fetch size
 * touches 1,000–2,000. Smaller chunks hold less but cost PostgreSQL six statements each (at 250,
 * the limit baseline fell from 4,969 to 3,782 events/s).
 */
export const SCORING_CHUNK_ACCOUNTS = 1000;

/**
 * Validates messages as inbound events; the rest are poison (for the dead-letter topic), with the
 * reason. An event dated more than 5 minutes after it was received (the broker's timestamp, or
 * `now` if that is later still) is ordered at that time instead (`capFutureTime`): a producer
 * writing to the topic directly cannot date an account update ahead to win every later one.
 */
export function parseMessages<M extends RawMessage>(messages: readonly M[], now: number = Date.now()): { events: InboundEvent[]; rejected: { message: M; reason: string }[]; traces: EventTraces } {
  const events: InboundEvent[] = [];
  const rejected: { message: M; reason: string }[] = [];
  const traces = new Map<InboundEvent, string>();
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
    if (!result.ok) {
      rejected.push({ message, reason: `invalid event: ${result.errors.map((e) => `${e.field} ${e.message}`).join('; ')}` });
      continue;
    }
    const event = capFutureTime(result.value, Math.min(message.timestamp, now));
    events.push(event);
    if (message.traceparent) traces.set(event, message.traceparent);
  }
  return { events, rejected, traces };
}

/** The identity of an event's reference to its account, for resolving each distinct one once. */
export const referenceKey = (event: InboundEvent): string => {
  const ref = accountRefOf(event);
  return JSON.stringify([ref.id ?? null, ref.domain ?? null, ref.externalId ?? null, event.source]);
};

/** An alert decision written to the outbox. */
export interface RaisedAlert {
  alertId: string;
  kind: string;
  accountId: string;
  state: string;
  score: number;
  meetingId: string | null;
  /** The trace it was raised in: the event's that caused it, or the sweep's. */
  traceparent: string | null;
}

/** What re-scoring did: how many accounts' health (state or score) changed, and the alerts it raised. */
export interface RecomputeOutcome {
  changed: number;
  alerts: RaisedAlert[];
}

/** What applying a batch did: new events stored, duplicates ignored, the accounts re-scored and what that did. */
export interface ApplyOutcome extends RecomputeOutcome {
  applied: number;
  duplicates: number;
  accounts: string[];
}

/** An event as the case fold sees it, the same as `EventsRepository.caseFacts` reads it back. */
const caseFactOf = (event: InboundEvent, seq: number, key: string): CaseFact => ({
  type: event.type, time: new Date(event.time).toISOString(), seq, key, data: event.data as CaseFact['data'],
});

type AccountUpserted = Extract<InboundEvent, { type: 'forewarn.account.upserted' }>;
type ReferenceAdded = Extract<InboundEvent, { type: 'forewarn.account.reference_added' }>;

/** The case a case or survey event is about, when it names one: what later events of the same source inherit their account from. */
export const caseIdOf = (event: InboundEvent): string | null =>
  event.type.startsWith('forewarn.case.') || event.type === 'forewarn.survey.responded' ? ((event.data as { case?: { id?: string } }).case?.id ?? null) : null;

const splitSubject = (key: string) => {
  const [accountId, subjectId] = key.split('\u0000');
  return { accountId, subjectId };
};


/**
 * The account-health projection: a batch of inbound events in, the event store, accounts, cases,
 * meetings, health and the outbox out — all through the repositories, in the caller's unit of work.
 * Used by the account-health service (live and on its sweep); `forewarn replay` rebuilds with
 * `Rebuild`, which scores with `recompute`.
 */
@Injectable()
export class Projector {
  constructor(
    private readonly events: EventsRepository,
    private readonly accounts: AccountsRepository,
    private readonly cases: CasesRepository,
    private readonly meetings: MeetingsRepository,
    private readonly health: HealthRepository,
    private readonly alerts: AlertsRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Stores and folds a batch, and re-scores the accounts it touched with `policy`. What an account's
   * re-scoring writes to the outbox goes out in the trace of the batch's last event about it.
   */
  async apply(events: InboundEvent[], now: Date, policy: HealthPolicy, traces: EventTraces = NO_TRACES): Promise<ApplyOutcome> {
    const touchedAccounts = new Set<string>();
    const accountTraces = new Map<string, string>();
    const traceTo = (accountId: string, event: InboundEvent) => {
      const traceparent = traces.get(event);
      if (traceparent) accountTraces.set(accountId, traceparent);
    };
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
    const storedUpserts = await this.events.insert(upserts.map((event) => ({ event, accountKey: accountKeyOf(event), accountId: event.data.id })));
    const freshUpserts = new Set(storedUpserts.map((i) => eventKey(i.source, i.id)));
    const newUpserts = upserts.filter((e) => freshUpserts.delete(eventKey(e.source, e.id))); // each new upsert once
    await this.accounts.upsertMany(newUpserts.map((event) => ({ data: event.data, time: event.time, eventId: event.id })));
    for (const event of newUpserts.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : 1))) {
      touchedAccounts.add(event.data.id);
      traceTo(event.data.id, event);
    }

    // References an admin mapped to accounts (`account.reference_added`): kept beside the CRM's, once each.
    const references = events.filter((e): e is ReferenceAdded => e.type === 'forewarn.account.reference_added');
    const storedReferences = await this.events.insert(references.map((event) => ({ event, accountKey: accountKeyOf(event), accountId: event.data.accountId })));
    const freshReferences = new Set(storedReferences.map((i) => eventKey(i.source, i.id)));
    const newReferences = references.filter((e) => freshReferences.delete(eventKey(e.source, e.id)));
    for (const event of newReferences) {
      await this.accounts.addReferences(event.data, event.time);
      touchedAccounts.add(event.data.accountId);
    }

    // Every distinct reference of the batch resolved in one statement.
    const others = events.filter((e) => e.type !== 'forewarn.account.upserted' && e.type !== 'forewarn.account.reference_added');
    const refs = new Map<string, { ref: AccountRef; source: string }>();
    const refKeys = others.map(referenceKey); // per event, in the order of `others`
    others.forEach((event, i) => refs.set(refKeys[i], { ref: accountRefOf(event), source: event.source }));
    const accountOf = new Map<string, string | null>();
    const resolve = async (keys: string[]) => {
      const found = await this.accounts.resolve(keys.map((key) => refs.get(key)!));
      keys.forEach((key, i) => accountOf.set(key, found[i]));
    };
    await resolve([...refs.keys()]);
    const unresolved = [...refs.keys()].filter((key) => !accountOf.get(key));
    if (newUpserts.length > 0 || newReferences.length > 0 || unresolved.length > 0) {
      await this.events.lockUnmapped();
      // An account committed while we waited for the lock may be the one these need.
      if (unresolved.length > 0) await resolve(unresolved);
    }
    const accountIds = await this.accountsOfEvents(others, refKeys.map((key) => accountOf.get(key) ?? null));
    const storedOthers = await this.events.insert(others.map((event, i) => ({ event, accountKey: accountKeyOf(event), accountId: accountIds[i] })));
    const applied = storedUpserts.length + storedReferences.length + storedOthers.length;
    const duplicates = events.length - applied;
    if (applied === 0) return { applied, duplicates, accounts: [], changed: 0, alerts: [] };
    const storedByKey = new Map(storedOthers.map((i) => [eventKey(i.source, i.id), i]));
    const mappedCases = new Map<string, { source: string; caseId: string; accountId: string }>();
    for (const [i, event] of others.entries()) {
      const key = eventKey(event.source, event.id);
      const stored = storedByKey.get(key);
      const accountId = accountIds[i];
      if (!stored || !accountId) continue; // a duplicate, or kept unmapped until its account arrives
      storedByKey.delete(key); // each new event once
      touch(accountId, event.type, stored.subjectId, caseFactOf(event, stored.seq, key));
      const caseId = caseIdOf(event);
      if (caseId) mappedCases.set(caseKey(event.source, caseId), { source: event.source, caseId, accountId });
      traceTo(accountId, event);
    }
    // After this batch's events are stored, so that only events still unmapped are looked at.
    const claiming = await this.accounts.referencesOf([...new Set([...newUpserts.map((e) => e.data.id), ...newReferences.map((e) => e.data.accountId)])]);
    for (const claimed of await this.events.claimUnmapped(claiming)) touch(claimed.accountId, claimed.type, claimed.subjectId);
    // Events of these cases that came first and named no known account belong to the case's account too.
    for (const claimed of await this.events.claimCaseSiblings([...mappedCases.values()])) touch(claimed.accountId, claimed.type, claimed.subjectId);

    const caseSubjects = [...touchedCases].map(splitSubject);
    const { states: stored, created } = await this.cases.lock(caseSubjects);
    const folded = new Map<string, CaseState>();
    for (const key of touchedCases) {
      if (refoldCases.has(key)) continue;
      const state = stored.get(key);
      // A case this batch creates has no events but the batch's own: fold those, read nothing.
      const next = created.has(key) ? foldCase(splitSubject(key).subjectId, newCaseFacts.get(key) ?? []) : state ? continueCaseFold(state, newCaseFacts.get(key) ?? []) : null;
      if (next) folded.set(key, next);
    }
    const refold = caseSubjects.filter(({ accountId, subjectId }) => !folded.has(subjectKey(accountId, subjectId)));
    const caseFacts = await this.events.caseFacts(refold);
    for (const { accountId, subjectId } of refold) folded.set(subjectKey(accountId, subjectId), foldCase(subjectId, caseFacts.get(subjectKey(accountId, subjectId)) ?? []));
    await this.cases.save(
      caseSubjects.map(({ accountId, subjectId }) => {
        const state = folded.get(subjectKey(accountId, subjectId))!;
        return { accountId, state, isOpen: isOpen(state) };
      }),
    );

    const meetingSubjects = [...touchedMeetings].map(splitSubject);
    await this.meetings.lock(meetingSubjects);
    const meetingFacts = await this.events.meetingFacts(meetingSubjects);
    await this.meetings.save(
      meetingSubjects.flatMap(({ accountId, subjectId }) => {
        const state = foldMeeting(subjectId, meetingFacts.get(subjectKey(accountId, subjectId)) ?? []);
        return state ? [{ accountId, state }] : [];
      }),
    );

    const accounts = [...touchedAccounts].sort();
    return { applied, duplicates, accounts, ...(await this.recompute(accounts, now, 'events', policy, accountTraces)) };
  }

  /**
   * The account of each event: the one its reference resolved to; else, for an event of a case
   * that names no account Forewarn knows (a Jira comment without a reporter, a Salesforce change
   * event without AccountId), the account of its case — from an earlier event of the same source
   * and case id in this batch, or stored. Called under the unmapped lock when any is unresolved, so
   * a case's account committed before it is seen.
   */
  private async accountsOfEvents(others: InboundEvent[], resolved: (string | null)[]): Promise<(string | null)[]> {
    if (resolved.every((accountId) => accountId !== null)) return resolved;
    const inBatch = new Map<string, string>();
    others.forEach((event, i) => {
      const caseId = caseIdOf(event);
      if (caseId && resolved[i]) inBatch.set(caseKey(event.source, caseId), resolved[i] as string);
    });
    const wanted = new Map<string, { source: string; caseId: string }>();
    others.forEach((event, i) => {
      const caseId = caseIdOf(event);
      if (!resolved[i] && caseId && !inBatch.has(caseKey(event.source, caseId))) wanted.set(caseKey(event.source, caseId), { source: event.source, caseId });
    });
    const stored = await this.events.caseAccounts([...wanted.values()]);
    return others.map((event, i) => {
      if (resolved[i]) return resolved[i];
      const caseId = caseIdOf(event);
      return caseId ? (inBatch.get(caseKey(event.source, caseId)) ?? stored.get(caseKey(event.source, caseId)) ?? null) : null;
    });
  }

  /**
   * Re-scores accounts with `policy`, records every change in the history and on
   * `<prefix>health.v1`, and writes alert decisions to the outbox. A replay changes no alert
   * memory and raises no alerts. A sweep passes the policy it started with, so a reload in the
   * middle of a run is applied by the full re-evaluation that follows it. What it writes to the
   * outbox goes out in the account's trace in `traces`, or else the active one (the sweep's).
   */
  async recompute(accountIds: string[], now: Date, cause: RecomputeCause, policy: HealthPolicy, traces: ReadonlyMap<string, string> = new Map()): Promise<RecomputeOutcome> {
    // In chunks of accounts, in order: what is held at once (every open and recent case of each
    // account, with its folded state) is bounded however many accounts a batch or sweep touches,
    // and the health rows are still locked in one order by every writer.
    const outcome: RecomputeOutcome = { changed: 0, alerts: [] };
    const sorted = [...accountIds].sort();
    for (let i = 0; i < sorted.length; i += SCORING_CHUNK_ACCOUNTS) {
      const chunk = await this.recomputeChunk(sorted.slice(i, i + SCORING_CHUNK_ACCOUNTS), now, cause, policy, traces);
      outcome.changed += chunk.changed;
      outcome.alerts.push(...chunk.alerts);
    }
    return outcome;
  }

  private async recomputeChunk(accountIds: string[], now: Date, cause: RecomputeCause, policy: HealthPolicy, traces: ReadonlyMap<string, string>): Promise<RecomputeOutcome> {
    if (accountIds.length === 0) return { changed: 0, alerts: [] };
    const activeTrace = traceparentOf();
    const recentDays = memoryDays(policy);
    // Lock the health rows first, so a concurrent writer's cases are committed before we read them.
    const previous = await this.health.lockCurrent(accountIds);
    const accounts = await this.accounts.byIds(accountIds);
    const cases = await this.cases.ofAccounts(accountIds, recentDays, now);
    const surveys = await this.events.caselessSurveys(accountIds, policy.poorSurveys.withinDays, now);
    const meetings = await this.meetings.upcoming(accountIds, now);
    const briefed = cause === 'replay' ? new Map<string, Set<string>>() : await this.alerts.briefedMeetings(accountIds);
    const rows: HealthRow[] = [];
    const changed: HealthRow[] = [];
    const outbox: OutboxMessage[] = [];
    const raised: RaisedAlert[] = [];
    const newAlerts: NewAlert[] = [];
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
      const traceparent = traces.get(account.id) ?? activeTrace;
      if (!before || before.state !== row.state || before.score !== row.score) {
        changed.push(row);
        outbox.push({ topic: 'health', key: account.id, value: healthChangedMessage({ account, assessment, previous: before, id: randomUUID(), now, cause }), traceparent });
      }
      for (const planned of plan.alerts) {
        const alertId = randomUUID();
        const meeting = planned.meeting ?? upcoming[0] ?? null;
        if (planned.kind === 'briefing' && planned.meeting) {
          const claimed = await this.alerts.claimBriefing({ accountId: account.id, meetingId: planned.meeting.id, startsAt: planned.meeting.startsAt as string, alertId, state: assessment.state, at: now });
          if (!claimed) continue;
        }
        newAlerts.push({ id: alertId, accountId: account.id, kind: planned.kind, state: assessment.state, previousState: before?.state ?? null, score: assessment.score, reasons: assessment.reasons, createdAt: now, meetingId: planned.meeting?.id ?? null });
        const message = alertRaisedMessage({
          id: alertId, kind: planned.kind, account, assessment, previousState: before?.state ?? null, cases: accountCases, nextMeeting: meeting, now,
          ...(planned.kind === 'briefing' && planned.meeting ? { briefing: buildBriefing({ meeting: planned.meeting, facts, assessment, now, policy }) } : {}),
          ...(planned.kind === 'all-clear' ? { resolvedBeforeMeeting: resolvedBeforeMeeting({ meetings: upcoming, facts, now, policy }) ?? undefined } : {}),
        });
        outbox.push({ topic: 'alerts', key: account.id, value: message, traceparent });
        raised.push({ alertId, kind: planned.kind, accountId: account.id, state: assessment.state, score: assessment.score, meetingId: planned.meeting?.id ?? null, traceparent });
      }
    }
    await this.health.save(rows, changed, now, cause);
    await this.alerts.saveMany(newAlerts);
    await this.outbox.enqueue(outbox);
    return { changed: changed.length, alerts: raised };
  }
}
