import { parseDuration } from './cli-support';

describe('durations on the command line', () => {
  it('reads 0 and a number with one unit', () => {
    expect(['0', '1500ms', '3s', '90s', '30m', '24h', '7d', '0.5h'].map(parseDuration)).toEqual([0, 1_500, 3_000, 90_000, 1_800_000, 86_400_000, 604_800_000, 1_800_000]);
  });

  it('refuses what is not a duration, and a bare number that is not 0 (seconds or hours?)', () => {
    expect(['', '24', 'h', '-1h', '1 day', '2w', '1h30m'].map(parseDuration)).toEqual([null, null, null, null, null, null, null]);
  });
});
