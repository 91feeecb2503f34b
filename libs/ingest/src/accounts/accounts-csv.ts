import { type AccountUpsertedData, type FieldError, type InboundEvent, parseInboundEvent } from '@forewarn/contracts';
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { eventId, stableId } from '../common';

/**
 * `forewarn accounts import <file.csv>`: CRM accounts as CSV rows → `forewarn.account.upserted`
 * events. Pure apart from reading the text it is given; the CLI publishes the events.
 */
export const ACCOUNT_CSV_COLUMNS = [
  'id', 'name', 'domains', 'owner_email', 'owner_name', 'team', 'lead_email', 'lead_name', 'tier', 'arr', 'renewal_date', 'timezone', 'external_refs',
] as const;
export type AccountCsvColumn = (typeof ACCOUNT_CSV_COLUMNS)[number];
export const REQUIRED_ACCOUNT_COLUMNS: readonly AccountCsvColumn[] = ['id', 'name', 'owner_email'];

/** `Owner Email`, `owner-email` and `OWNER_EMAIL` all name the `owner_email` column. */
const columnName = (header: string): string => header.trim().toLowerCase().replace(/[\s-]+/g, '_');

export interface CsvRowError extends FieldError {
  /** The line of the file where the row is (1 is the header). */
  line: number;
}

/** Which column each position holds, or what is wrong with the header. */
export function readAccountCsvHeader(header: string[]): { ok: true; columns: (AccountCsvColumn | null)[] } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const names = header.map(columnName);
  const known = new Set<string>(ACCOUNT_CSV_COLUMNS);
  const unknown = names.filter((n) => n && !known.has(n));
  if (unknown.length > 0) errors.push(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; the columns are ${ACCOUNT_CSV_COLUMNS.join(',')}`);
  const duplicates = names.filter((n, i) => n && names.indexOf(n) !== i);
  if (duplicates.length > 0) errors.push(`column${duplicates.length > 1 ? 's' : ''} ${[...new Set(duplicates)].map((d) => `"${d}"`).join(', ')} appear${duplicates.length > 1 ? '' : 's'} twice`);
  const missing = REQUIRED_ACCOUNT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) errors.push(`the header lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, columns: names.map((n) => (known.has(n) ? (n as AccountCsvColumn) : null)) };
}

