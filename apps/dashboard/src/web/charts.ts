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

/** Something that happened, marked on the history chart: an escalation, a meeting, an alert. */
export interface ChartMarker {
  at: Date | string;
  kind: 'escalation' | 'meeting' | 'alert';
  /** What it was, in words ("Escalated to level 2: revenue impact"). */
  label: string;
}

/** Shapes tell the markers apart without colour (UI.md: never colour alone). */
const MARKER_SYMBOL: Record<ChartMarker['kind'], string> = { escalation: '▲', meeting: '◆', alert: '●' };
const MARKER_WORD: Record<ChartMarker['kind'], [string, string]> = { escalation: ['escalation', 'escalations'], meeting: ['meeting', 'meetings'], alert: ['alert', 'alerts'] };
/** With more changes than this, only the lowest, the highest and the last are labelled. */
const LABELLED_CHANGES = 12;

const percent = (n: number): string => `${(Math.round(n * 10) / 10).toString()}%`;

/**
 * How the account got here: its score over time as a step line over the four state bands, a dot
 * and its score at every change (so a short history with one drop still says from what to what),
 * and markers for escalations, meetings and alerts. The SVG stretches to any width (so it reads on
 * a phone as on a laptop); the words, dots and markers are HTML over it, so they never stretch.
 * `points` should start with the score the window opened with.
 */
export function historyChart(points: readonly HistoryPoint[], from: Date, to: Date, labels: { from: string; to: string }, markers: readonly ChartMarker[] = []): Html {
  const size: Size = { width: 600, height: 160, pad: 0 };
  const span = Math.max(1, to.getTime() - from.getTime());
  const xPercent = (at: Date | string) => (Math.min(to.getTime(), Math.max(from.getTime(), new Date(at).getTime())) - from.getTime()) / span * 100;
  const yPercent = (score: number) => (1 - Math.min(100, Math.max(0, score)) / 100) * 100;
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
  const inWindow = markers.filter((m) => { const t = new Date(m.at).getTime(); return t >= from.getTime() && t <= to.getTime(); });
  const counts = (Object.keys(MARKER_WORD) as ChartMarker['kind'][])
    .map((kind) => [kind, inWindow.filter((m) => m.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${MARKER_WORD[kind][n === 1 ? 0 : 1]}`);
  const scores = ordered.map((p) => p.score);
  const summary = last
    ? `Score from ${labels.from} to ${labels.to}: ${scores.join(', ')}; now ${last.score}, lowest ${Math.min(...scores)}.${counts.length ? ` Marked: ${counts.join(', ')}.` : ''}`
    : 'No score history yet.';
  // A dot at each change; its score written beside it when there are few, else at the lowest, highest and last.
  const low = Math.min(...scores);
  const high = Math.max(...scores);
  const dots = ordered.map((p, i) => {
    const labelled = ordered.length <= LABELLED_CHANGES || i === ordered.length - 1 || p.score === low || p.score === high;
    const state = isHealthState(p.state) ? p.state : 'healthy';
    return html`<span class="history-dot s-${state}" style="left:${percent(xPercent(p.at))};top:${percent(yPercent(p.score))}">${labelled ? html`<span class="history-score">${p.score}</span>` : ''}</span>`;
  });
  const marks = inWindow.map((m) => html`<span class="history-mark mark-${m.kind}" style="left:${percent(xPercent(m.at))}" title="${m.label}"><span aria-hidden="true">${MARKER_SYMBOL[m.kind]}</span></span>`);
  const key = counts.length
    ? html`<p class="history-key sub" aria-hidden="true">${(Object.keys(MARKER_WORD) as ChartMarker['kind'][]).filter((k) => inWindow.some((m) => m.kind === k)).map((k) => html`<span class="mark-${k}">${MARKER_SYMBOL[k]} ${MARKER_WORD[k][1]}</span>`)}</p>`
    : '';
  return html`<figure class="history">
<div class="history-plot"><div class="history-legend" aria-hidden="true">${legend}</div>
<div class="history-area"><svg viewBox="0 0 ${size.width} ${size.height}" preserveAspectRatio="none" role="img" aria-label="${summary}"><title>${summary}</title>${bands}<path d="${path}" fill="none" stroke="${colour}" stroke-width="3" stroke-linejoin="round" vector-effect="non-scaling-stroke"/></svg>
<div class="history-overlay" aria-hidden="true">${dots}${marks}</div></div></div>
<figcaption class="history-axis"><span>${labels.from}</span><span>${labels.to}</span></figcaption>
${key}
</figure>`;
}
