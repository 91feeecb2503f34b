import type { AcknowledgementClaim, FeedbackClaimsRepository, User } from '@forewarn/database';
import type { AlertView } from './alert.types';
import type { AlertsReadModel } from './alerts.read-model';
import { AlertsService } from './alerts.service';

const admin: User = { email: 'ada@sales.example', name: 'Ada', role: 'admin', team: null };
const alert = (id: string, acknowledged: AlertView['acknowledged'] = null): AlertView => ({
  id, accountId: 'acme', accountName: 'Acme', kind: 'state_changed', state: 'at_risk', previousState: 'watch', score: 40, createdAt: '2025-01-01T00:00:00.000Z',
  headline: null, acknowledged, deliveries: [],
});
const claim = (alertId: string, email: string): AcknowledgementClaim => ({
  alertId, accountId: 'acme', state: 'at_risk', by: { email, name: null }, via: 'dashboard', at: new Date('2025-01-01T01:00:00.000Z'),
});

describe('alerts with who acknowledged them', () => {
  it("shows the first acknowledgement the dashboard published over the notifier's, and the notifier's where the dashboard has none", async () => {
    const byNotifier = { by: { email: 'nina@sales.example', name: 'Nina' }, at: '2025-01-01T02:00:00.000Z', via: 'email' };
    const readModel = { list: async () => [alert('a1', byNotifier), alert('a2', byNotifier), alert('a3')] };
    const claims = { acknowledgementsOf: async (ids: string[]) => new Map(ids.filter((id) => id !== 'a2').map((id) => [id, claim(id, 'dan@sales.example')])) };
    const service = new AlertsService(readModel as unknown as AlertsReadModel, claims as unknown as FeedbackClaimsRepository);
    const byDashboard = { by: { email: 'dan@sales.example', name: null }, at: '2025-01-01T01:00:00.000Z', via: 'dashboard' };
    expect((await service.list(admin, { accountId: null, kinds: [], limit: 10 })).map((a) => [a.id, a.acknowledged])).toEqual([
      ['a1', byDashboard], ['a2', byNotifier], ['a3', byDashboard],
    ]);
  });
});
