import type { AlertRaised } from '@forewarn/contracts';
import { recipientsFor } from './recipients';

const alert = (state: AlertRaised['data']['state']): AlertRaised['data'] => ({
  kind: 'heads-up',
  account: {
    id: 'acme', name: 'Acme', team: 'enterprise', timezone: null,
    owner: { name: 'Riley', email: 'Riley@Sales.example' },
    lead: { name: 'Morgan', email: 'morgan@sales.example' },
    members: [{ email: 'riley@sales.example' }, { name: 'Jo', email: 'jo@sales.example' }],
  },
  state, previousState: null, score: 40, reasons: [], openCases: [], nextMeeting: null,
});

describe('recipients', () => {
  it('mails the owner and the account team, each address once', () => {
    expect(recipientsFor(alert('at_risk'))).toEqual([
      { email: 'riley@sales.example', name: 'Riley', role: 'owner' },
      { email: 'jo@sales.example', name: 'Jo', role: 'member' },
    ]);
  });

  it('adds the sales lead on a firestorm', () => {
    expect(recipientsFor(alert('firestorm')).map((r) => r.role)).toEqual(['owner', 'member', 'lead']);
  });
});
