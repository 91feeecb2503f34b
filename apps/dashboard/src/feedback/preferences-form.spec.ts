import { parsePreferences, parseSnoozeHours } from './preferences-form';

describe('notification preferences from a form or the API', () => {
  it('reads mode, quiet hours and time zone', () => {
    expect(parsePreferences({ mode: 'digest', quietStart: '21:30', quietEnd: '06:45', timeZone: 'Europe/Berlin' })).toEqual({
      ok: true, value: { mode: 'digest', quietHours: { start: '21:30', end: '06:45' }, timeZone: 'Europe/Berlin', chat: null },
    });
    expect(parsePreferences({ mode: 'immediate', quietHours: null, timeZone: '' })).toEqual({ ok: true, value: { mode: 'immediate', quietHours: null, timeZone: null, chat: null } });
  });

  it('takes a Slack or Teams webhook, https only unless allowed', () => {
    expect(parsePreferences({ chatKind: 'slack', chatUrl: 'https://hooks.slack.com/services/T0/B0/x' })).toMatchObject({ ok: true, value: { chat: { kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' } } });
    expect(parsePreferences({ chat: { kind: 'teams', url: 'http://127.0.0.1:9/hook' } })).toEqual({ ok: false, errors: [{ field: 'chatUrl', message: 'must be the Teams incoming webhook address (https://…)' }] });
    expect(parsePreferences({ chat: { kind: 'teams', url: 'http://127.0.0.1:9/hook' } }, { allowPlainHttp: true })).toMatchObject({ ok: true });
    expect(parsePreferences({ chatKind: 'pager', chatUrl: 'https://x' })).toEqual({ ok: false, errors: [{ field: 'chatKind', message: 'must be "slack", "teams" or empty' }] });
  });

  it('names every bad field', () => {
    expect(parsePreferences({ mode: 'loud', quietStart: '25:00', quietEnd: '7', timeZone: 'Mars/Olympus' })).toEqual({
      ok: false,
      errors: [
        { field: 'mode', message: 'must be "immediate" or "digest"' },
        { field: 'quietStart', message: 'must be a time like 20:00' },
        { field: 'quietEnd', message: 'must be a time like 07:00' },
        { field: 'timeZone', message: '"Mars/Olympus" is not a time zone (use a name like Europe/Berlin)' },
      ],
    });
  });

  it('snoozes for a day unless told otherwise, at most 30 days', () => {
    expect(parseSnoozeHours(undefined)).toBe(24);
    expect(parseSnoozeHours('72')).toBe(72);
    expect(parseSnoozeHours(0)).toBeNull();
    expect(parseSnoozeHours(721)).toBeNull();
    expect(parseSnoozeHours('soon')).toBeNull();
  });
});
