/**
 * How negative a customer's words are, from −1 (furious) to +1 (delighted), using wink-nlp's
 * English sentiment model (shipped as an npm package, so it works offline). A comment is as
 * negative as its most negative sentence: "Thanks for the call. This is unacceptable." is a
 * complaint, not a neutral average.
 */
type WinkDoc = { sentences(): { out(its: unknown): number[] }; out(its: unknown): number };
type Nlp = { readDoc(text: string): WinkDoc; its: { sentiment: unknown } };

let nlp: Nlp | null = null;
const cache = new Map<string, number>();
const CACHE_SIZE = 5000;

function model(): Nlp {
  if (!nlp) {
    // Loaded on first use: ~100 ms, and only the processes that score comments pay for it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy loading is the point
    const winkNLP = require('wink-nlp') as (model: unknown, pipe?: string[]) => Nlp;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy loading is the point
    nlp = winkNLP(require('wink-eng-lite-web-model'), ['sbd', 'negation', 'sentiment']);
  }
  return nlp;
}

/** Sentiment of a comment: its most negative sentence, rounded to 3 decimals (deterministic, cached). */
export function commentSentiment(text: string): number {
  const trimmed = text.trim().slice(0, 2000);
  if (!trimmed) return 0;
  const hit = cache.get(trimmed);
  if (hit !== undefined) return hit;
  const nlpModel = model();
  const sentences = nlpModel.readDoc(trimmed).sentences().out(nlpModel.its.sentiment);
  const worst = Math.min(0, ...sentences);
  const score = Math.round((worst < 0 ? worst : Math.max(0, ...sentences)) * 1000) / 1000;
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(trimmed, score);
  return score;
}
