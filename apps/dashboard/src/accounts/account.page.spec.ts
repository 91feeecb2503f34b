import { chartStart } from './account.page';

const now = new Date('2026-12-07T08:00:00Z');

describe('where the history chart starts', () => {
  it('shows the whole period when the history reaches back before it', () => {
    expect(chartStart([{ at: '2026-10-01T00:00:00Z' }], now, 30)).toEqual({ from: new Date('2026-11-07T08:00:00Z'), zoomed: false });
    expect(chartStart([], now, 30).zoomed).toBe(false);
  });

  it('starts a little before the first change of a short history, so one drop is not squeezed against now', () => {
    const { from, zoomed } = chartStart([{ at: '2026-12-05T08:00:00Z' }, { at: '2026-12-06T08:00:00Z' }], now, 30);
    expect(zoomed).toBe(true);
    expect(from.toISOString()).toBe('2026-12-04T08:00:00.000Z');
  });
});
