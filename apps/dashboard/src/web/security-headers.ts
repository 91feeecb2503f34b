import type { NextFunction, Request, Response } from 'express';

/**
 * Our own script only (/assets/dashboard.js), inline styles (the layout's), images also from mail
 * previews, nothing may frame us, forms only post here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https: http:",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'self'",
  "object-src 'none'",
].join('; ');

/** Browsers that once reached the dashboard over https keep to https for a year, subdomains included. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** The headers on every answer; HSTS only when the dashboard is served over https (`PUBLIC_URL`). */
export function securityHeaders(publicUrl: string): (request: Request, response: Response, next: NextFunction) => void {
  const https = publicUrl.startsWith('https:');
  return (_request, response, next) => {
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'same-origin');
    response.setHeader('X-Frame-Options', 'DENY');
    if (https) response.setHeader('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
    next();
  };
}
