import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-support';
import { parseSetting, settingsFor } from './source.command';

describe('forewarn source add|set --setting', () => {
  it('reads key=value as text, JSON when it looks like JSON, and a dotted key as a member', () => {
    expect(parseSetting('timezone=Europe/Berlin')).toEqual({ path: ['timezone'], value: 'Europe/Berlin' });
    expect(parseSetting('accountFields={"ownerEmail":"Owner_Email__c"}')).toEqual({ path: ['accountFields'], value: { ownerEmail: 'Owner_Email__c' } });
    expect(parseSetting('accountFields.arr=ARR__c')).toEqual({ path: ['accountFields', 'arr'], value: 'ARR__c' });
    expect(parseSetting('timezone=null')).toEqual({ path: ['timezone'], value: null });
    expect(() => parseSetting('no-value')).toThrow(CliError);
    expect(() => parseSetting('x={oops')).toThrow(/not valid JSON/);
  });

  it('merges settings over the stored ones, replaces them from a file, and removes with --unset or null', () => {
    const stored = { organizationId: '00D5e000000KQ2eEAG', accountFields: { ownerEmail: 'Owner_Email__c' } };
    expect(settingsFor('salesforce', stored, { setting: ['accountFields.arr=ARR__c', 'timezone=Europe/Berlin'] })).toEqual({
      organizationId: '00D5e000000KQ2eEAG', accountFields: { ownerEmail: 'Owner_Email__c', arr: 'ARR__c' }, timezone: 'Europe/Berlin',
    });
    expect(settingsFor('salesforce', stored, { unset: ['accountFields'], setting: ['organizationId=null'] })).toEqual({});
    const file = join(mkdtempSync(join(tmpdir(), 'fw-settings-')), 'settings.json');
    writeFileSync(file, JSON.stringify({ timezone: 'Asia/Kolkata' }));
    expect(settingsFor('freshdesk', { timezone: 'Europe/Berlin' }, { settingsFile: file })).toEqual({ timezone: 'Asia/Kolkata' });
  });

  it('refuses a bad setting naming it, a setting the kind does not read, and settings for kinds that take none', () => {
    expect(() => settingsFor('salesforce', {}, { setting: ['organizationId=123'] })).toThrow('settings.organizationId must be a Salesforce organisation id (00D…, 15 or 18 characters); nothing was stored');
    expect(() => settingsFor('freshdesk', {}, { setting: ['timezone=Mars/Base'] })).toThrow(/settings.timezone must be an IANA time zone/);
    expect(() => settingsFor('salesforce', {}, { setting: ['organisationId=00D5e000000KQ2eEAG'] })).toThrow(/settings.organisationId is not a setting of this kind/);
    expect(() => settingsFor('zendesk', {}, { setting: ['timezone=Europe/Berlin'] })).toThrow('a zendesk source takes no settings (settings are for freshdesk, salesforce sources); nothing was stored');
    expect(settingsFor('zendesk', {}, {})).toEqual({});
  });
});
