import { missingPreferences, patchPreferences } from './preferences-request';
import { parsePreferences } from './preferences-form';

describe('changing preferences through the API', () => {
  const current = { mode: 'immediate' as const, quietHours: { start: '22:00', end: '06:30' }, timeZone: 'Europe/Lisbon', chat: { kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' } };

  it('PUT with only a mode names every preference it leaves out', () => {
    expect(missingPreferences({ mode: 'digest' }).map((e) => e.field)).toEqual(['quietHours', 'timeZone', 'chat']);
  });

  it('PUT accepts null for what someone wants cleared, and the web form’s field names', () => {
    expect(missingPreferences({ mode: 'digest', quietHours: null, timeZone: null, chat: null })).toEqual([]);
    expect(missingPreferences({ mode: 'digest', quietStart: '', quietEnd: '', timeZone: '', chatKind: '', chatUrl: '' })).toEqual([]);
  });

  it('PATCH with only a mode keeps quiet hours, time zone and chat', () => {
    const patched = patchPreferences(current, { mode: 'digest' });
    if (!patched.ok) throw new Error('expected a patch');
    expect(parsePreferences(patched.body)).toEqual({ ok: true, value: { ...current, mode: 'digest' } });
  });

  it('PATCH clears quiet hours when asked to, in either form, and leaves the rest', () => {
    for (const body of [{ quietHours: null }, { quietStart: '', quietEnd: '' }]) {
      const patched = patchPreferences(current, body);
      if (!patched.ok) throw new Error('expected a patch');
      expect(parsePreferences(patched.body)).toEqual({ ok: true, value: { ...current, quietHours: null } });
    }
  });

  it('PATCH that names no preference is refused', () => {
    expect(patchPreferences(current, { colour: 'blue' })).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'body' })] });
  });
});
