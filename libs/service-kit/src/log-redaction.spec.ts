import { redactLogLine } from './log-redaction';

const line = (fields: Record<string, unknown>, level = 30) => JSON.stringify({ level, time: 1, service: 'gateway', ...fields });

describe('no secret reaches a log line', () => {
  it('masks the credentials Forewarn issues wherever they appear', () => {
    const key = 'fw_src_3kV9q1LqfZr0xN8mJbH2cT5wYp7aD4eG';
    const token = 'fw_usr_Qm9yZWxvbmdyYW5kb21ieXRlc2hlcmU';
    const session = 'fw_ses_bm90aGluZ3Rvc2VlaGVyZWF0YWxsISE';
    const out = redactLogLine(line({ msg: `key ${key} failed`, err: `token=${token}; session ${session}` }));
    for (const secret of [key, token, session]) expect(out).not.toContain(secret);
    expect(out).toContain('fw_src_[redacted]');
  });

  it('masks one-click link tokens in request paths and error messages', () => {
    const link = '/a/eyJhIjoiYWNrIiwiYWxlcnRJZCI6IjEyMyJ9.dGhpcy1pcy1hLXNpZ25hdHVyZQ';
    const out = redactLogLine(line({ req: { method: 'POST', url: link }, msg: `GET http://localhost:3000${link} 404` }));
    expect(out).not.toContain('eyJhIjoiYWNrIiwiYWxlcnRJZCI6IjEyMyJ9');
    expect(out).toContain('/a/[redacted]');
    const bare = redactLogLine(line({ req: { params: { path: ['a', link.slice(3)] } } }));
    expect(bare).not.toContain('eyJhIjoiYWNrIiwiYWxlcnRJZCI6IjEyMyJ9');
  });

  it('masks keys given in query strings and Authorization values', () => {
    const out = redactLogLine(line({ url: '/v1/webhooks/jira/x?token=abc123secret&x=1', msg: 'header was Bearer abcdefghijklmnop and Basic dXNlcjpwYXNzd29yZA==' }));
    expect(out).not.toMatch(/abc123secret|abcdefghijklmnop|dXNlcjpwYXNzd29yZA/);
    expect(out).toContain('token=[redacted]&x=1');
  });

  it('masks JSON fields named like secrets, whatever their value', () => {
    const out = redactLogLine(line({ user: { password: 'correct horse', apiKey: 'k-1', signingSecret: 'whsec', sessionId: 's-1', name: 'Ada' } }));
    expect(out).not.toMatch(/correct horse|"k-1"|whsec|"s-1"/);
    expect(JSON.parse(out).user.name).toBe('Ada');
  });

  it('shows recipients’ addresses only at debug level, and their domain otherwise', () => {
    expect(JSON.parse(redactLogLine(line({ msg: 'mail rejected', recipient: 'riley.chen@northwind.example' }))).recipient).toBe('***@northwind.example');
    expect(JSON.parse(redactLogLine(line({ msg: 'mail rejected', recipient: 'riley.chen@northwind.example' }, 20))).recipient).toBe('riley.chen@northwind.example');
  });

  it('keeps every line valid JSON and leaves ordinary lines alone', () => {
    const ordinary = line({ msg: 'alert topic batch applied', messages: 12, url: '/v1/events' });
    expect(redactLogLine(ordinary)).toBe(ordinary);
    const tricky = line({ msg: 'quote " and backslash \\ then token=x"y', password: 'a"b\\c' });
    expect(() => JSON.parse(redactLogLine(tricky))).not.toThrow();
  });
});

describe('keys in URLs', () => {
  it('are masked in any query parameter that carries a credential, whatever its case or place', () => {
    expect(redactLogLine('{"url":"/v1/webhooks/freshdesk/desk?token=fw_src_secret&x=1"}')).toBe('{"url":"/v1/webhooks/freshdesk/desk?token=[redacted]&x=1"}');
    expect(redactLogLine('{"url":"/v1/events?a=1&TOKEN=abc"}')).toBe('{"url":"/v1/events?a=1&TOKEN=[redacted]"}');
    expect(redactLogLine('{"url":"/healthz"}')).toBe('{"url":"/healthz"}');
  });
});
