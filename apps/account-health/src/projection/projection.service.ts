import { Inject, Injectable, Logger } from '@nestjs/common';
import { accountKeyOf, type InboundEvent, parseInboundEvent } from '@forewarn/contracts';
import { decideAlert } from '@forewarn/alerting';
import { assessHealth, foldCase, foldMeeting, isOpen } from '@forewarn/health';
import { type BatchOutcome, type ConsumedMessage, parseJson } from '@forewarn/messaging';
import { Metrics } from '@forewarn/service-kit';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { alertRaisedMessage, healthChangedMessage } from './alert-message';
import { type HealthRow, type OutboxRow, ProjectionStore } from './projection.store';

/** Resolved cases keep weighing on health for this long (customers remember). */
const RECENT_CASE_DAYS = 30;

const subjectKey = (accountId: string, subjectId: string) => `${accountId}\u0000${subjectId}`;
const splitSubject = (key: string) => {
  const [accountId, subjectId] = key.split('\u0000');
  return { accountId, subjectId };
};

/**
 * Turns a batch of inbound events into projections in one PostgreSQL transaction: the event
 * store (idempotent on source+id), accounts, cases, meetings, health, and the outbox of health
 * changes and alert decisions. Invalid messages are handed back for the dead-letter topic.
 */
@Injectable()
export class ProjectionService {
  private readonly logger = new Logger(ProjectionService.name);
  private readonly applied;
  private readonly duplicates;
  private readonly alertsRaised;

  constructor(@Inject(DataSource) private readonly db: DataSource, metrics: Metrics) {
    this.applied = metrics.counter('forewarn_health_events_applied_total', 'New events applied to the projections');
    this.duplicates = metrics.counter('forewarn_health_events_duplicate_total', 'Redelivered or re-sent events ignored');
    this.alertsRaised = metrics.counter('forewarn_health_alerts_raised_total', 'Alert decisions written to the outbox', ['kind']);
  }

  async applyBatch(messages: ConsumedMessage[]): Promise<BatchOutcome> {
    const rejected: BatchOutcome['rejected'] = [];
    const events: InboundEvent[] = [];
    for (const message of messages) {
      const raw = parseJson(message);
      if (raw === null) {
        rejected.push({ message, reason: 'value is not JSON' });
        continue;
      }
      const result = parseInboundEvent(raw, { receivedAt: new Date(message.timestamp) });
      if (result.ok) events.push(result.value);
      else rejected.push({ message, reason: `invalid event: ${result.errors.map((e) => `${e.field} ${e.message}`).join('; ')}` });
    }
    if (events.length > 0) {
      const now = new Date();
      await this.db.transaction((tx) => this.project(new ProjectionStore(tx), events, now));
    }
    return { rejected };
  }

