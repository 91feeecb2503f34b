import { z } from 'zod';
import { HEALTH_STATES, healthReasonSchema } from './health';

/** Alert kinds, also the value of the `X-Forewarn-Kind` mail header. */
export const ALERT_KINDS = ['heads-up', 'briefing', 'all-clear', 'digest'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Headers every alert email carries (CONTRACT.md, "Email"). */
export const MAIL_HEADER = {
  alertId: 'X-Forewarn-Alert-Id',
  account: 'X-Forewarn-Account',
  kind: 'X-Forewarn-Kind',
} as const;

const personSchema = z.object({ name: z.string().optional(), email: z.string().email() });

export const alertCaseSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  severity: z.number().nullable(),
  status: z.string(),
  escalationLevel: z.number(),
  openedAt: z.string().nullable(),
  assignee: z.string().nullable(),
});

export const alertRaisedSchema = z.object({
  specversion: z.literal('1.0'),
  type: z.literal('forewarn.alert.raised'),
  /** The alert id: one per decision; the notifier mails each recipient at most once per id. */
  id: z.string().min(1),
  source: z.string(),
  time: z.string(),
  data: z.object({
    kind: z.enum(ALERT_KINDS),
    account: z.object({
      id: z.string(),
      name: z.string(),
      owner: personSchema,
      lead: personSchema.nullable(),
      members: z.array(personSchema).default([]),
      team: z.string().nullable(),
      timezone: z.string().nullable(),
    }),
    state: z.enum(HEALTH_STATES),
    previousState: z.enum(HEALTH_STATES).nullable(),
    score: z.number(),
    reasons: z.array(healthReasonSchema),
    openCases: z.array(alertCaseSchema),
    nextMeeting: z
      .object({ id: z.string(), title: z.string().nullable(), startsAt: z.string(), kind: z.string().nullable(), organizer: personSchema.nullable() })
      .nullable(),
  }),
});
/** A message on `<prefix>alerts.v1`: an alert decision made by account-health for the notifier. */
export type AlertRaised = z.infer<typeof alertRaisedSchema>;
export type AlertCase = z.infer<typeof alertCaseSchema>;
