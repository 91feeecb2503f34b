import { prettyLogsAvailable, requestForLog } from './service-kit.module';

describe('request logs', () => {
  it('carry the method, path and a few harmless headers, never route params, cookies or credentials', () => {
    const logged = requestForLog({
      id: 7, method: 'POST', url: '/a/eyJ.sig', remoteAddress: '10.1.2.3',
      headers: { authorization: 'Bearer fw_usr_x', cookie: 'fw_session=fw_ses_y', 'user-agent': 'Zendesk Webhook', 'x-request-id': 'r-1' },
    });
    expect(logged).toEqual({ id: 7, method: 'POST', url: '/a/eyJ.sig', remoteAddress: '10.1.2.3', headers: { 'user-agent': 'Zendesk Webhook', 'x-request-id': 'r-1' } });
  });
});

describe('pretty logs', () => {
  it('are available where pino-pretty is installed (a development install)', () => {
    expect(prettyLogsAvailable()).toBe(true);
  });

  it('are not where it is missing (a production install), which then logs JSON instead of failing', () => {
    const missing = (id: string): string => { throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' }); };
    expect(prettyLogsAvailable(missing)).toBe(false);
  });
});
