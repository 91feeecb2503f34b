export * from './types';
export * from './signatures';
export * from './map-webhook';
export { escalationFromTags, tagList } from './escalation';
export { mapZendesk, zendeskSeverity, zendeskStatus, ZENDESK_TICKET_EVENTS_MAPPED, ZENDESK_TRIGGER_CHANGES } from './zendesk/zendesk.mapper';
export { mapJira, jiraSeverity, jiraStatus, JIRA_EVENTS_MAPPED } from './jira/jira.mapper';
export { mapFreshdesk, freshdeskSeverity, freshdeskStatus, parseTriggeredEvent } from './freshdesk/freshdesk.mapper';
export { mapServiceNow, serviceNowSeverity, serviceNowStatus } from './servicenow/servicenow.mapper';