/** A contract path (`data.owner.email`, `data.domains[1]`) → the CSV column it came from. */
function columnOf(field: string): string {
  const path = field.replace(/^data\.?/, '');
  const [head, rest] = [path.split(/[.[]/)[0], path.slice(path.split(/[.[]/)[0].length)];
  const byPath: Record<string, string> = { renewalDate: 'renewal_date', externalRefs: 'external_refs', domains: 'domains' };
  if (head === 'owner' || head === 'lead') return `${head}_${rest.includes('name') ? 'name' : 'email'}`;
  return byPath[head] ?? (head || '(row)');
}

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const isCalendarDate = (text: string): boolean => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
};

/** A number as people type it in spreadsheets: `1200000`, `1,200,000`, `1 200 000.50`, `$1.2M` is not one. */
function parseAmount(text: string): number | undefined {
  const plain = text.replace(/^[$€£]\s*/, '');
  if (/^\d{1,3}([, _]\d{3})+(\.\d+)?$/.test(plain)) return Number(plain.replace(/[, _]/g, ''));
  if (/^\d+(\.\d+)?$/.test(plain)) return Number(plain);
  return undefined;
}

/**
 * One CSV row → the data of a `forewarn.account.upserted` event, validated first with messages
 * about the spreadsheet (column names) and then with the contract itself.
 */
export function accountFromCsvRow(row: Partial<Record<AccountCsvColumn, string>>): { ok: true; data: AccountUpsertedData } | { ok: false; errors: FieldError[] } {
  const value = (column: AccountCsvColumn): string | undefined => {
    const text = row[column]?.trim();
    return text ? text : undefined;
  };
  const errors: FieldError[] = [];
  for (const column of REQUIRED_ACCOUNT_COLUMNS) if (!value(column)) errors.push({ field: column, message: 'is required' });

  const domains = (value('domains') ?? '').split(/[;,\s]+/).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean);
  const badDomain = domains.find((d) => !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(d));
  if (badDomain) errors.push({ field: 'domains', message: `"${badDomain}" is not a domain name (separate domains with ";")` });

  const externalRefs: { source: string; id: string }[] = [];
  for (const part of (value('external_refs') ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const source = colon > 0 ? part.slice(0, colon).trim() : '';
    const id = colon > 0 ? part.slice(colon + 1).trim() : '';
    if (!source || !id) errors.push({ field: 'external_refs', message: `"${part}" must be source:id (e.g. zendesk-eu:360001; separate several with ";")` });
    else externalRefs.push({ source, id });
  }

  const arrText = value('arr');
  const arr = arrText === undefined ? undefined : parseAmount(arrText);
  if (arrText !== undefined && arr === undefined) errors.push({ field: 'arr', message: `"${arrText}" is not a number (e.g. 120000)` });

  const renewal = value('renewal_date');
  if (renewal !== undefined && !isCalendarDate(renewal)) errors.push({ field: 'renewal_date', message: `"${renewal}" must be a date as YYYY-MM-DD` });

  const timezone = value('timezone');
  if (timezone !== undefined && !isTimeZone(timezone)) errors.push({ field: 'timezone', message: `"${timezone}" is not an IANA time zone (e.g. Europe/Berlin)` });

  if (value('lead_name') && !value('lead_email')) errors.push({ field: 'lead_email', message: 'is required when lead_name is given' });
  if (errors.length > 0) return { ok: false, errors };

  const data = {
    id: value('id'),
    name: value('name'),
    domains: [...new Set(domains)],
    externalRefs,
    owner: { email: value('owner_email'), ...(value('owner_name') ? { name: value('owner_name') } : {}) },
    ...(value('team') ? { team: value('team') } : {}),
    ...(value('lead_email') ? { lead: { email: value('lead_email'), ...(value('lead_name') ? { name: value('lead_name') } : {}) } } : {}),
    ...(value('tier') ? { tier: value('tier') } : {}),
    ...(arr !== undefined ? { arr } : {}),
    ...(renewal ? { renewalDate: renewal } : {}),
    ...(timezone ? { timezone } : {}),
  };
  const checked = parseInboundEvent({ specversion: '1.0', id: 'row', type: 'forewarn.account.upserted', data }, { source: '/sources/csv', receivedAt: new Date(0) });
  if (!checked.ok) return { ok: false, errors: checked.errors.map((e) => ({ field: columnOf(e.field), message: e.message })) };
  return { ok: true, data: checked.value.data as AccountUpsertedData };
}

/**
 * The event of one imported account. Its id is derived from the account's content, so importing
 * the same file again changes nothing downstream, and a changed row is a new event.
 */
export function accountUpsertedEvent(data: AccountUpsertedData, source: string, receivedAt: Date): InboundEvent {
  const event = {
    specversion: '1.0',
    id: eventId('account', data.id, stableId('v', JSON.stringify(data)).slice(2, 18)),
    type: 'forewarn.account.upserted',
    time: receivedAt.toISOString(),
    subject: data.id,
    data,
  };
  const parsed = parseInboundEvent(event, { source: `/sources/${source}`, receivedAt });
  if (!parsed.ok) throw new Error(`account ${data.id}: ${parsed.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
  return parsed.value;
}

export type AccountCsvRow = { line: number; ok: true; data: AccountUpsertedData } | { line: number; ok: false; errors: CsvRowError[] };

export class AccountCsvHeaderError extends Error {
  constructor(readonly problems: string[]) {
    super(`the CSV header is not usable: ${problems.join('; ')}`);
  }
}

/**
 * Parses an accounts CSV (comma or `delimiter`, optional BOM, quoted fields) into validated rows,
 * each with its line number. A row that is malformed as CSV (an unclosed quote, too many fields)
 * or invalid as an account is reported and skipped; a repeated id is an error on the later row.
 */
export async function* readAccountsCsv(input: Readable | string, options: { delimiter?: string } = {}): AsyncGenerator<AccountCsvRow> {
  const skipped: CsvRowError[] = [];
  const parser = parse({
    bom: true,
    info: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    delimiter: options.delimiter ?? ',',
    on_skip: (error) => {
      if (error) skipped.push({ line: (error as { lines?: number }).lines ?? 0, field: '(row)', message: `is not valid CSV: ${error.message.replace(/^Invalid[^:]*:\s*/, '')}` });
      return undefined;
    },
  });
  if (typeof input === 'string') parser.end(input);
  else input.pipe(parser);

  let columns: (AccountCsvColumn | null)[] | null = null;
  const seen = new Map<string, number>();
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // Rows skipped as malformed CSV come in line order with the others.
    while (skipped.length > 0 && skipped[0].line < info.lines) {
      const error = skipped.shift() as CsvRowError;
      yield { line: error.line, ok: false, errors: [error] };
    }
    if (!columns) {
      const header = readAccountCsvHeader(record);
      if (!header.ok) throw new AccountCsvHeaderError(header.errors);
      columns = header.columns;
      continue;
    }
    const line = info.lines;
    if (record.every((field) => field.trim() === '')) continue;
    if (record.length > columns.length) {
      yield { line, ok: false, errors: [{ line, field: '(row)', message: `has ${record.length} fields but the header has ${columns.length} (quote values that contain "${options.delimiter ?? ','}")` }] };
      continue;
    }
    const row: Partial<Record<AccountCsvColumn, string>> = {};
    columns.forEach((column, index) => {
      if (column) row[column] = record[index] ?? '';
    });
    const result = accountFromCsvRow(row);
    if (!result.ok) {
      yield { line, ok: false, errors: result.errors.map((e) => ({ line, ...e })) };
      continue;
    }
    const first = seen.get(result.data.id);
    if (first !== undefined) {
      yield { line, ok: false, errors: [{ line, field: 'id', message: `"${result.data.id}" is already on line ${first}` }] };
      continue;
    }
    seen.set(result.data.id, line);
    yield { line, ok: true, data: result.data };
  }
  for (const error of skipped) yield { line: error.line, ok: false, errors: [error] };
  if (!columns) throw new AccountCsvHeaderError(['the file is empty; the first line must name the columns']);
}