  private async project(store: ProjectionStore, events: InboundEvent[], now: Date): Promise<void> {
    const inserted = await store.insertEvents(events.map((event) => ({ event, accountKey: accountKeyOf(event) })));
    this.duplicates.inc(events.length - inserted.length);
    if (inserted.length === 0) return;
    this.applied.inc(inserted.length);
    const isNew = new Set(inserted.map((e) => `${e.source}\u0000${e.id}`));
    const fresh = events.filter((e) => isNew.delete(`${e.source}\u0000${e.id}`));

    const touchedAccounts = new Set<string>();
    const touchedCases = new Set<string>();
    const touchedMeetings = new Set<string>();
    const touch = (accountId: string, type: string, subjectId: string | null) => {
      touchedAccounts.add(accountId);
      if (!subjectId) return;
      if (type.startsWith('forewarn.meeting.')) touchedMeetings.add(subjectKey(accountId, subjectId));
      else if (type.startsWith('forewarn.case.') || type === 'forewarn.survey.responded') touchedCases.add(subjectKey(accountId, subjectId));
    };

    // Accounts first, so events in the same batch can resolve to them.
    const assignments: { source: string; id: string; accountId: string }[] = [];
    const upserts = fresh.filter((e): e is Extract<InboundEvent, { type: 'forewarn.account.upserted' }> => e.type === 'forewarn.account.upserted');
    for (const event of upserts.sort((a, b) => Date.parse(a.time) - Date.parse(b.time))) {
      await store.upsertAccount(event.data, event.time);
      assignments.push({ source: event.source, id: event.id, accountId: event.data.id });
      touchedAccounts.add(event.data.id);
      for (const claimed of await store.claimUnmapped(event.data)) touch(event.data.id, claimed.type, claimed.subjectId);
    }

    const resolved = new Map<string, string | null>();
    for (const event of fresh) {
      if (event.type === 'forewarn.account.upserted') continue;
      const key = accountKeyOf(event);
      const cacheKey = `${key}\u0000${event.source}`;
      if (!resolved.has(cacheKey)) resolved.set(cacheKey, await store.resolveAccount(key, event.source));
      const accountId = resolved.get(cacheKey);
      if (!accountId) continue; // kept unmapped; claimed when the account arrives
      assignments.push({ source: event.source, id: event.id, accountId });
      const subjectId = inserted.find((i) => i.source === event.source && i.id === event.id)?.subjectId ?? null;
      touch(accountId, event.type, subjectId);
    }
    await store.assignAccount(assignments);

    const caseSubjects = [...touchedCases].map(splitSubject);
    const caseFacts = await store.caseFacts(caseSubjects);
    await store.saveCases(
      caseSubjects.map(({ accountId, subjectId }) => {
        const state = foldCase(subjectId, caseFacts.get(subjectKey(accountId, subjectId)) ?? []);
        return { accountId, state, isOpen: isOpen(state) };
      }),
    );

    const meetingSubjects = [...touchedMeetings].map(splitSubject);
    const meetingFacts = await store.meetingFacts(meetingSubjects);
    await store.saveMeetings(
      meetingSubjects.flatMap(({ accountId, subjectId }) => {
        const state = foldMeeting(subjectId, meetingFacts.get(subjectKey(accountId, subjectId)) ?? []);
        return state ? [{ accountId, state }] : [];
      }),
    );

    await this.recomputeHealth(store, [...touchedAccounts], now);
  }

  /** Re-scores accounts, records changes, and writes health changes and alert decisions to the outbox. */
  async recomputeHealth(store: ProjectionStore, accountIds: string[], now: Date): Promise<void> {
    const [accounts, cases, previous, meetings] = [
      await store.accounts(accountIds),
      await store.casesOf(accountIds, RECENT_CASE_DAYS),
      await store.healthOf(accountIds),
      await store.nextMeetings(accountIds),
    ];
    const rows: HealthRow[] = [];
    const changed: HealthRow[] = [];
    const outbox: OutboxRow[] = [];
    for (const account of accounts.values()) {
      const assessment = assessHealth(cases.get(account.id) ?? [], now);
      const before = previous.get(account.id) ?? null;
      const decision = decideAlert({ alertedState: before?.alertedState ?? null }, assessment.state);
      const row: HealthRow = { accountId: account.id, score: assessment.score, state: assessment.state, reasons: assessment.reasons, openCases: assessment.openCases, openEscalations: assessment.openEscalations, alertedState: decision.alertedState };
      rows.push(row);
      if (!before || before.state !== row.state || before.score !== row.score) {
        changed.push(row);
        outbox.push({ topic: 'health', key: account.id, value: healthChangedMessage(account, assessment, before, randomUUID(), now) });
      }
      if (decision.kind) {
        const alertId = randomUUID();
        await store.saveAlert({ id: alertId, accountId: account.id, kind: decision.kind, state: assessment.state, previousState: before?.state ?? null, score: assessment.score, reasons: assessment.reasons, createdAt: now });
        const message = alertRaisedMessage({ id: alertId, kind: decision.kind, account, assessment, previousState: before?.state ?? null, openCases: await store.openCaseSummaries(account.id), nextMeeting: meetings.get(account.id) ?? null, now });
        outbox.push({ topic: 'alerts', key: account.id, value: message });
        this.alertsRaised.inc({ kind: decision.kind });
        this.logger.log({ msg: 'alert raised', alertId, kind: decision.kind, account: account.id, state: assessment.state, score: assessment.score });
      }
    }
    await store.saveHealth(rows, changed, now);
    await store.enqueue(outbox);
  }
}
