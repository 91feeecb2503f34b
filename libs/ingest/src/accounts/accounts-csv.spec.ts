import { accountKeyOf } from '@forewarn/contracts';
import { Readable } from 'node:stream';
import { accountFromCsvRow, AccountCsvHeaderError, type AccountCsvRow, accountUpsertedEvent, readAccountCsvHeader, readAccountsCsv } from './accounts-csv';

const HEADER = 'id,name,domains,owner_email,owner_name,team,lead_email,lead_name,tier,arr,renewal_date,timezone,external_refs';

async function rows(text: string): Promise<AccountCsvRow[]> {
  const out: AccountCsvRow[] = [];
  for await (const row of readAccountsCsv(text)) out.push(row);
  return out;
}

describe('accounts CSV import', () => {
  it('turns a full row into account.upserted data', () => {
    const result = accountFromCsvRow({
      id: 'acme', name: 'Acme Corp', domains: 'acme.com; ACME.io', owner_email: 'Riley.Chen@sales.example', owner_name: 'Riley Chen', team: 'enterprise',
      lead_email: 'morgan@sales.example', lead_name: 'Morgan Lead', tier: 'strategic', arr: '1,200,000', renewal_date: '2026-03-31', timezone: 'Europe/Berlin',
      external_refs: 'zendesk-eu:360001; jira-cloud:10050',
    });
    expect(result).toEqual({
      ok: true,
      data: {
        id: 'acme', name: 'Acme Corp', domains: ['acme.com', 'acme.io'], externalRefs: [{ source: 'zendesk-eu', id: '360001' }, { source: 'jira-cloud', id: '10050' }],
        owner: { email: 'riley.chen@sales.example', name: 'Riley Chen' }, team: 'enterprise', lead: { email: 'morgan@sales.example', name: 'Morgan Lead' },
        tier: 'strategic', arr: 1200000, renewalDate: '2026-03-31', timezone: 'Europe/Berlin',
      },
    });
  });

  it('names the column of every problem in a row', () => {
    const result = accountFromCsvRow({ id: '', name: 'Bad', domains: 'bad;not a domain', owner_email: 'x', arr: '1.2M', renewal_date: '2026-02-30', timezone: 'Mars/Base', external_refs: 'zendesk', lead_name: 'Lee' });
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'id', message: 'is required' },
        { field: 'domains', message: '"bad" is not a domain name (separate domains with ";")' },
        { field: 'external_refs', message: '"zendesk" must be source:id (e.g. zendesk-eu:360001; separate several with ";")' },
        { field: 'arr', message: '"1.2M" is not a number (e.g. 120000)' },
        { field: 'renewal_date', message: '"2026-02-30" must be a date as YYYY-MM-DD' },
        { field: 'timezone', message: '"Mars/Base" is not an IANA time zone (e.g. Europe/Berlin)' },
        { field: 'lead_email', message: 'is required when lead_name is given' },
      ],
    });
    // What only the contract checks comes back under the column name too.
    expect(accountFromCsvRow({ id: 'a', name: 'A', owner_email: 'not-an-email' })).toEqual({ ok: false, errors: [{ field: 'owner_email', message: 'must be an email address' }] });
    expect(accountFromCsvRow({ id: 'a', name: 'x'.repeat(301), owner_email: 'a@b.co' })).toEqual({ ok: false, errors: [{ field: 'name', message: 'must be at most 300 characters' }] });
  });

  it('checks the header: unknown, repeated and missing columns; header names are forgiving', () => {
    expect(readAccountCsvHeader(['ID', 'Name', 'Owner Email', 'owner-name'])).toEqual({ ok: true, columns: ['id', 'name', 'owner_email', 'owner_name'] });
    expect(readAccountCsvHeader(['id', 'name', 'segment', 'id'])).toEqual({
      ok: false,
      errors: [expect.stringContaining('unknown column "segment"'), 'column "id" appears twice', 'the header lacks the required column owner_email'],
    });
  });

  it('reads a file with line numbers, skipping bad rows and reporting them', async () => {
    const csv = [
      HEADER,
      'acme,Acme Corp,acme.com;acme.io,riley@sales.example,Riley Chen,enterprise,,,strategic,1200000,2026-03-31,Europe/Berlin,zendesk-eu:360001',
      '',
      'globex,"Globex, Inc.",globex.io,sam@sales.example,,,,,,,,,',
      'initech,Initech,initech.com,not-an-email,,,,,,,,,',
      'acme,Acme again,acme.net,riley@sales.example,,,,,,,,,',
      'umbrella,"Umbrella ""Payments""",umbrella-payments.com,sam@sales.example,,midmarket,,,,"250,000",,,',
      'wayne,Wayne,wayne.com,a@b.co,,,,,,,,,,extra',
    ].join('\n');
    const result = await rows(csv);
    expect(result.map((r) => [r.line, r.ok])).toEqual([[2, true], [4, true], [5, false], [6, false], [7, true], [8, false]]);
    expect(result[1]).toMatchObject({ data: { name: 'Globex, Inc.', domains: ['globex.io'] } });
    expect(result[2]).toMatchObject({ errors: [{ line: 5, field: 'owner_email', message: 'must be an email address' }] });
    expect(result[3]).toMatchObject({ errors: [{ line: 6, field: 'id', message: '"acme" is already on line 2' }] });
    expect(result[4]).toMatchObject({ data: { name: 'Umbrella "Payments"', arr: 250000, team: 'midmarket' } });
    expect(result[5]).toMatchObject({ errors: [{ line: 8, field: '(row)', message: expect.stringContaining('has 14 fields but the header has 13') }] });
  });

  it('reports a row that is broken as CSV and goes on', async () => {
    const csv = `${HEADER}\na,A,a.com,a@b.co,,,,,,,,,\nb,"B,b.com,b@b.co,,,,,,,,,\n`;
    const result = await rows(csv);
    expect(result[0]).toMatchObject({ line: 2, ok: true });
    expect(result).toHaveLength(2);
    expect(result.some((r) => !r.ok && r.errors[0].field === '(row)' && /not valid CSV/.test(r.errors[0].message))).toBe(true);
  });

  it('refuses a file whose header is unusable, and an empty file', async () => {
    await expect(rows('name,owner\nx,y\n')).rejects.toThrow(AccountCsvHeaderError);
    await expect(rows('name,owner\nx,y\n')).rejects.toThrow(/lacks the required columns id, owner_email/);
    await expect(rows('')).rejects.toThrow(/the file is empty/);
  });

  it('reads a stream with a BOM and semicolons as the delimiter', async () => {
    const out: AccountCsvRow[] = [];
    for await (const row of readAccountsCsv(Readable.from(['\uFEFFid;name;owner_email;domains\n', 'acme;Acme;r@s.example;acme.com\n']), { delimiter: ';' })) out.push(row);
    expect(out).toEqual([{ line: 2, ok: true, data: expect.objectContaining({ id: 'acme', domains: ['acme.com'] }) }]);
  });

  it('gives an imported account an id derived from its content, keyed by the account id', () => {
    const result = accountFromCsvRow({ id: 'acme', name: 'Acme', owner_email: 'r@s.example' });
    if (!result.ok) throw new Error('valid');
    const at = new Date('2025-03-01T00:00:00Z');
    const event = accountUpsertedEvent(result.data, 'crm-import', at);
    expect(event).toMatchObject({ type: 'forewarn.account.upserted', source: '/sources/crm-import', time: at.toISOString(), subject: 'acme' });
    expect(event.id).toMatch(/^account-acme-[0-9a-f]{16}$/);
    expect(accountUpsertedEvent(result.data, 'crm-import', new Date()).id).toBe(event.id);
    expect(accountUpsertedEvent({ ...result.data, name: 'Acme Corp' }, 'crm-import', at).id).not.toBe(event.id);
    expect(accountKeyOf(event)).toBe('acme');
  });
});
