import { accountKeyOf, type AccountRef, accountRefOf, type AccountUpsertedData, type InboundEvent } from '@forewarn/contracts';
import { type CaseFact, type CaseState, foldCase, foldMeeting, isOpen, type MeetingFact } from '@forewarn/health';
import { type ProjectionStore, referenceKey } from './projection.store';

type AccountUpserted = Extract<InboundEvent, { type: 'forewarn.account.upserted' }>;

/** Cases written per statement while folding. */
const CASES_PER_WRITE = 2_000;

/**
 * A full rebuild of the projections from the whole topic, for `forewarn replay`, in the caller's
 * transaction on empty tables. It reaches what the live projector reaches event by event, with
 * each row written once:
 *
 * 1. `noteAccounts` over the whole topic: the newest upsert of each account (by event time; on a
 *    tie the later one, as the live upsert keeps it), then `saveAccounts`.
 * 2. `storeEvents` over the whole topic again: each event stored with the account it resolves to
 *    (id, then the source's external id, then the domain: the live precedence), looked up once
 *    per distinct reference. An event whose account arrived after it is stored mapped, as the
 *    live projector's claim would have left it; one no account matches stays unmapped.
 * 3. `foldAll`: every case and meeting folded once from all its events, read back in order.
 *
 * Health is then scored once per account by `Projector.recompute` with the cause `replay`.
 * One difference from the live path, on purpose: an event is mapped by the accounts as they are
 * at the end of the topic, not as they were when it arrived — a rebuild applies what is known now.
 */
export class Rebuild {
  private readonly newest = new Map<string, { data: AccountUpsertedData; time: string; at: number }>();
  private readonly resolved = new Map<string, string | null>();

  constructor(private readonly store: ProjectionStore) {}

  /** Pass 1: keeps the newest upsert of each account; other events are ignored. */
  noteAccounts(events: readonly InboundEvent[]): void {
    for (const event of events) {
      if (event.type !== 'forewarn.account.upserted') continue;
      const { data } = event as AccountUpserted;
      const at = Date.parse(event.time);
      const known = this.newest.get(data.id);
      if (!known || known.at <= at) this.newest.set(data.id, { data, time: event.time, at });
    }
  }

  /** Between the passes: the accounts as the end of the topic leaves them. */
  async saveAccounts(): Promise<number> {
    for (const { data, time } of this.newest.values()) await this.store.upsertAccount(data, time);
    return this.newest.size;
  }

  /** Pass 2: stores a chunk of events, each with its account (null: unmapped). Returns how many were new. */
  async storeEvents(events: readonly InboundEvent[]): Promise<number> {
    const unknown = new Map<string, { ref: AccountRef; source: string }>();
    // Per event, in order; an upsert's account is its own.
    const refKeys = events.map((event) => (event.type === 'forewarn.account.upserted' ? null : referenceKey(event)));
    events.forEach((event, i) => {
      const key = refKeys[i];
      if (key !== null && !this.resolved.has(key)) unknown.set(key, { ref: accountRefOf(event), source: event.source });
    });
    const found = await this.store.resolveAccounts([...unknown.values()]);
    [...unknown.keys()].forEach((key, i) => this.resolved.set(key, found[i]));
    const inserted = await this.store.insertEvents(events.map((event, i) => {
      const key = refKeys[i];
      return { event, accountKey: accountKeyOf(event), accountId: key === null ? (event as AccountUpserted).data.id : this.resolved.get(key) };
    }));
    return inserted.length;
  }

  /** Folds every mapped case and meeting from its stored events and saves them. */
  async foldAll(): Promise<{ cases: number; meetings: number }> {
    let pending: { accountId: string; state: CaseState; isOpen: boolean }[] = [];
    const cases = await this.store.eachSubjectFacts<CaseFact>('case', async (accountId, subjectId, facts) => {
      const state = foldCase(subjectId, facts);
      pending.push({ accountId, state, isOpen: isOpen(state) });
      if (pending.length >= CASES_PER_WRITE) {
        await this.store.saveCases(pending);
        pending = [];
      }
    });
    await this.store.saveCases(pending);
    let meetings = 0;
    await this.store.eachSubjectFacts<MeetingFact>('meeting', async (accountId, subjectId, facts) => {
      const state = foldMeeting(subjectId, facts);
      if (!state) return;
      await this.store.saveMeetings([{ accountId, state }]);
      meetings += 1;
    });
    return { cases, meetings };
  }
}
