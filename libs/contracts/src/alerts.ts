import { z } from 'zod';
import { HEALTH_STATES, healthReasonSchema } from './health';

/** Alert kinds, also the value of the `X-Forewarn-Kind` mail header. */
export const ALERT_KINDS = ['heads-up', 'briefing', 'all-clear', 'digest'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Headers every alert email carries (CONTRACT.md, "Email"; the trace id is ours, README "Tracing"). */
export const MAIL_HEADER = {
  alertId: 'X-Forewarn-Alert-Id',
  account: 'X-Forewarn-Account',
  kind: 'X-Forewarn-Kind',
  /** The trace id (W3C, 32 hex digits) of what caused the mail, for finding it in every service's logs. */
  traceId: 'X-Forewarn-Trace-Id',
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

const meetingPersonSchema = z.object({ name: z.string().optional(), email: z.string().optional() });

/** The meeting a briefing (or a "resolved before your meeting" all-clear) is about. */
export const briefingMeetingSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  kind: z.string().nullable(),
  organizer: meetingPersonSchema.nullable(),
  attendees: z.array(meetingPersonSchema).default([]),
});

/** A case that was fixed recently, for "what was fixed" in a briefing or an all-clear. */
export const fixedCaseSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  severity: z.number().nullable(),
  openedAt: z.string().nullable(),
  resolvedAt: z.string(),
  assignee: z.string().nullable(),
});

/**
 * What a rep needs before a meeting with an account that is not healthy (kind `briefing`):
 * what is open and for how long, what the customer said, who owns it in support, what was fixed
 * recently, who is unhappy, and talking points drawn from the signals.
 */
export const briefingSchema = z.object({
  meeting: briefingMeetingSchema,
  openCases: z.array(
    z.object({
      id: z.string(),
      title: z.string().nullable(),
      url: z.string().nullable(),
      severity: z.number().nullable(),
      status: z.string(),
      escalationLevel: z.number(),
      openedAt: z.string().nullable(),
      /** Hours open when the briefing was made. */
      ageHours: z.number().nullable(),
      /** The support owner (assignee). */
      assignee: z.string().nullable(),
      lastSupportUpdateAt: z.string().nullable(),
      handoffs: z.number(),
      rejected: z.boolean(),
    }),
  ),
  /** The customer's own words: comments, rejected resolutions, survey comments; newest first. */
  customerSaid: z.array(
    z.object({
      kind: z.enum(['comment', 'rejection', 'survey']),
      caseId: z.string().nullable(),
      caseTitle: z.string().nullable(),
      who: z.string().nullable(),
      at: z.string(),
      quote: z.string(),
    }),
  ),
  /** Who owns what in support: call them before the meeting. */
  supportOwners: z.array(z.object({ name: z.string(), caseIds: z.array(z.string()) })),
  recentlyFixed: z.array(fixedCaseSchema),
  /** Poor CSAT and NPS detractors, by name. */
  detractors: z.array(
    z.object({
      who: z.string().nullable(),
      kind: z.enum(['csat', 'nps']),
      score: z.number(),
      at: z.string(),
      comment: z.string().nullable(),
      caseId: z.string().nullable(),
    }),
  ),
  talkingPoints: z.array(z.string()),
});
export type Briefing = z.infer<typeof briefingSchema>;

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
    /** Set when a hard rule of the health policy decided the state, e.g. "a critical escalation whose resolution the customer rejected (ZD-4711)". */
    forcedBy: z.string().nullable().optional(),
    /** Kind `briefing`: everything for the meeting in `briefing.meeting` (also `nextMeeting`). */
    briefing: briefingSchema.optional(),
    /** Kind `all-clear` with a meeting coming up: "resolved before your meeting", and what was fixed. */
    resolvedBeforeMeeting: z.object({ meeting: briefingMeetingSchema, recentlyFixed: z.array(fixedCaseSchema) }).optional(),
  }),
});
/** A message on `<prefix>alerts.v1`: an alert decision made by account-health for the notifier. */
export type AlertRaised = z.infer<typeof alertRaisedSchema>;
export type AlertCase = z.infer<typeof alertCaseSchema>;

/** Where an acknowledgement or snooze came from. */
export const FEEDBACK_CHANNELS = ['email', 'dashboard'] as const;

const feedbackEnvelope = { specversion: z.literal('1.0'), id: z.string().min(1), source: z.string(), time: z.string() };

/**
 * Someone on the account team acknowledged an alert ("sales is aware"). On `<prefix>alerts.v1`,
 * keyed by account: the notifier stops repeating that state, a helpdesk may show it on the case.
 */
export const alertAcknowledgedSchema = z.object({
  ...feedbackEnvelope,
  type: z.literal('forewarn.alert.acknowledged'),
  data: z.object({
    alertId: z.string(),
    accountId: z.string(),
    state: z.enum(HEALTH_STATES),
    by: personSchema,
    via: z.enum(FEEDBACK_CHANNELS),
  }),
});
export type AlertAcknowledged = z.infer<typeof alertAcknowledgedSchema>;

/** Someone snoozed an account's alerts for themselves until `until` (a louder state breaks through). */
export const accountSnoozedSchema = z.object({
  ...feedbackEnvelope,
  type: z.literal('forewarn.account.snoozed'),
  data: z.object({
    accountId: z.string(),
    state: z.enum(HEALTH_STATES),
    by: personSchema,
    until: z.string().datetime({ offset: true }),
    via: z.enum(FEEDBACK_CHANNELS),
  }),
});
export type AccountSnoozed = z.infer<typeof accountSnoozedSchema>;

export const CHAT_KINDS = ['slack', 'teams'] as const;
export const chatChannelSchema = z.object({ kind: z.enum(CHAT_KINDS), url: z.string().url() });
export type ChatChannel = z.infer<typeof chatChannelSchema>;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

/** A user's notification preferences, as set on the dashboard. Keyed by e-mail. */
export const preferencesUpdatedSchema = z.object({
  ...feedbackEnvelope,
  type: z.literal('forewarn.preferences.updated'),
  data: z.object({
    email: z.string().email(),
    mode: z.enum(['immediate', 'digest']),
    quietHours: z.object({ start: clock, end: clock }).nullable(),
    timeZone: z.string().nullable(),
    /** A chat channel that gets the same alerts: a Slack or Microsoft Teams incoming webhook. */
    chat: chatChannelSchema.nullable().default(null),
  }),
});
export type PreferencesUpdated = z.infer<typeof preferencesUpdatedSchema>;

/** Someone asked to send a notification again (a failed or suppressed one, or a lost mail). */
export const notificationResendSchema = z.object({
  ...feedbackEnvelope,
  type: z.literal('forewarn.notification.resend_requested'),
  data: z.object({ notificationId: z.string().regex(/^\d+$/), accountId: z.string(), by: personSchema }),
});
export type NotificationResend = z.infer<typeof notificationResendSchema>;

/** Every message type on `<prefix>alerts.v1`, by its `type`. */
export const ALERT_TOPIC_SCHEMAS = {
  'forewarn.alert.raised': alertRaisedSchema,
  'forewarn.alert.acknowledged': alertAcknowledgedSchema,
  'forewarn.account.snoozed': accountSnoozedSchema,
  'forewarn.preferences.updated': preferencesUpdatedSchema,
  'forewarn.notification.resend_requested': notificationResendSchema,
} as const;
export type AlertTopicMessage = AlertRaised | AlertAcknowledged | AccountSnoozed | PreferencesUpdated | NotificationResend;
