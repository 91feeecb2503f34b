import { commentSentiment } from './sentiment';

describe('sentiment of what customers write (wink-nlp, offline)', () => {
  it.each([
    ['This is unacceptable.', 'negative'],
    ['Thanks for the call. Frankly, this is terrible.', 'negative'],
    ['We are losing money every hour this is down', 'negative'],
    ['Any news?', 'neutral'],
    ['Thank you so much, works great now', 'positive'],
  ])('“%s” reads %s', (text, expected) => {
    const score = commentSentiment(text);
    expect(score >= -1 && score <= 1).toBe(true);
    expect(score < -0.1 ? 'negative' : score > 0.1 ? 'positive' : 'neutral').toBe(expected);
  });

  it('is as negative as the most negative sentence, and the same every time', () => {
    const mixed = 'Thanks for the quick reply. This is unacceptable.';
    expect(commentSentiment(mixed)).toBe(commentSentiment('This is unacceptable.'));
    expect(commentSentiment(mixed)).toBe(commentSentiment(mixed));
    expect(commentSentiment('   ')).toBe(0);
  });
});
