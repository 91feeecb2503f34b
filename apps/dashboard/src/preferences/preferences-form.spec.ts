import { chatAddressProblem, parsePreferences } from './preferences-form';

describe('notification preferences from a form or the API', () => {
  it('reads mode, quiet hours and time zone', () => {
    expect(parsePreferences({ mode: 'digest', quietStart: '21:30', quietEnd: '06:45', timeZone: 'Europe/Berlin' })).toEqual({
      ok: true, value: { mode: 'digest', quietHours: { start: '21:30', end: '06:45' }, timeZone: 'Europe/Berlin', chat: null },
    });
    expect(parsePreferences({ mode: 'immediate', quietHours: null, timeZone: '' })).toEqual({ ok: true, value: { mode: 'immediate', quietHours: null, timeZone: null, chat: null } });
  });

  it('takes a Slack or Teams webhook, https only unless allowed', () => {
    expect(parsePreferences({ chatKind: 'slack', chatUrl: 'https://hooks.slack.com/services/T0/B0/x' })).toMatchObject({ ok: true, value: { chat: { kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' } } });
    expect(parsePreferences({ chat: { kind: 'teams', url: 'http://chat.example.com/hook' } })).toEqual({ ok: false, errors: [{ field: 'chat.url', message: 'must be the Teams incoming webhook address (https://…)' }] });
    expect(parsePreferences({ chatKind: 'teams', chatUrl: 'http://chat.example.com/hook' }, { outbound: { allowPlainHttp: true, allowHosts: [] } })).toMatchObject({ ok: true });
    expect(parsePreferences({ chat: { kind: 'teams', url: 'http://127.0.0.1:9/hook' } }, { outbound: { allowPlainHttp: true, allowHosts: ['127.0.0.1'] } })).toMatchObject({ ok: true });
    expect(parsePreferences({ chatKind: 'pager', chatUrl: 'https://x' })).toEqual({ ok: false, errors: [{ field: 'chatKind', message: 'must be "slack", "teams" or empty' }] });
  });

  it.each([
    ['https://127.0.0.1/x', '127.0.0.1 is a loopback address'],
    ['https://169.254.169.254/latest', '169.254.169.254 is a link-local address'],
    ['https://[::1]/x', '::1 is a loopback address'],
    ['https://10.0.0.5/x', '10.0.0.5 is a private address'],
  ])('refuses a webhook at %s, naming the field', (url, why) => {
    expect(parsePreferences({ chat: { kind: 'slack', url } })).toEqual({ ok: false, errors: [{ field: 'chat.url', message: `must be on the public internet: ${why}` }] });
    expect(parsePreferences({ chatKind: 'slack', chatUrl: url })).toEqual({ ok: false, errors: [{ field: 'chatUrl', message: `must be on the public internet: ${why}` }] });
  });

  it('refuses a webhook whose name resolves inside the network when saved; a name that does not resolve now is no refusal', async () => {
    const strict = { allowPlainHttp: false, allowHosts: [] };
    const metadata = async () => [{ address: '169.254.169.254', family: 4 }];
    expect(await chatAddressProblem({ kind: 'slack', url: 'https://hooks.evil.example/x' }, 'chat.url', strict, metadata)).toEqual({
      field: 'chat.url', message: 'must be on the public internet: hooks.evil.example (169.254.169.254) is a link-local address',
    });
    const nowhere = async () => { throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }); };
    expect(await chatAddressProblem({ kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' }, 'chat.url', strict, nowhere)).toBeNull();
    expect(await chatAddressProblem(null, 'chat.url', strict)).toBeNull();
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
});
