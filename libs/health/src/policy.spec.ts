import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY, parsePolicy, PolicyError, stateForScore } from './policy';

const REPO_POLICY = join(__dirname, '../../../config/health-policy.json');

describe('health policy file', () => {
  it('the shipped config/health-policy.json is valid and holds exactly the defaults', () => {
    expect(parsePolicy(readFileSync(REPO_POLICY, 'utf8'), REPO_POLICY)).toEqual(DEFAULT_POLICY);
  });

  it('a file may set only what it changes; the rest are the defaults', () => {
    const policy = parsePolicy(JSON.stringify({ version: 'quieter hand-offs', handoffs: { weight: 4 } }));
    expect(policy.handoffs).toEqual({ ...DEFAULT_POLICY.handoffs, weight: 4 });
    expect(policy.thresholds).toEqual(DEFAULT_POLICY.thresholds);
    expect(policy.version).toBe('quieter hand-offs');
  });

  it('a policy as account-health records it (every setting, as JSON) reads back as the same policy', () => {
    const running = parsePolicy(JSON.stringify({ version: 'strict', thresholds: { watch: 95, at_risk: 90, firestorm: 35 }, hardRules: [] }));
    expect(parsePolicy(JSON.stringify(running), 'recorded')).toEqual(running);
  });

  it('lists replace the defaults whole (rules, bands)', () => {
    const policy = parsePolicy(JSON.stringify({ version: 'v', salesWeighting: { nearness: [{ withinHours: 24, multiplier: 2 }] } }));
    expect(policy.salesWeighting.nearness).toEqual([{ withinHours: 24, multiplier: 2 }]);
    expect(policy.salesWeighting.tiers).toEqual(DEFAULT_POLICY.salesWeighting.tiers);
  });

  it.each([
    ['{ "version": ', /^invalid health policy p\.json: not valid JSON/],
    ['[]', /must be a JSON object$/],
    ['{}', /version is required/],
    ['{ "version": "x", "handoffs": { "wieght": 3 } }', /^invalid health policy p\.json: handoffs\.wieght is not a known setting$/],
    ['{ "version": "x", "stale": { "expectedUpdateHours": { "1": -4 } } }', /stale\.expectedUpdateHours\.1 must be at least 0 \(exclusive\)$/],
    ['{ "version": "x", "thresholds": { "watch": 50, "at_risk": 60 } }', /thresholds must satisfy watch > at_risk > firestorm$/],
    ['{ "version": "x", "briefing": { "minState": "healthy" } }', /briefing\.minState must be one of watch, at_risk, firestorm$/],
    ['{ "version": "x", "hardRules": [{ "id": "r", "description": "d", "state": "firestorm", "when": {} }] }', /hardRules\.0\.when needs at least one condition$/],
    ['{ "version": "x", "negativeComments": { "weight": "high" } }', /negativeComments\.weight must be a number, not string$/],
  ])('rejects %s with one clear line', (text, message) => {
    let error: unknown = null;
    try {
      parsePolicy(text, 'p.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('maps scores to states by the thresholds', () => {
    expect([100, 80, 79, 60, 59, 35, 34, 0].map((s) => stateForScore(s, DEFAULT_POLICY))).toEqual(['healthy', 'healthy', 'watch', 'watch', 'at_risk', 'at_risk', 'firestorm', 'firestorm']);
  });
});
