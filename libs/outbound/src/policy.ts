import { isIPv4 } from 'node:net';
import { type BlockedRange, blockedRange, isIpLiteral, parseIPv6 } from './address';

/** What an outbound call may reach. */
export interface OutboundPolicy {
  /** `http:` as well as `https:` (outside production, for a local test receiver; calendar feeds always). */
  allowPlainHttp: boolean;
  /**
   * Hosts (names or IP addresses) an operator allows although they are not public
   * (`FOREWARN_OUTBOUND_ALLOW_HOSTS`, e.g. a chat relay inside the network, or the tests' local fake servers).
   */
  allowHosts: readonly string[];
  /** Any address at all: an operator's explicit choice for one calendar feed (`forewarn calendar add --allow-internal`). */
  allowInternal?: boolean;
}

/** What a refused call says, to the person and in the delivery ledger: never what an internal host answered. */
export const NOT_PUBLIC = 'the address is not on the public internet';

/** A refusal's `reason` is a whole sentence; when the address is not public, `detail` says which and why ("127.0.0.1 is a loopback address"). */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string; notPublic: false } | { ok: false; reason: string; notPublic: true; detail: string };

const notPublic = (detail: string): UrlCheck => ({ ok: false, reason: `${NOT_PUBLIC} (${detail})`, notPublic: true, detail });

/** Names that mean this machine whatever DNS says. */
const LOCAL_NAME = /(^|\.)localhost$/;

const ARTICLE: Record<BlockedRange, string> = {
  loopback: 'a loopback', private: 'a private', 'link-local': 'a link-local', 'unique-local': 'a unique-local', 'site-local': 'a site-local',
  unspecified: 'an unspecified', 'carrier-grade NAT': 'a carrier-grade NAT', multicast: 'a multicast', reserved: 'a reserved',
};

/** "127.0.0.1 is a loopback address". */
export const describeBlocked = (host: string, range: BlockedRange): string => `${host} is ${ARTICLE[range]} address`;

/**
 * A host as the WHATWG URL parser writes it: lower case, IPv6 without brackets, IPv4 in dotted
 * decimal (so `2130706433`, `0177.0.0.1` and `0x7f.1` all become `127.0.0.1`), no trailing dot.
 */
export function normaliseHost(host: string): string {
  const bare = host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  try {
    const parsed = new URL(`http://${parseIPv6(bare) !== null ? `[${bare}]` : bare}/`).hostname;
    return parsed.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  } catch {
    return bare;
  }
}

/** Whether the operator listed this host (name or address) in the policy's allow-list. */
export function isAllowedHost(host: string, policy: OutboundPolicy): boolean {
  if (policy.allowInternal) return true;
  const wanted = normaliseHost(host);
  return policy.allowHosts.some((entry) => normaliseHost(entry) === wanted);
}

/** Why an address that a name resolved to may not be called, or null when it may. */
export function refusedAddress(address: string, hostname: string, policy: OutboundPolicy): string | null {
  if (isAllowedHost(hostname, policy) || isAllowedHost(address, policy)) return null;
  const range = blockedRange(address);
  return range ? describeBlocked(hostname === address ? address : `${hostname} (${address})`, range) : null;
}

/**
 * The checks that need no DNS: an http(s) URL (https only unless `allowPlainHttp`) whose host is
 * not an IP literal in a blocked range, nor a name for this machine, unless the operator allowed it.
 */
export function checkOutboundUrl(text: string | URL, policy: OutboundPolicy): UrlCheck {
  let url: URL;
  try {
    url = typeof text === 'string' ? new URL(text.trim()) : new URL(text.toString());
  } catch {
    return { ok: false, reason: 'is not a URL', notPublic: false };
  }
  const protocols = policy.allowPlainHttp ? ['https:', 'http:'] : ['https:'];
  if (!protocols.includes(url.protocol)) {
    return { ok: false, reason: policy.allowPlainHttp ? 'must be an http or https address' : 'must be an https address', notPublic: false };
  }
  const host = normaliseHost(url.hostname);
  if (!host) return { ok: false, reason: 'has no host', notPublic: false };
  if (isAllowedHost(host, policy)) return { ok: true, url };
  if (isIpLiteral(host)) {
    const range = blockedRange(host);
    if (range) return notPublic(describeBlocked(host, range));
  } else if (LOCAL_NAME.test(host)) {
    return notPublic(`${host} is this machine`);
  } else if (!host.includes('.') && !isIPv4(host)) {
    return notPublic(`${host} is not a public domain name`);
  }
  return { ok: true, url };
}
