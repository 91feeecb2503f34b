/** The request headers a same-origin check reads. */
export interface OriginHeaders {
  origin?: string;
  referer?: string;
  host?: string;
}

const originOf = (url: string | undefined): URL | null => {
  if (!url || url === 'null') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
};

/**
 * Whether a state-changing request with cookie auth comes from our own pages (the CSRF defence,
 * together with SameSite=Lax cookies). The browser's Origin header (or, failing that, the Referer)
 * must name this server: the host the request was sent to, or the public URL's origin. A request
 * that names neither is refused.
 */
export function isSameOrigin(headers: OriginHeaders, publicUrl: string): boolean {
  const source = originOf(headers.origin) ?? originOf(headers.referer);
  if (!source) return false;
  if (headers.host && source.host.toLowerCase() === headers.host.toLowerCase()) return true;
  const own = originOf(publicUrl);
  return !!own && source.origin === own.origin;
}
