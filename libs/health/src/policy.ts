import { HEALTH_STATES, type HealthState } from '@forewarn/contracts';
import { z } from 'zod';

/**
 * The health policy: weights (points off a score of 100), thresholds, decay, sales weighting,
 * hard rules and the briefing lead time. It lives in a versioned JSON file
 * (`config/health-policy.json`, `HEALTH_POLICY_FILE`); `docs/HEALTH-POLICY.md` explains each
 * number. A file may set only what it changes: it is merged over the defaults below, and
 * validated strictly, so a misspelt setting is an error rather than silently ignored.
 */

const points = z.number().min(0).max(100);
const positive = z.number().positive();
const bySeverity = <T extends z.ZodTypeAny>(value: T) => z.object({ 1: value, 2: value, 3: value, 4: value }).strict();
const loudState = z.enum(['watch', 'at_risk', 'firestorm']);

/** A hard rule forces at least `state` when one open case matches every condition in `when`. */
const hardRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case words joined by "-"'),
    /** Said after "forced by": "a critical escalation whose resolution the customer rejected". */
    description: z.string().min(1),
    state: loudState,
    when: z
      .object({
        severityAtMost: z.number().int().min(1).max(4).optional(),
        escalationLevelAtLeast: z.number().int().min(0).max(3).optional(),
        rejected: z.boolean().optional(),
        reopened: z.boolean().optional(),
        handoffsAtLeast: z.number().int().min(1).optional(),
        slaBreached: z.boolean().optional(),
        openForHoursAtLeast: z.number().min(0).optional(),
        /** The next meeting with the account, or its renewal date, is at most this many hours away. */
        meetingWithinHours: z.number().positive().optional(),
      })
      .strict()
      .refine((when) => Object.keys(when).length > 0, { message: 'needs at least one condition' }),
  })
  .strict();

export const healthPolicySchema = z
  .object({
    /** Names this policy; recorded with every health row so a change of numbers is traceable. */
    version: z.string().trim().min(1).max(100),
    /** Lowest score of each state: below `watch` is watch, below `at_risk` at risk, below `firestorm` a firestorm. */
    thresholds: z
      .object({ watch: points, at_risk: points, firestorm: points })
      .strict()
      .refine((t) => t.watch > t.at_risk && t.at_risk > t.firestorm, { message: 'must satisfy watch > at_risk > firestorm' }),
    openCases: z.object({ weightBySeverity: bySeverity(points) }).strict(),
    escalations: z.object({ perLevel: points }).strict(),
    oldestEscalation: z.object({ graceHours: z.number().min(0), perDay: points, max: points }).strict(),
    rejectedResolution: z.object({ weight: points }).strict(),
    reopened: z.object({ weight: points }).strict(),
    handoffs: z.object({ atLeast: z.number().int().min(1), weight: points, perExtra: points }).strict(),
    stale: z.object({ expectedUpdateHours: bySeverity(positive), weightBySeverity: bySeverity(points) }).strict(),
    slaBreach: z.object({ weight: points }).strict(),
    negativeComments: z
      .object({ sentimentAtMost: z.number().min(-1).max(0), withinDays: positive, halfLifeDays: positive, weight: points, max: points })
      .strict(),
    poorSurveys: z
      .object({ csatAtMost: z.number().int().min(1).max(5), npsAtMost: z.number().int().min(0).max(10), withinDays: positive, halfLifeDays: positive, weight: points })
      .strict(),
    decay: z
      .object({
        /** A resolved problem's weight halves every this many days. */
        halfLifeDays: positive,
        /** Share of a case's weight while open that it keeps the moment it is resolved. */
        memoryShare: z.number().min(0).max(1),
        /** After this many days a resolved case no longer counts at all. */
        forgetAfterDays: positive,
        /** A good survey answer after the fix multiplies what is left by this. */
        positiveSurveyFactor: z.number().min(0).max(1),
      })
      .strict(),
    salesWeighting: z
      .object({
        /** Multiplier by account tier (matched case-insensitively, ignoring spaces and dashes). */
        tiers: z.record(z.string(), positive),
        /** Multiplier by annual recurring revenue: the first band whose `atLeast` the ARR reaches. */
        arrBands: z.array(z.object({ atLeast: z.number().min(0), multiplier: positive }).strict()),
        /** Multiplier by how near the next meeting or the renewal is: the first band it falls in. */
        nearness: z.array(z.object({ withinHours: positive, multiplier: positive }).strict()),
        /** Cap on the combined multiplier. */
        maxMultiplier: z.number().min(1),
      })
      .strict(),
    hardRules: z.array(hardRuleSchema),
    briefing: z.object({ hoursBefore: positive, minState: loudState }).strict(),
  })
  .strict();

export type HealthPolicy = z.infer<typeof healthPolicySchema>;
export type HardRule = HealthPolicy['hardRules'][number];
export type Severity = 1 | 2 | 3 | 4;

