import { requestForLog } from './service-kit.module';

describe('request logs', () => {
  it('carry the method, path and a few harmless headers, never route params, cookies or credentials', () => {
    const logged = requestForLog({
      id: 7, method: 'POST', url: '/a/eyJ.sig', remoteAddress: '10.1.2.3',
      headers: { authorization: 'Bearer fw_usr_x', cookie: 'fw_session=fw_ses_y', 'user-agent': 'Zendesk Webhook', 'x-request-id': 'r-1' },
    });
    expect(logged).toEqual({ id: 7, method: 'POST', url: '/a/eyJ.sig', remoteAddress: '10.1.2.3', headers: { 'user-agent': 'Zendesk Webhook', 'x-request-id': 'r-1' } });
  });
});
