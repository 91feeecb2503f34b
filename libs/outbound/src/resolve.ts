import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIpLiteral } from './address';
import { checkOutboundUrl, NOT_PUBLIC, normaliseHost, type OutboundPolicy, refusedAddress, type UrlCheck } from './policy';

/** Resolves a host name to its addresses (the system resolver unless a test gives another). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/** A name resolved to an address that is not public: the call is not made. */
export class OutboundRefusedError extends Error {
  readonly code = 'EFOREWARNREFUSED';
  /** Which address and why, for operators (the message itself says only that it was refused). */
  constructor(readonly detail: string) {
    super(NOT_PUBLIC);
    this.name = 'OutboundRefusedError';
  }
}

/** Every address a name resolved to must be callable: one private answer refuses the whole name. */
export function assertCallable(hostname: string, addresses: readonly LookupAddress[], policy: OutboundPolicy): void {
  for (const { address } of addresses) {
    const refused = refusedAddress(address, hostname, policy);
    if (refused) throw new OutboundRefusedError(refused);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` / `net.connect`: resolves the name, refuses it when any address is
 * not public, and hands the socket exactly the addresses it checked, so a second DNS answer (DNS
 * rebinding) can never slip a private address in between the check and the connection.
 */
export function guardedLookup(policy: OutboundPolicy, resolver: Resolver = systemResolver) {
  return (hostname: string, options: LookupOptions | number, callback: LookupCallback): void => {
    const wanted = typeof options === 'number' ? { family: options } : options;
    resolver(hostname)
      .then((all) => {
        const family = wanted.family === 'IPv4' ? 4 : wanted.family === 'IPv6' ? 6 : wanted.family;
        const addresses = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
        if (addresses.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
        assertCallable(hostname, addresses, policy);
        if (wanted.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, wanted.all ? [] : ''));
  };
}

const DNS_CHECK_MS = 3_000;

/**
 * The check when an address is saved: the URL rules, then what the name resolves to now. A name
 * that does not resolve (yet, or from here) is no refusal: every call checks again after resolving.
 */
export async function checkOutboundAddress(text: string, policy: OutboundPolicy, resolver: Resolver = systemResolver): Promise<UrlCheck> {
  const checked = checkOutboundUrl(text, policy);
  if (!checked.ok) return checked;
  const host = normaliseHost(checked.url.hostname);
  if (isIpLiteral(host)) return checked;
  let timer: NodeJS.Timeout | undefined;
  try {
    const addresses = await Promise.race([
      resolver(host),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), DNS_CHECK_MS))),
    ]);
    if (addresses) assertCallable(host, addresses, policy);
    return checked;
  } catch (error) {
    if (error instanceof OutboundRefusedError) return { ok: false, reason: `${NOT_PUBLIC} (${error.detail})`, notPublic: true, detail: error.detail };
    return checked;
  } finally {
    clearTimeout(timer);
  }
}
