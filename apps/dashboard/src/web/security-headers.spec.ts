import type { Request, Response } from 'express';
import { securityHeaders } from './security-headers';

const headersFor = (publicUrl: string): Record<string, string> => {
  const set: Record<string, string> = {};
  const response = { setHeader: (name: string, value: string) => (set[name] = value) } as unknown as Response;
  let passedOn = false;
  securityHeaders(publicUrl)({} as Request, response, () => (passedOn = true));
  expect(passedOn).toBe(true);
  return set;
};

describe('the security headers on every dashboard answer', () => {
  it('tell browsers to keep to https for a year when the dashboard is served over https', () => {
    expect(headersFor('https://forewarn.example.com')['Strict-Transport-Security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('say nothing about https when it is served over plain http (a browser would remember it wrongly)', () => {
    const headers = headersFor('http://localhost:3000');
    expect(headers['Strict-Transport-Security']).toBeUndefined();
    expect(headers['X-Frame-Options']).toBe('DENY');
  });
});
