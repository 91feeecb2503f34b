import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses are on the public internet. Pure: no DNS, no sockets.
 *
 * A chat webhook or a calendar feed that points at this machine, the office network or a cloud
 * metadata service (169.254.169.254) would make Forewarn call inside the network it runs in; every
 * outbound call therefore goes only to addresses this module calls public.
 */

/** Why an address is not public, in a word a person understands. */
export type BlockedRange =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'site-local'
  | 'unspecified'
  | 'carrier-grade NAT'
  | 'multicast'
  | 'reserved';

type V4Rule = [base: string, prefix: number, range: BlockedRange];

const V4_RULES: V4Rule[] = [
  ['0.0.0.0', 8, 'unspecified'], // "this network"; 0.0.0.0 reaches this machine on Linux
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // cloud metadata services live here
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'], // documentation
  ['192.88.99.0', 24, 'reserved'], // former 6to4 relays
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'], // documentation
  ['203.0.113.0', 24, 'reserved'], // documentation
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // including 255.255.255.255
];

const v4ToNumber = (text: string): number => text.split('.').reduce((n, part) => n * 256 + Number(part), 0);

const V4_TABLE = V4_RULES.map(([base, prefix, range]) => ({ base: v4ToNumber(base), size: 2 ** (32 - prefix), range }));

function v4Range(value: number): BlockedRange | null {
  for (const rule of V4_TABLE) if (value >= rule.base && value < rule.base + rule.size) return rule.range;
  return null;
}

/** An IPv6 address as a 128-bit number; null when it is not one. Accepts `::`, an embedded IPv4 tail and a zone (`%eth0`). */
export function parseIPv6(text: string): bigint | null {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(address)) return null;
  let groups = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    const v4 = v4ToNumber(dotted[1]);
    groups = `${address.slice(0, -dotted[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = groups.includes('::') ? groups.split('::') : [groups, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const parts = tail === null ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (parts.length !== 8) return null;
  return parts.reduce((n, part) => (n << 16n) | BigInt(parseInt(part, 16)), 0n);
}

type V6Rule = { base: bigint; prefix: number; range: BlockedRange | 'embedded-v4' | '6to4' };

const v6 = (text: string, prefix: number, range: V6Rule['range']): V6Rule => ({ base: parseIPv6(text) as bigint, prefix, range });

/** Checked in order: the first rule whose prefix matches decides. */
const V6_RULES: V6Rule[] = [
  v6('::', 128, 'unspecified'),
  v6('::1', 128, 'loopback'),
  v6('::ffff:0:0', 96, 'embedded-v4'), // IPv4-mapped: ::ffff:127.0.0.1 is 127.0.0.1
  v6('::ffff:0:0:0', 96, 'embedded-v4'), // IPv4-translated (RFC 2765)
  v6('::', 96, 'reserved'), // IPv4-compatible, deprecated
  v6('64:ff9b::', 96, 'embedded-v4'), // NAT64: the gateway calls the IPv4 address inside
  v6('64:ff9b:1::', 48, 'reserved'), // local NAT64
  v6('100::', 64, 'reserved'), // discard
  v6('2001:db8::', 32, 'reserved'), // documentation
  v6('2001::', 32, 'reserved'), // Teredo tunnels
  v6('2002::', 16, '6to4'), // 6to4: an IPv4 address in bits 16–48
  v6('fc00::', 7, 'unique-local'),
  v6('fe80::', 10, 'link-local'),
  v6('fec0::', 10, 'site-local'),
  v6('ff00::', 8, 'multicast'),
];

function v6Range(value: bigint): BlockedRange | null {
  for (const rule of V6_RULES) {
    const shift = BigInt(128 - rule.prefix);
    if (value >> shift !== rule.base >> shift) continue;
    if (rule.range === 'embedded-v4') return v4Range(Number(value & 0xffffffffn));
    if (rule.range === '6to4') return v4Range(Number((value >> 80n) & 0xffffffffn));
    return rule.range;
  }
  return null;
}

/**
 * Why an IP address is not on the public internet, or null when it is. Anything that is not an IP
 * address at all is `reserved`: a caller that asks about it has a bug, and refusing is the safe answer.
 */
export function blockedRange(address: string): BlockedRange | null {
  const text = address.trim();
  if (isIPv4(text)) return v4Range(v4ToNumber(text));
  const value = parseIPv6(text);
  return value === null ? 'reserved' : v6Range(value);
}

/** Whether an IP address (IPv4, IPv6, IPv4-mapped) is on the public internet. */
export const isPublicAddress = (address: string): boolean => blockedRange(address) === null;

/** Whether a host is an IP address rather than a name (IPv6 with or without brackets). */
export const isIpLiteral = (host: string): boolean => isIPv4(host) || parseIPv6(host) !== null;
