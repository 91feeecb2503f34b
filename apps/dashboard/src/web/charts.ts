import type { HealthState } from '@forewarn/contracts';
import { STATE_COLOUR, STATE_WORD, isHealthState } from './format';
import { type Html, html } from './html';

export interface Size {
  width: number;
  height: number;
  /** Space kept free inside the box so strokes are not clipped. */
  pad: number;
}

const round = (n: number): string => (Math.round(n * 10) / 10).toString();

/** y for a score (0 at the bottom, 100 at the top). */
const yFor = (score: number, size: Size): number => size.pad + (1 - Math.min(100, Math.max(0, score)) / 100) * (size.height - 2 * size.pad);

/** The SVG path of a sparkline through `scores` (0–100), evenly spaced left to right. */
export function sparklinePath(scores: readonly number[], size: Size): string {
  if (scores.length === 0) return '';
  const step = scores.length > 1 ? (size.width - 2 * size.pad) / (scores.length - 1) : 0;
  return scores.map((s, i) => `${i === 0 ? 'M' : 'L'}${round(size.pad + i * step)},${round(yFor(s, size))}`).join('');
}

const SPARK: Size = { width: 112, height: 28, pad: 2 };

/** The overview's 14-day trend: a small line, coloured by today's state, with a text alternative. */
export function sparkline(scores: readonly number[], state: HealthState): Html {
  if (scores.length === 0) return html``;
  const first = scores[0];
  const last = scores[scores.length - 1];
  const change = last === first ? `steady at ${last}` : `from ${first} to ${last}`;
  const lastX = SPARK.width - SPARK.pad;
  return html`<svg class="spark" viewBox="0 0 ${SPARK.width} ${SPARK.height}" width="${SPARK.width}" height="${SPARK.height}" role="img" aria-label="Score over 14 days: ${change}"><title>Score over 14 days: ${change}</title><line x1="${SPARK.pad}" x2="${lastX}" y1="${round(yFor(60, SPARK))}" y2="${round(yFor(60, SPARK))}" class="spark-ref"/><path d="${sparklinePath(scores, SPARK)}" fill="none" stroke="${STATE_COLOUR[state]}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/><circle cx="${lastX}" cy="${round(yFor(last, SPARK))}" r="2.5" fill="${STATE_COLOUR[state]}"/></svg>`;
}

export interface HistoryPoint {
  at: Date | string;
  score: number;
  state: string;
}

/**
 * A step path: the score holds until the next change, then jumps. Time runs from `from` to `to`
 * across the width; the last score holds until `to`.
 */
export function stepPath(points: readonly HistoryPoint[], from: Date, to: Date, size: Size): string {
  const span = Math.max(1, to.getTime() - from.getTime());
  const xFor = (at: Date | string) => size.pad + ((Math.min(to.getTime(), Math.max(from.getTime(), new Date(at).getTime())) - from.getTime()) / span) * (size.width - 2 * size.pad);
  const ordered = [...points].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  if (ordered.length === 0) return '';
  let d = `M${round(xFor(ordered[0].at))},${round(yFor(ordered[0].score, size))}`;
  for (let i = 1; i < ordered.length; i++) {
    const x = round(xFor(ordered[i].at));
    d += `H${x}V${round(yFor(ordered[i].score, size))}`;
  }
  return `${d}H${round(size.width - size.pad)}`;
}

/** The state bands of the default health policy, top (healthy) to bottom (firestorm). */
const BANDS: { state: HealthState; from: number; to: number }[] = [
  { state: 'healthy', from: 80, to: 100 },
  { state: 'watch', from: 60, to: 80 },
  { state: 'at_risk', from: 35, to: 60 },
  { state: 'firestorm', from: 0, to: 35 },
];

const BAND_FILL: Record<HealthState, string> = { healthy: '#eef7f0', watch: '#fbf5e6', at_risk: '#fdf0e6', firestorm: '#fbeceb' };

/**
 * How the account got here: its score over time as a step line over the four state bands, with
 * the dates at both ends. The SVG stretches to any width (so it reads on a phone as on a laptop);
 * the words are HTML beside it, so they never shrink. `points` should start with the score the
 * window opened with.
 */
export function historyChart(points: readonly HistoryPoint[], from: Date, to: Date, labels: { from: string; to: string }): Html {
  const size: Size = { width: 600, height: 160, pad: 0 };
  const bands = BANDS.map((b) => {
    const y1 = yFor(b.to, size);
    const y2 = yFor(b.from, size);
    return html`<rect x="0" y="${round(y1)}" width="${size.width}" height="${round(y2 - y1)}" fill="${BAND_FILL[b.state]}"/>`;
  });
  const legend = BANDS.map((b) => html`<span class="s-${b.state}" style="flex:${b.to - b.from}"><span class="state">${STATE_WORD[b.state]}</span></span>`);
  const path = stepPath(points, from, to, size);
  const ordered = [...points].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  const last = ordered[ordered.length - 1] ?? null;
  const colour = last && isHealthState(last.state) ? STATE_COLOUR[last.state] : '#333';
  const summary = last ? `Score from ${labels.from} to ${labels.to}: ${ordered.map((p) => p.score).join(', ')}; now ${last.score}.` : 'No score history yet.';
  return html`<figure class="history">
<div class="history-plot"><div class="history-legend" aria-hidden="true">${legend}</div>
<svg viewBox="0 0 ${size.width} ${size.height}" preserveAspectRatio="none" role="img" aria-label="${summary}"><title>${summary}</title>${bands}<path d="${path}" fill="none" stroke="${colour}" stroke-width="3" stroke-linejoin="round" vector-effect="non-scaling-stroke"/></svg></div>
<figcaption class="history-axis"><span>${labels.from}</span><span>${labels.to}</span></figcaption>
</figure>`;
}
