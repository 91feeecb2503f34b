import { isObject, norm, str } from './common';

/*
 * Reading JSON an admin wrote: a template with the vendor's placeholders under keys of their
 * choosing. Values are found by the key's words and by the value's shape, not by a fixed path.
 */

export interface Leaf {
  /** Keys from the root, normalised (lower case, `_`/`-`/`.`/camelCase split into spaces). */
  path: string[];
  /** The last key, normalised. */
  key: string;
  /** Every key of the path joined, normalised: `ticket requester email`. */
  words: string;
  value: unknown;
}

const normKey = (key: string): string => norm(key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/\./g, ' '));

/** Every scalar (and array of scalars) in the payload with the keys that lead to it; at most 64 levels and 2,000 leaves. */
export function leavesOf(payload: unknown): Leaf[] {
  const out: Leaf[] = [];
  const walk = (value: unknown, path: string[], depth: number): void => {
    if (out.length >= 2000 || depth > 64) return;
    if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, normKey(key)], depth + 1);
      return;
    }
    if (Array.isArray(value) && value.some((v) => isObject(v))) {
      value.forEach((child) => walk(child, path, depth + 1));
      return;
    }
    out.push({ path, key: path[path.length - 1] ?? '', words: path.join(' '), value });
  };
  walk(payload, [], 0);
  return out;
}

/**
 * The first leaf whose key words match `words` (and none of `not`) and whose value passes `accept`
 * (which returns the value read, or undefined). Leaves are tried in document order.
 */
export function pick<T>(leaves: Leaf[], words: RegExp, accept: (value: unknown) => T | undefined, not?: RegExp): T | undefined {
  for (const leaf of leaves) {
    if (!words.test(leaf.words) || (not && not.test(leaf.words))) continue;
    const value = accept(leaf.value);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A non-empty string (placeholders and blanks are missing). */
export const text = (value: unknown): string | undefined => str(value);
