import { meetingStates, parseMeetingOptions } from './meetings.controller';

describe('which meetings a lead asks for', () => {
  it('"at risk" means accounts at risk or in a firestorm, not those only to watch', () => {
    expect(meetingStates(parseMeetingOptions({ atRisk: 'true' }))).toEqual(['at_risk', 'firestorm']);
  });

  it('state= lists the states wanted, and no filter means every meeting', () => {
    expect(meetingStates(parseMeetingOptions({ state: 'watch,at risk' }))).toEqual(['watch', 'at_risk']);
    expect(meetingStates(parseMeetingOptions({}))).toBeNull();
  });

  it('atRisk=true narrows state= to the states at risk', () => {
    expect(meetingStates(parseMeetingOptions({ state: 'watch,firestorm', atRisk: 'true' }))).toEqual(['firestorm']);
  });

  it('an unknown state is refused by name', () => {
    expect(() => parseMeetingOptions({ state: 'burning' })).toThrow(/state has unknown value "burning"/);
  });
});
