import { parseSnoozeHours } from './snooze-hours';

describe('how long a snooze lasts', () => {
  it('snoozes for a day unless told otherwise, at most 30 days', () => {
    expect(parseSnoozeHours(undefined)).toBe(24);
    expect(parseSnoozeHours('72')).toBe(72);
    expect(parseSnoozeHours(0)).toBeNull();
    expect(parseSnoozeHours(721)).toBeNull();
    expect(parseSnoozeHours('soon')).toBeNull();
  });
});
