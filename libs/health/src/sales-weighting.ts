import type { AccountFacts, AccountProfile, UpcomingMeeting } from './account-facts';
import type { HealthPolicy } from './policy';
import { DAY_MS, HOUR_MS, inTime } from './words';

/**
 * Sales weighting: the same problems matter more at a bigger account and right before a meeting
 * or renewal. Both are multipliers on the problems' weight; their product is capped.
 */

const normaliseTier = (tier: string): string => tier.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface ValueWeight {
  multiplier: number;
  /** "strategic account, $1.2M ARR". */
  words: string;
}

const money = (arr: number): string =>
  arr >= 1_000_000 ? `$${(arr / 1_000_000).toFixed(arr % 1_000_000 === 0 ? 0 : 1)}M` : arr >= 1000 ? `$${Math.round(arr / 1000)}k` : `$${arr}`;

/** The account's value multiplier: the larger of its tier's and its ARR band's. */
export function valueWeight(account: AccountProfile | null | undefined, policy: HealthPolicy): ValueWeight | null {
  if (!account) return null;
  const tiers = Object.fromEntries(Object.entries(policy.salesWeighting.tiers).map(([k, v]) => [normaliseTier(k), v]));
  const byTier = account.tier ? tiers[normaliseTier(account.tier)] ?? 1 : 1;
  const band = account.arr !== null ? policy.salesWeighting.arrBands.find((b) => (account.arr as number) >= b.atLeast) : undefined;
  const byArr = band?.multiplier ?? 1;
  const multiplier = Math.max(byTier, byArr);
  if (multiplier <= 1) return null;
  const words = [account.tier ? `${account.tier} account` : null, account.arr !== null ? `${money(account.arr)} ARR` : null].filter(Boolean).join(', ');
  return { multiplier, words: words || 'key account' };
}

export interface Nearness {
  multiplier: number;
  kind: 'meeting' | 'renewal';
  /** Start of the meeting, or of the renewal day (ms since epoch). */
  at: number;
  hoursAway: number;
  meeting: UpcomingMeeting | null;
  /** "renewal meeting “Northwind renewal” in 20 hours", "the contract renews tomorrow". */
  words: string;
}

/** When the renewal day starts; it counts as "near" until that day is over. */
function renewalWindow(renewalDate: string): { start: number; end: number } | null {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(renewalDate) ? Date.parse(`${renewalDate}T00:00:00Z`) : Date.parse(renewalDate);
  if (Number.isNaN(day)) return null;
  return { start: day, end: /^\d{4}-\d{2}-\d{2}$/.test(renewalDate) ? day + DAY_MS : day };
}

const KIND_WORD: Record<string, string> = { renewal: 'renewal meeting', proposal: 'proposal meeting', qbr: 'QBR', demo: 'demo' };

/** The next meeting or renewal, how near it is, and its multiplier (null when none is near). */
export function nearness(facts: Pick<AccountFacts, 'account' | 'meetings'>, policy: HealthPolicy, now: Date): Nearness | null {
  const t = now.getTime();
  const candidates: Omit<Nearness, 'multiplier'>[] = [];
  for (const m of facts.meetings ?? []) {
    const at = Date.parse(m.startsAt);
    if (at > t) candidates.push({ kind: 'meeting', at, hoursAway: (at - t) / HOUR_MS, meeting: m, words: `${KIND_WORD[m.kind ?? ''] ?? 'meeting'}${m.title ? ` “${m.title}”` : ''} ${inTime(at, now)}` });
  }
  const renewal = facts.account?.renewalDate ? renewalWindow(facts.account.renewalDate) : null;
  if (renewal && renewal.end > t) {
    const hoursAway = Math.max(0, (renewal.start - t) / HOUR_MS);
    const when = renewal.start <= t ? 'today' : hoursAway < 36 ? 'tomorrow' : inTime(renewal.start, now);
    candidates.push({ kind: 'renewal', at: renewal.start, hoursAway, meeting: null, words: `the contract renews ${when}` });
  }
  if (candidates.length === 0) return null;
  const nearest = candidates.reduce((a, b) => (a.hoursAway <= b.hoursAway ? a : b));
  const band = [...policy.salesWeighting.nearness].sort((a, b) => a.withinHours - b.withinHours).find((b) => nearest.hoursAway <= b.withinHours);
  if (!band || band.multiplier <= 1) return null;
  return { ...nearest, multiplier: band.multiplier };
}

/** Hours to the next meeting or renewal, whatever the weighting bands (for hard rules and briefings). */
export function hoursToNextMeetingOrRenewal(facts: Pick<AccountFacts, 'account' | 'meetings'>, now: Date): number | null {
  const t = now.getTime();
  const hours = (facts.meetings ?? []).map((m) => (Date.parse(m.startsAt) - t) / HOUR_MS).filter((h) => h > 0);
  const renewal = facts.account?.renewalDate ? renewalWindow(facts.account.renewalDate) : null;
  if (renewal && renewal.end > t) hours.push(Math.max(0, (renewal.start - t) / HOUR_MS));
  return hours.length ? Math.min(...hours) : null;
}
