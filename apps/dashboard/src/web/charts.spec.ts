import { historyChart, sparkline, sparklinePath, stepPath } from './charts';

describe('the trend sparkline', () => {
  const size = { width: 100, height: 20, pad: 0 };

  it('draws full scores along the top and zero along the bottom', () => {
    expect(sparklinePath([100, 0], size)).toBe('M0,0L100,20');
  });

  it('spaces the days evenly from left to right', () => {
    expect(sparklinePath([100, 50, 100, 50, 100], size)).toBe('M0,0L25,10L50,0L75,10L100,0');
  });

  it('clamps scores outside 0–100 and draws nothing for no data', () => {
    expect(sparklinePath([150, -5], size)).toBe('M0,0L100,20');
    expect(sparklinePath([], size)).toBe('');
  });

  it('tells screen readers how the score moved', () => {
    const svg = sparkline([90, 70, 40], 'at_risk').value;
    expect(svg).toContain('aria-label="Score over 14 days: from 90 to 40"');
    expect(svg).toContain('#b34700');
  });
});

describe('the history chart', () => {
  const from = new Date('2026-11-01T00:00:00Z');
  const to = new Date('2026-11-11T00:00:00Z');
  const size = { width: 100, height: 100, pad: 0 };

  it('holds each score until the next change, then steps to it, and holds the last until now', () => {
    const path = stepPath([{ at: '2026-11-01T00:00:00Z', score: 100, state: 'healthy' }, { at: '2026-11-06T00:00:00Z', score: 40, state: 'at_risk' }], from, to, size);
    expect(path).toBe('M0,0H50V60H100');
  });

  it('puts changes from before the window at its left edge', () => {
    expect(stepPath([{ at: '2026-10-01T00:00:00Z', score: 50, state: 'at_risk' }], from, to, size)).toBe('M0,50H100');
  });

  it('labels the state bands with their words and says where the score is now', () => {
    const svg = historyChart([{ at: from, score: 30, state: 'firestorm' }], from, to, { from: '1 Nov', to: 'now' }).value;
    expect(svg).toContain('<span class="state">at risk</span>');
    expect(svg).toContain('now 30, lowest 30.');
    expect(svg).toContain('<span>1 Nov</span><span>now</span>');
  });

  it('stays readable with a few points: a dot and the score at each change, and the lowest named', () => {
    const chart = historyChart([{ at: from, score: 100, state: 'healthy' }, { at: '2026-11-06T00:00:00Z', score: 20, state: 'firestorm' }], from, to, { from: '1 Nov', to: 'now' }).value;
    expect(chart.match(/class="history-dot/g)).toHaveLength(2);
    expect(chart).toContain('style="left:50%;top:80%"><span class="history-score">20</span>');
    expect(chart).toContain('now 20, lowest 20.');
  });

  it('marks escalations, meetings and alerts by shape, names them, and leaves out what is outside the window', () => {
    const chart = historyChart([{ at: from, score: 60, state: 'watch' }], from, to, { from: '1 Nov', to: 'now' }, [
      { at: '2026-11-03T12:00:00Z', kind: 'escalation', label: 'Escalated to level 2' },
      { at: '2026-11-08T00:00:00Z', kind: 'alert', label: 'Heads-up alert: firestorm 0/100' },
      { at: '2026-10-01T00:00:00Z', kind: 'meeting', label: 'QBR' },
    ]).value;
    expect(chart).toContain('Marked: 1 escalation, 1 alert.');
    expect(chart).toContain('class="history-mark mark-escalation" style="left:25%" title="Escalated to level 2"><span aria-hidden="true">▲</span>');
    expect(chart).not.toContain('QBR');
  });
});
