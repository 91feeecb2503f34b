import { z } from 'zod';

/** Health states, from calm to loud (CONTRACT.md, "Dashboard API"). */
export const HEALTH_STATES = ['healthy', 'watch', 'at_risk', 'firestorm'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const healthStateRank = (state: HealthState): number => HEALTH_STATES.indexOf(state);

/** What a reason points at, so a rep can check it: which case, since when, what was said. */
export const evidenceSchema = z.object({
  caseId: z.string().optional(),
  title: z.string().optional(),
  url: z.string().optional(),
  since: z.string().optional(),
  who: z.string().optional(),
  quote: z.string().optional(),
  detail: z.string().optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const healthReasonSchema = z.object({
  /** Stable machine name of the signal, e.g. `rejected_resolution`. */
  code: z.string(),
  /** The sentence a rep would say to a colleague. */
  label: z.string(),
  /** Points this reason takes off the score of 100. */
  weight: z.number(),
  evidence: z.array(evidenceSchema),
});
export type HealthReason = z.infer<typeof healthReasonSchema>;

export const healthChangedSchema = z.object({
  specversion: z.literal('1.0'),
  type: z.literal('forewarn.health.changed'),
  id: z.string(),
  source: z.string(),
  time: z.string(),
  data: z.object({
    accountId: z.string(),
    accountName: z.string(),
    state: z.enum(HEALTH_STATES),
    previousState: z.enum(HEALTH_STATES).nullable(),
    score: z.number(),
    previousScore: z.number().nullable(),
    reasons: z.array(healthReasonSchema),
    /** Set when a hard rule of the health policy decided the state. */
    forcedBy: z.string().nullable().optional(),
    /** The `version` of the health policy that produced this assessment. */
    policyVersion: z.string().optional(),
    /** What caused the re-evaluation: new events, the periodic sweep, a policy reload, or a replay. */
    cause: z.enum(['events', 'sweep', 'policy', 'replay']).optional(),
  }),
});
/** A message on `<prefix>health.v1`: every change of an account's health state. */
export type HealthChanged = z.infer<typeof healthChangedSchema>;
