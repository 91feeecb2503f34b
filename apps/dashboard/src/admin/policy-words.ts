import type { HealthPolicy } from '@forewarn/health';

const SEVERITY = ['critical', 'high', 'medium', 'low'];
const STATE: Record<string, string> = { watch: 'watch', at_risk: 'at risk', firestorm: 'firestorm' };

/** The health policy as an admin reads it: what costs how many points, where each state begins, which rules force a state. */
export function policyInWords(p: HealthPolicy): { heading: string; lines: string[] }[] {
  const bySeverity = (weights: Record<string, number>) => SEVERITY.map((word, i) => `${word} ${weights[String(i + 1)]}`).join(', ');
  const when = (w: HealthPolicy['hardRules'][number]['when']): string => [
    w.severityAtMost !== undefined ? `severity ${SEVERITY[w.severityAtMost - 1]} or worse` : null,
    w.escalationLevelAtLeast !== undefined ? `escalated to level ${w.escalationLevelAtLeast} or more` : null,
    w.rejected ? 'a resolution rejected' : null,
    w.reopened ? 'reopened' : null,
    w.handoffsAtLeast !== undefined ? `handed over ${w.handoffsAtLeast} times or more` : null,
    w.slaBreached ? 'an SLA breached' : null,
    w.openForHoursAtLeast !== undefined ? `open ${w.openForHoursAtLeast} h or more` : null,
    w.meetingWithinHours !== undefined ? `a meeting or renewal within ${w.meetingWithinHours} h` : null,
  ].filter(Boolean).join(', ');
  return [
    {
      heading: 'States',
      lines: [
        `Healthy from ${p.thresholds.watch} points up; watch below ${p.thresholds.watch}; at risk below ${p.thresholds.at_risk}; firestorm below ${p.thresholds.firestorm}.`,
        `A briefing goes out ${p.briefing.hoursBefore} h before a meeting with an account at ${STATE[p.briefing.minState] ?? p.briefing.minState} or worse.`,
      ],
    },
    {
      heading: 'Points off the score of 100',
      lines: [
        `Each open case by severity: ${bySeverity(p.openCases.weightBySeverity)}.`,
        `Each escalation level: ${p.escalations.perLevel}; the oldest escalation ${p.oldestEscalation.perDay} a day after ${p.oldestEscalation.graceHours} h, at most ${p.oldestEscalation.max}.`,
        `A rejected resolution: ${p.rejectedResolution.weight}; a reopened case: ${p.reopened.weight}; an SLA breach: ${p.slaBreach.weight}.`,
        `Handed over ${p.handoffs.atLeast} times: ${p.handoffs.weight}, and ${p.handoffs.perExtra} for each further hand-off.`,
        `Nobody updated a case in time (${bySeverity(p.stale.expectedUpdateHours)} hours): ${bySeverity(p.stale.weightBySeverity)}.`,
        `Negative customer comments in the last ${p.negativeComments.withinDays} days: ${p.negativeComments.weight} each, at most ${p.negativeComments.max}.`,
        `A CSAT of ${p.poorSurveys.csatAtMost} or less, or an NPS of ${p.poorSurveys.npsAtMost} or less, in the last ${p.poorSurveys.withinDays} days: ${p.poorSurveys.weight}.`,
        `Resolved problems fade with a half-life of ${p.decay.halfLifeDays} days and are forgotten after ${p.decay.forgetAfterDays}.`,
      ],
    },
    {
      heading: 'What makes it weigh more',
      lines: [
        `Tiers: ${Object.entries(p.salesWeighting.tiers).map(([tier, m]) => `${tier} ×${m}`).join(', ')}.`,
        ...p.salesWeighting.arrBands.map((b) => `ARR of ${b.atLeast.toLocaleString('en-US')} or more: ×${b.multiplier}.`),
        ...p.salesWeighting.nearness.map((n) => `A meeting or renewal within ${n.withinHours} h: ×${n.multiplier}.`),
        `Never more than ×${p.salesWeighting.maxMultiplier} in all.`,
      ],
    },
    {
      heading: 'Hard rules (a state whatever the score)',
      lines: p.hardRules.length ? p.hardRules.map((r) => `${STATE[r.state] ?? r.state}: ${r.description} (${when(r.when)}).`) : ['None.'],
    },
  ];
}
