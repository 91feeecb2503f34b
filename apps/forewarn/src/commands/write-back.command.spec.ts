import { NO_WRITE_BACK } from '@forewarn/write-back';
import { CliError } from '../cli-support';
import { shownWriteBack, writeBackSettingsFor } from './write-back.command';

describe('forewarn source set --write-back', () => {
  it('turns write-back on with the API URL, the user and a token, and keeps the URL as a base URL', () => {
    const settings = writeBackSettingsFor('zendesk', NO_WRITE_BACK, { writeBack: 'on', apiUrl: 'https://acme.zendesk.com/', apiUser: 'agent@acme.test', tag: 'forewarn-sales-aware' }, true, 'production');
    expect(settings).toEqual({ mode: 'on', apiUrl: 'https://acme.zendesk.com', apiUser: 'agent@acme.test', tag: 'forewarn-sales-aware', supportHeadsUp: false, hasToken: true });
    expect(shownWriteBack(settings)).toEqual({ mode: 'on', apiUrl: 'https://acme.zendesk.com', apiUser: 'agent@acme.test', tag: 'forewarn-sales-aware', supportHeadsUp: false, token: 'set' });
  });

  it('changes only what it names, keeping the stored token', () => {
    const stored = { ...NO_WRITE_BACK, mode: 'on' as const, apiUrl: 'https://acme.atlassian.net', apiUser: 'bot@acme.test', hasToken: true, tag: 'x' };
    expect(writeBackSettingsFor('jira', stored, { supportHeadsUp: 'on', tag: false }, false, 'production')).toEqual({ ...stored, supportHeadsUp: true, tag: null });
    expect(writeBackSettingsFor('jira', stored, { writeBack: 'off' }, false, 'production').mode).toBe('off');
  });

  it('refuses naming every problem, and stores nothing', () => {
    expect(() => writeBackSettingsFor('intercom', NO_WRITE_BACK, { writeBack: 'on', apiUrl: 'https://api.intercom.io' }, false, 'production'))
      .toThrow(new CliError('--write-back on needs --api-user: the id of the admin (teammate) the notes are written as; --write-back on needs the API token: pipe it into --api-token-stdin; nothing was stored'));
    expect(() => writeBackSettingsFor('events', NO_WRITE_BACK, { writeBack: 'on' }, true, 'production')).toThrow(/write-back is for zendesk, jira, freshdesk, servicenow and intercom sources, not events/);
    expect(() => writeBackSettingsFor('zendesk', NO_WRITE_BACK, { writeBack: 'maybe' }, true, 'production')).toThrow('--write-back must be one of off, on, dry-run, not "maybe"');
    expect(() => writeBackSettingsFor('zendesk', NO_WRITE_BACK, { supportHeadsUp: 'yes' }, true, 'production')).toThrow('--support-heads-up must be on or off, not "yes"');
    expect(() => writeBackSettingsFor('zendesk', NO_WRITE_BACK, { writeBack: 'dry-run', apiUrl: 'http://acme.zendesk.com' }, false, 'production')).toThrow('--api-url must be an https address');
  });

  it('lets a dry run start with the URL alone', () => {
    expect(writeBackSettingsFor('freshdesk', NO_WRITE_BACK, { writeBack: 'dry-run', apiUrl: 'https://acme.freshdesk.com' }, false, 'production')).toMatchObject({ mode: 'dry-run', hasToken: false });
  });
});
