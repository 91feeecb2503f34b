import { isSameOrigin } from './same-origin';

const publicUrl = 'https://forewarn.example.com';

describe('the same-origin check for cookie-authenticated changes', () => {
  it('accepts a form posted from a page of this server', () => {
    expect(isSameOrigin({ origin: 'http://localhost:3000', host: 'localhost:3000' }, 'http://localhost:3000')).toBe(true);
  });

  it('accepts the public URL behind a proxy that rewrites the host', () => {
    expect(isSameOrigin({ origin: 'https://forewarn.example.com', host: '10.0.0.5:3000' }, publicUrl)).toBe(true);
  });

  it('falls back to the Referer when the browser sent no Origin', () => {
    expect(isSameOrigin({ referer: 'http://localhost:3000/accounts/acme', host: 'localhost:3000' }, publicUrl)).toBe(true);
  });

  it('refuses another site', () => {
    expect(isSameOrigin({ origin: 'https://evil.example', host: 'localhost:3000' }, publicUrl)).toBe(false);
    expect(isSameOrigin({ origin: 'http://forewarn.example.com', host: 'x' }, publicUrl)).toBe(false);
  });

  it('refuses a request that says nowhere where it came from, or says "null"', () => {
    expect(isSameOrigin({ host: 'localhost:3000' }, publicUrl)).toBe(false);
    expect(isSameOrigin({ origin: 'null', host: 'localhost:3000' }, publicUrl)).toBe(false);
    expect(isSameOrigin({ origin: 'not a url', host: 'localhost:3000' }, publicUrl)).toBe(false);
  });
});
