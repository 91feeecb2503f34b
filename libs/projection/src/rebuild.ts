import { Injectable, Scope } from '@nestjs/common';
import { accountKeyOf, type AccountRef, accountRefOf, type AccountReferenceAddedData, type AccountUpsertedData, type InboundEvent, ownAccountOf } from '@forewarn/contracts';
import { AccountsRepository, CasesRepository, EventsRepository, HealthRepository, MeetingsRepository } from '@forewarn/database';
import { type CaseFact, type CaseState, foldCase, foldMeeting, type HealthPolicy, isOpen, type MeetingFact } from '@forewarn/health';
import { Projector, referenceKey } from './projector';

type AccountUpserted = Extract<InboundEvent, { type: 'forewarn.account.upserted' }>;

/** Cases written per statement while folding. */
const CASES_PER_WRITE = 2_000;
/** Accounts scored per statement set at the end. */
const ACCOUNTS_PER_SCORE = 2_000;

/**
 * A full rebuild of the projections from the whole topic, for `forewarn replay`, in the caller's
 * unit of work. It reaches what the live projector reaches event by event, with each row written once:
 *
 * 0. `clear`: empties what is rebuilt from the topic.
 * 1. `noteAccounts` over the whole topic: the newest upsert of each account (by event time; on a
 *    tie the later one, as the live upsert keeps it) and the references admins mapped to accounts,
 *    then `saveAccounts`.
 * 2. `storeEvents` over the whole topic again: each event stored with the account it resolves to
 *    (id, then the source's external id, then the domain: the live precedence), looked up once
 *    per distinct reference. An event whose account arrived after it is stored mapped, as the
 *    live projector's claim would have left it; one no account matches stays unmapped.
 * 3. `foldAll`: unmapped events of a case take the account of its mapped events (same source and
 *    case id), then every case and meeting is folded once from all its events, read back in order.
 * 4. `scoreAll`: health scored once per account by `Projector.recompute` with the cause `replay`.
 *
 * One difference from the live path, on purpose: an event is mapped by the accounts as they are
 * at the end of the topic, not as they were when it arrived — a rebuild applies what is known now.
 * It remembers what it has read, so each rebuild gets an instance of its own (`app.resolve(Rebuild)`).
 */
@Injectable({ scope: Scope.TRANSIENT })
export class Rebuild {
  private readonly newest = new Map<string, { data: AccountUpsertedData; time: string; at: number }>();
  private readonly references: { data: AccountReferenceAddedData; time: string }[] = [];
  private readonly resolved = new Map<string, string | null>();

  constructor(
    private readonly events: EventsRepository,
    private readonly accounts: AccountsRepository,
    private readonly cases: CasesRepository,
    private readonly meetings: MeetingsRepository,
    private readonly health: HealthRepository,
    private readonly projector: Projector,
  ) {}

  /** Empties what is rebuilt from the topic. Health, history, alerts and briefings stay (they are what people were told). */
  async clear(): Promise<void> {
    await this.events.deleteAll();
    await this.cases.deleteAll();
    await this.meetings.deleteAll();
    await this.accounts.deleteAll();
  }

  /** Pass 1: keeps the newest upsert of each account, and every reference mapped to one; other events are ignored. */
  noteAccounts(events: readonly InboundEvent[]): void {
    for (const event of events) {
      if (event.type === 'forewarn.account.reference_added') this.references.push({ data: event.data, time: event.time });
      if (event.type !== 'forewarn.account.upserted') continue;
      const { data } = event as AccountUpserted;
      const at = Date.parse(event.time);
      const known = this.newest.get(data.id);
      if (!known || known.at <= at) this.newest.set(data.id, { data, time: event.time, at });
    }
  }

  /** Between the passes: the accounts as the end of the topic leaves them. */
  async saveAccounts(): Promise<number> {
    const newest = [...this.newest.values()].map(({ data, time }) => ({ data, time, eventId: '' }));
    for (let i = 0; i < newest.length; i += 1000) await this.accounts.upsertMany(newest.slice(i, i + 1000));
    for (const { data, time } of this.references) await this.accounts.addReferences(data, time);
    return this.newest.size;
  }

  /** Pass 2: stores a chunk of events, each with its account (null: unmapped). Returns how many were new. */
  async storeEvents(events: readonly InboundEvent[]): Promise<number> {
    const unknown = new Map<string, { ref: AccountRef; source: string }>();
    // Per event, in order; an account event's account is its own.
    const refKeys = events.map((event) => (ownAccountOf(event) !== null ? null : referenceKey(event)));
    events.forEach((event, i) => {
      const key = refKeys[i];
      if (key !== null && !this.resolved.has(key)) unknown.set(key, { ref: accountRefOf(event), source: event.source });
    });
    const found = await this.accounts.resolve([...unknown.values()]);
    [...unknown.keys()].forEach((key, i) => this.resolved.set(key, found[i]));
    const inserted = await this.events.insert(events.map((event, i) => {
      const key = refKeys[i];
      return { event, accountKey: accountKeyOf(event), accountId: key === null ? ownAccountOf(event) : this.resolved.get(key) };
    }));
    return inserted.length;
  }

  /** Folds every mapped case and meeting from its stored events and saves them (case events left unmapped first take their case's account). */
  async foldAll(): Promise<{ cases: number; meetings: number }> {
    await this.events.inheritCaseAccounts();
    let pending: { accountId: string; state: CaseState; isOpen: boolean }[] = [];
    const cases = await this.events.eachSubjectFacts<CaseFact>('case', async (accountId, subjectId, facts) => {
      const state = foldCase(subjectId, facts);
      pending.push({ accountId, state, isOpen: isOpen(state) });
      if (pending.length >= CASES_PER_WRITE) {
        await this.cases.save(pending);
        pending = [];
      }
    });
    await this.cases.save(pending);
    let meetings = 0;
    await this.events.eachSubjectFacts<MeetingFact>('meeting', async (accountId, subjectId, facts) => {
      const state = foldMeeting(subjectId, facts);
      if (!state) return;
      await this.meetings.save([{ accountId, state }]);
      meetings += 1;
    });
    return { cases, meetings };
  }

  /** Scores every account and drops the health of accounts that no longer exist; returns how many accounts' health changed. */
  async scoreAll(now: Date, policy: HealthPolicy): Promise<number> {
    const accountIds = await this.accounts.allIds();
    let changed = 0;
    for (let i = 0; i < accountIds.length; i += ACCOUNTS_PER_SCORE) changed += (await this.projector.recompute(accountIds.slice(i, i + ACCOUNTS_PER_SCORE), now, 'replay', policy)).changed;
    await this.health.dropOrphans();
    return changed;
  }

  /** What the projections hold now. */
  async counts(): Promise<{ events: number; accounts: number; cases: number; meetings: number }> {
    return { events: await this.events.count(), accounts: await this.accounts.count(), cases: await this.cases.count(), meetings: await this.meetings.count() };
  }
}
