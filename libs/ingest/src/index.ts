export * from './types';
export * from './signatures';
export * from './map-webhook';
export * from './vendors';
export * from './delivery';
export * from './json-body';
export * from './kept-delivery';
export { escalationFromTags, tagList } from './escalation';
export { accountRef, domainOf, isPublicMailDomain, settingsTimezoneErrors, vendorTime, type AccountHints } from './common';
export { mapZendesk, zendeskSeverity, zendeskStatus, ZENDESK_TICKET_EVENTS_MAPPED, ZENDESK_TRIGGER_CHANGES } from './zendesk/zendesk.mapper';
export { mapJira, jiraSeverity, jiraStatus, JIRA_EVENTS_MAPPED } from './jira/jira.mapper';
export { mapFreshdesk, freshdeskSeverity, freshdeskStatus, parseTriggeredEvent } from './freshdesk/freshdesk.mapper';
export { mapServiceNow, serviceNowSeverity, serviceNowStatus } from './servicenow/servicenow.mapper';
export { INTERCOM_TOPICS_MAPPED, intercomConversationStatus, intercomTicketStatus, mapIntercom } from './intercom/intercom.mapper';
export {
  ACCOUNT_FIELD_DEFAULTS, answerSalesforce, mapSalesforce, parseSalesforce, SALESFORCE_MEDIA_TYPES, SALESFORCE_OBJECTS_MAPPED, salesforceCaseStatus,
  validateSalesforceSettings, type SalesforceOutboundMessage,
} from './salesforce/salesforce.mapper';
export {
  compileMapping, CompiledMapping, describeMappingError, MAPPED_KIND, MAPPING_LIMITS, MappingCache, runMapping, testMapping, validateMappedEvents,
  type MappingError, type MappingInput, type MappingOutcome, type MappingTestReport,
} from './mapped/mapping';
export {
  ACCOUNT_CSV_COLUMNS, accountFromCsvRow, AccountCsvHeaderError, accountUpsertedEvent, readAccountCsvHeader, readAccountsCsv, REQUIRED_ACCOUNT_COLUMNS,
  type AccountCsvColumn, type AccountCsvRow, type CsvRowError,
} from './accounts/accounts-csv';
export { CalendarParseError, CalendarTooLargeError, calendarMeetingId, expandCalendar, guessMeetingKind, zonedTimeToUtc, type CalendarOccurrence, type CalendarPerson, type ExpandOptions } from './calendar/ical-feed';
export {
  calendarDomains, calendarSource, domainCandidates, planCalendarSync,
  type CalendarMeeting, type CalendarSyncInput, type CalendarSyncPlan, type PublishedMeeting,
} from './calendar/calendar-sync';
