import { foldCase, isOpen } from '@forewarn/health';
import type { AccountUpsertedData } from '@forewarn/contracts';
import type { AccountsRepository } from '@forewarn/database';
import { parseMessages, type RawMessage } from './projector';
import { Rebuild } from './rebuild';

const T = Date.UTC(2026, 10, 25, 9, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

/** A message as a producer writing straight to Kafka would put it there: its own source and time. */
const message = (receivedAt: number, event: Record<string, unknown>): RawMessage => ({
  timestamp: receivedAt,
  value: Buffer.from(JSON.stringify({ specversion: '1.0', source: '/sources/direct', ...event })),
});
const upsert = (id: string, time: number, ownerEmail: string) => ({ id, type: 'forewarn.account.upserted', time: iso(time), data: { id: 'acme', name: 'Acme', owner: { email: ownerEmail } } });
const caseEvent = (id: string, type: string, time: number) => ({ id, type: `forewarn.case.${type}`, time: iso(time), data: { account: { id: 'acme' }, case: { id: 'ZD-1' } } });

describe('events from the future, written to Kafka directly', () => {
  it('orders an event dated days ahead at the time it was received, keeping the time it claimed', () => {
    const { events, rejected } = parseMessages([message(T, upsert('u1', T + 2 * DAY, 'someone@else.example'))], T + MINUTE);
    expect(rejected).toEqual([]);
    expect(events[0]).toMatchObject({ time: iso(T), forewarnclaimedtime: iso(T + 2 * DAY) });
  });

  it('leaves times within five minutes of receipt as they are, and never trusts a broker timestamp later than now', () => {
    const { events } = parseMessages([
      message(T, caseEvent('c1', 'opened', T + 4 * MINUTE)),
      message(T + DAY, caseEvent('c2', 'commented', T + DAY)),
    ], T);
    expect(events.map((e) => [e.time, e.forewarnclaimedtime])).toEqual([[iso(T + 4 * MINUTE), undefined], [iso(T), iso(T + DAY)]]);
  });

  it('does not let an owner change dated two days ahead win over the next real update of the account', async () => {
    const { events } = parseMessages([
      message(T, upsert('hijack', T + 2 * DAY, 'someone@else.example')),
      message(T + MINUTE, upsert('real', T + MINUTE, 'rep@vendor.example')),
    ], T + MINUTE);
    const saved: { data: AccountUpsertedData; time: string }[] = [];
    const accounts = { upsertMany: async (upserts: { data: AccountUpsertedData; time: string }[]) => void saved.push(...upserts) } as unknown as AccountsRepository;
    const unused = {} as never; // this pass writes accounts only
    const rebuild = new Rebuild(unused, accounts, unused, unused, unused, unused);
    rebuild.noteAccounts(events);
    await rebuild.saveAccounts();
    expect(saved.map((s) => s.data.owner.email)).toEqual(['rep@vendor.example']);
  });

  it('does not let a resolution dated ahead outlast a reopening that really came after it', () => {
    const { events } = parseMessages([
      message(T, caseEvent('c1', 'opened', T)),
      message(T + MINUTE, caseEvent('c2', 'resolved', T + 3 * DAY)),
      message(T + 2 * MINUTE, caseEvent('c3', 'reopened', T + 2 * MINUTE)),
    ], T + 2 * MINUTE);
    const state = foldCase('ZD-1', events.map((e, seq) => ({ type: e.type, time: e.time, seq, data: e.data as never })));
    expect(isOpen(state)).toBe(true);
    expect(state.reopenCount).toBe(1);
  });
});