/** The defaults; `config/health-policy.json` holds the same numbers (a unit test keeps them equal). */
export const DEFAULT_POLICY: HealthPolicy = {
  version: '2026-11-28 defaults',
  thresholds: { watch: 80, at_risk: 60, firestorm: 35 },
  openCases: { weightBySeverity: { 1: 25, 2: 12, 3: 4, 4: 0 } },
  escalations: { perLevel: 10 },
  oldestEscalation: { graceHours: 24, perDay: 3, max: 12 },
  rejectedResolution: { weight: 20 },
  reopened: { weight: 8 },
  handoffs: { atLeast: 3, weight: 8, perExtra: 2 },
  stale: { expectedUpdateHours: { 1: 4, 2: 24, 3: 72, 4: 168 }, weightBySeverity: { 1: 10, 2: 6, 3: 3, 4: 1 } },
  slaBreach: { weight: 10 },
  negativeComments: { sentimentAtMost: -0.2, withinDays: 14, halfLifeDays: 7, weight: 4, max: 12 },
  poorSurveys: { csatAtMost: 2, npsAtMost: 6, withinDays: 30, halfLifeDays: 15, weight: 8 },
  decay: { halfLifeDays: 4, memoryShare: 0.5, forgetAfterDays: 30, positiveSurveyFactor: 0.75 },
  salesWeighting: {
    tiers: { strategic: 1.3, enterprise: 1.15, midmarket: 1, smb: 1 },
    arrBands: [
      { atLeast: 1_000_000, multiplier: 1.3 },
      { atLeast: 250_000, multiplier: 1.15 },
    ],
    nearness: [
      { withinHours: 48, multiplier: 1.5 },
      { withinHours: 168, multiplier: 1.2 },
    ],
    maxMultiplier: 2,
  },
  hardRules: [
    {
      id: 'critical-escalation-rejected',
      description: 'a critical escalation whose resolution the customer rejected',
      state: 'firestorm',
      when: { severityAtMost: 1, escalationLevelAtLeast: 1, rejected: true },
    },
    {
      id: 'critical-escalation-before-meeting',
      description: 'a critical escalation right before a meeting or renewal',
      state: 'firestorm',
      when: { severityAtMost: 1, escalationLevelAtLeast: 1, meetingWithinHours: 48 },
    },
  ],
  briefing: { hoursBefore: 24, minState: 'watch' },
};

export function stateForScore(score: number, policy: Pick<HealthPolicy, 'thresholds'>): HealthState {
  if (score < policy.thresholds.firestorm) return 'firestorm';
  if (score < policy.thresholds.at_risk) return 'at_risk';
  if (score < policy.thresholds.watch) return 'watch';
  return 'healthy';
}

export const louder = (a: HealthState, b: HealthState): HealthState => (HEALTH_STATES.indexOf(a) >= HEALTH_STATES.indexOf(b) ? a : b);

export class PolicyError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`invalid health policy ${file}: ${problem}`);
    this.name = 'PolicyError';
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key; anything else (numbers, arrays of rules or bands) replaces the default. */
function mergeOver(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = key in base ? mergeOver(base[key], value) : value;
  return merged;
}

function describeIssue(issue: z.ZodIssue): string {
  const path = issue.path.join('.') || '(file)';
  if (issue.code === z.ZodIssueCode.unrecognized_keys) return `${path === '(file)' ? '' : `${path}.`}${issue.keys[0]} is not a known setting`;
  if (issue.code === z.ZodIssueCode.invalid_type) return `${path} must be ${issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}, not ${issue.received}`;
  if (issue.code === z.ZodIssueCode.too_small) return `${path} must be at least ${issue.minimum}${issue.inclusive === false ? ' (exclusive)' : ''}`;
  if (issue.code === z.ZodIssueCode.too_big) return `${path} must be at most ${issue.maximum}`;
  if (issue.code === z.ZodIssueCode.invalid_enum_value) return `${path} must be one of ${issue.options.join(', ')}`;
  return `${path} ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
}

/**
 * Parses a policy file's text: JSON, a `version`, and only known settings with sane values,
 * merged over the defaults. Throws a PolicyError whose message is one line naming the setting.
 */
export function parsePolicy(text: string, file = 'policy'): HealthPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(raw)) throw new PolicyError(file, 'must be a JSON object');
  if (typeof raw.version !== 'string' || raw.version.trim() === '') {
    throw new PolicyError(file, 'version is required: name the policy, e.g. "2026-12-01 quieter hand-offs"');
  }
  // Keys starting with "$" ("$comment", "$schema") are notes for people, not settings.
  const settings = Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('$')));
  const parsed = healthPolicySchema.safeParse(mergeOver(DEFAULT_POLICY, settings));
  if (!parsed.success) throw new PolicyError(file, describeIssue(parsed.error.issues[0]));
  return parsed.data;
}
