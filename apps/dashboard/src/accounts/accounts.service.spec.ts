import type { AudienceBook } from '@forewarn/alerting';
import type { User } from '@forewarn/database';
import type { AlertsService } from '../alerts/alerts.service';
import type { AccountFilters, AccountsReadModel, StateCounts } from './accounts.read-model';
import { AccountsService } from './accounts.service';
import type { SupportNotesReadModel } from './support-notes.read-model';

const admin: User = { email: 'ada@sales.example', name: 'Ada', role: 'admin', team: null };
const filters: AccountFilters = { states: [], team: null, owner: null, q: null, sort: 'risk' };
const counts = (firestorm: number): StateCounts => ({ healthy: 0, watch: 0, at_risk: 0, firestorm });

/** The service over a query whose counts resolve when the test says so. */
function serviceWithCounts() {
  const pending: ((c: StateCounts) => void)[] = [];
  const query = {
    list: async () => [],
    countByState: jest.fn(() => new Promise<StateCounts>((resolve) => pending.push(resolve))),
  };
  const service = new AccountsService(query as unknown as AccountsReadModel, {} as AlertsService, {} as AudienceBook, {} as SupportNotesReadModel);
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { service, query, pending, flush };
}

describe('the overview counts, cached for 5 s', () => {
  afterEach(() => jest.useRealTimers());

  it('are counted once for requests that miss together', async () => {
    const { service, query, pending, flush } = serviceWithCounts();
    const pages = [service.page(admin, filters), service.page(admin, filters), service.page(admin, filters)];
    await flush();
    expect(query.countByState).toHaveBeenCalledTimes(1);
    pending[0](counts(3));
    for (const page of await Promise.all(pages)) expect(page.total).toBe(3);
  });

  it('are reused for 5 s after they were counted, then counted again', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'], now: 0 });
    const { service, query, pending, flush } = serviceWithCounts();
    const first = service.page(admin, filters);
    await flush();
    jest.setSystemTime(1_000);
    pending[0](counts(1));
    expect((await first).total).toBe(1);

    jest.setSystemTime(5_999);
    expect((await service.page(admin, filters)).total).toBe(1);
    expect(query.countByState).toHaveBeenCalledTimes(1);

    jest.setSystemTime(6_000);
    const later = service.page(admin, filters);
    await flush();
    expect(query.countByState).toHaveBeenCalledTimes(2);
    pending[1](counts(2));
    expect((await later).total).toBe(2);
  });

  it('are not kept when counting fails', async () => {
    const { service, query, flush } = serviceWithCounts();
    query.countByState.mockRejectedValueOnce(new Error('connection lost'));
    await expect(service.page(admin, filters)).rejects.toThrow('connection lost');
    await flush();
    const next = service.page(admin, filters);
    await flush();
    expect(query.countByState).toHaveBeenCalledTimes(2);
    void next.catch(() => undefined);
  });
});
