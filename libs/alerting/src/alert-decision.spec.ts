import { decideAlert } from './alert-decision';

describe('alert decisions', () => {
  it('warns when an account gets worse than anything the team was told', () => {
    expect(decideAlert({ alertedState: null }, 'at_risk')).toEqual({ kind: 'heads-up', alertedState: 'at_risk' });
    expect(decideAlert({ alertedState: 'watch' }, 'firestorm')).toEqual({ kind: 'heads-up', alertedState: 'firestorm' });
  });

  it('stays quiet when the state is already known or improving but still unhealthy', () => {
    expect(decideAlert({ alertedState: 'at_risk' }, 'at_risk')).toEqual({ kind: null, alertedState: 'at_risk' });
    expect(decideAlert({ alertedState: 'firestorm' }, 'watch')).toEqual({ kind: null, alertedState: 'firestorm' });
  });

  it('gives the all-clear when a warned account is healthy again, and only then', () => {
    expect(decideAlert({ alertedState: 'firestorm' }, 'healthy')).toEqual({ kind: 'all-clear', alertedState: null });
    expect(decideAlert({ alertedState: null }, 'healthy')).toEqual({ kind: null, alertedState: null });
  });
});
