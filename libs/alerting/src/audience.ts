import { isPublicMailDomain } from '@forewarn/contracts';

/**
 * Who may hear about an account: only the organisation's own people (CONTRACT.md, "Email").
 *
 * Customers organise meetings and attend them, and their addresses travel with alerts; a mail, a
 * chat post or a digest goes only to a dashboard user or an address on an internal domain, never to
 * an address on any account's domain (unless that person is a dashboard user) and never to any other
 * outside address. Pure: the apps load the facts, this decides.
 */

/** What the apps read from the owners' read views. */
export interface AudienceFacts {
  /** Dashboard users' addresses (`dashboard.internal_people`). */
  users: readonly string[];
  /**
   * Domains of accounts Forewarn knows (`health.account_domains`): every one, or at least those of
   * the addresses being judged and their parents (what AudienceBook reads).
   */
  accountDomains: readonly string[];
}

export interface AudienceSettings {
  /** `FOREWARN_INTERNAL_DOMAINS`; null when unset. */
  internalDomains: readonly string[] | null;
  /** `MAIL_FROM`: when no internal domains are configured, its domain is ours. */
  mailFrom: string | null;
}

export interface Audience {
  users: ReadonlySet<string>;
  internalDomains: ReadonlySet<string>;
  accountDomains: ReadonlySet<string>;
}

export type AudienceVerdict =
  | { kept: true; as: 'dashboard user' | 'internal domain' }
  | { kept: false; why: 'customer domain' | 'outside domain' | 'not an address'; domain: string | null; reason: string };

const normalise = (value: string): string => value.trim().toLowerCase().replace(/\.$/, '');

/** The domain of an address (`Name <a@b.c>` too), lower case; null when it has none. */
export function domainOfAddress(address: string): string | null {
  const bare = /<([^<>]*)>\s*$/.exec(address)?.[1] ?? address;
  const at = bare.lastIndexOf('@');
  if (at <= 0) return null;
  const domain = normalise(bare.slice(at + 1));
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain) ? domain : null;
}

/** The first of a domain and its parents (eu.acme.com, acme.com, com) that is in the set. */
function matchIn(domain: string, set: ReadonlySet<string>): string | null {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length; i++) {
    const candidate = labels.slice(i).join('.');
    if (set.has(candidate)) return candidate;
  }
  return null;
}

/**
 * The audience from the facts and the settings. Without configured internal domains, the domains
 * of dashboard users and of MAIL_FROM are ours, except mailbox providers (a user at gmail.com does
 * not make every gmail.com address ours) and customer domains (a customer who is a user does not
 * make their colleagues ours).
 */
export function audienceOf(facts: AudienceFacts, settings: AudienceSettings): Audience {
  const users = new Set(facts.users.map(normalise).filter(Boolean));
  const accountDomains = new Set(facts.accountDomains.map(normalise).filter(Boolean));
  const configured = settings.internalDomains?.map(normalise).filter(Boolean) ?? [];
  const derived = settings.internalDomains
    ? []
    : [...facts.users, ...(settings.mailFrom ? [settings.mailFrom] : [])]
        .map(domainOfAddress)
        .filter((d): d is string => d !== null && !isPublicMailDomain(d) && matchIn(d, accountDomains) === null);
  return { users, accountDomains, internalDomains: new Set([...configured, ...derived]) };
}

/** Whether one address may hear about an account, and if not, why (for the delivery ledger). */
export function judgeAddress(address: string, audience: Audience): AudienceVerdict {
  const email = normalise(address);
  if (audience.users.has(email)) return { kept: true, as: 'dashboard user' };
  const domain = domainOfAddress(email);
  if (!domain) return { kept: false, why: 'not an address', domain: null, reason: 'not an internal address: not an e-mail address' };
  const customer = matchIn(domain, audience.accountDomains);
  if (customer) return { kept: false, why: 'customer domain', domain: customer, reason: `not an internal address: customer domain ${customer}` };
  if (matchIn(domain, audience.internalDomains)) return { kept: true, as: 'internal domain' };
  return { kept: false, why: 'outside domain', domain, reason: `not an internal address: outside domain ${domain}` };
}

/** Whether a person is one of ours (the account page shows the others as the customer's people). */
export const isInternal = (address: string, audience: Audience): boolean => judgeAddress(address, audience).kept;

/** Recipients split into those who may be told and those dropped, with the reason for each. */
export function splitAudience<R extends { email: string }>(recipients: readonly R[], audience: Audience): { kept: R[]; dropped: { recipient: R; reason: string }[] } {
  const kept: R[] = [];
  const dropped: { recipient: R; reason: string }[] = [];
  for (const recipient of recipients) {
    const verdict = judgeAddress(recipient.email, audience);
    if (verdict.kept) kept.push(recipient);
    else dropped.push({ recipient, reason: verdict.reason });
  }
  return { kept, dropped };
}

const ROLE_WORD = { owner: 'The owner', lead: 'The lead', member: 'Account team member' } as const;

/**
 * What the account page says when someone the account names would never be mailed: an owner on a
 * customer's domain (a CRM mistake) or on no internal domain (a setting missing).
 */
export function audienceWarnings(people: { role: keyof typeof ROLE_WORD; email: string }[], audience: Audience): string[] {
  const warnings: string[] = [];
  for (const person of people) {
    const verdict = judgeAddress(person.email, audience);
    if (verdict.kept) continue;
    const who = `${ROLE_WORD[person.role]} ${person.email.trim().toLowerCase()}`;
    if (verdict.why === 'customer domain') {
      const fix = person.role === 'member' ? 'Take them off the account team in the CRM.' : `Make one of your own people the ${person.role} in the CRM.`;
      warnings.push(`${who} is on the customer domain ${verdict.domain}: Forewarn mails them nothing about any account. ${fix}`);
    } else if (verdict.why === 'outside domain') {
      warnings.push(`${who} is not on an internal domain (${verdict.domain}): Forewarn mails them nothing. If they are one of yours, add ${verdict.domain} to FOREWARN_INTERNAL_DOMAINS or register them as a dashboard user.`);
    } else {
      warnings.push(`${who} is not an e-mail address: Forewarn mails them nothing.`);
    }
  }
  return warnings;
}
