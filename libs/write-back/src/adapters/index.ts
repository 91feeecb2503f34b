import type { WriteBackAdapter, WriteBackVendor } from '../vendor-api';
import { freshdeskWriteBack } from './freshdesk';
import { intercomWriteBack } from './intercom';
import { jiraWriteBack } from './jira';
import { serviceNowWriteBack } from './servicenow';
import { zendeskWriteBack } from './zendesk';

/** One adapter per helpdesk Forewarn writes back to. */
export const WRITE_BACK_ADAPTERS: Readonly<Record<WriteBackVendor, WriteBackAdapter>> = {
  zendesk: zendeskWriteBack,
  jira: jiraWriteBack,
  freshdesk: freshdeskWriteBack,
  servicenow: serviceNowWriteBack,
  intercom: intercomWriteBack,
};

export { adf } from './jira';
export { INTERCOM_VERSION } from './intercom';
