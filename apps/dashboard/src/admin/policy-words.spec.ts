import { DEFAULT_POLICY } from '@forewarn/health';
import { policyInWords } from './policy-words';

describe('the health policy in words', () => {
  it('says where each state begins, what costs how many points, and which rules force a firestorm', () => {
    const words = policyInWords(DEFAULT_POLICY);
    const all = words.flatMap((w) => w.lines).join('\n');
    expect(words.map((w) => w.heading)).toEqual(['States', 'Points off the score of 100', 'What makes it weigh more', 'Hard rules (a state whatever the score)']);
    expect(all).toContain('Healthy from 80 points up; watch below 80; at risk below 60; firestorm below 35.');
    expect(all).toContain('Each open case by severity: critical 25, high 12, medium 4, low 0.');
    expect(all).toContain('firestorm: a critical escalation whose resolution the customer rejected (severity critical or worse, escalated to level 1 or more, a resolution rejected).');
  });
});
