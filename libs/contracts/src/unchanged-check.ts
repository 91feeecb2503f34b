import { z } from 'zod';

/**
 * A fast yes/no answer to "would this zod schema accept the value and return it unchanged?".
 *
 * zod stays the single source of truth: the check is derived from the schema's own definition, and
 * a `false` only means "ask zod" (the value may be invalid, need a transformation such as trim or a
 * default, or use a zod feature the check does not model). A `true` means zod would accept the value
 * and return a deep-equal copy of it, so callers can skip zod — its copies and garbage — on the hot
 * path of values that are already in canonical form, and still get zod's errors for the rest.
 */
export type UnchangedCheck = (value: unknown) => boolean;

interface Compiled {
  check: UnchangedCheck;
  /** `check(v) === false` means zod rejects v (no transformations, every feature modelled). */
  exact: boolean;
}

const notModelled: Compiled = { check: () => false, exact: false };

export function compileUnchangedCheck(schema: z.ZodTypeAny): UnchangedCheck {
  return compile(schema).check;
}

// A plain object as JSON.parse makes it; zod drops own `__proto__` keys, so those are not unchanged.
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !Object.prototype.hasOwnProperty.call(value, '__proto__');
};

function compile(schema: z.ZodTypeAny): Compiled {
  if (schema instanceof z.ZodString) return compileString(schema);
  if (schema instanceof z.ZodNumber) return compileNumber(schema);
  if (schema instanceof z.ZodBoolean) return { check: (v) => typeof v === 'boolean', exact: true };
  if (schema instanceof z.ZodUnknown) return { check: () => true, exact: true };
  if (schema instanceof z.ZodLiteral) {
    const literal: unknown = schema.value;
    return { check: (v) => v === literal, exact: true };
  }
  if (schema instanceof z.ZodEnum) {
    const values = new Set<unknown>(schema.options as string[]);
    return { check: (v) => typeof v === 'string' && values.has(v), exact: true };
  }
  if (schema instanceof z.ZodOptional) {
    const inner = compile(schema.unwrap());
    return { check: (v) => v === undefined || inner.check(v), exact: inner.exact };
  }
  // A missing value would be filled in: not unchanged.
  if (schema instanceof z.ZodDefault) {
    const inner = compile(schema.removeDefault());
    return { check: (v) => v !== undefined && inner.check(v), exact: false };
  }
  if (schema instanceof z.ZodArray) return compileArray(schema);
  if (schema instanceof z.ZodObject) return compileObject(schema);
  if (schema instanceof z.ZodRecord) return compileRecord(schema);
  if (schema instanceof z.ZodEffects) return compileRefinement(schema);
  if (schema instanceof z.ZodUnion) return compileUnion(schema);
  return notModelled;
}

function compileString(schema: z.ZodString): Compiled {
  if (schema._def.coerce) return notModelled;
  const changesValue = schema._def.checks.some((c) => c.kind === 'trim' || c.kind === 'toLowerCase');
  const tests: Array<(s: string) => boolean> = [];
  for (const c of schema._def.checks) {
    if (c.kind === 'min') tests.push((s) => s.length >= c.value);
    else if (c.kind === 'max') tests.push((s) => s.length <= c.value);
    else if (c.kind === 'length') tests.push((s) => s.length === c.value);
    else if (c.kind === 'regex') tests.push((s) => ((c.regex.lastIndex = 0), c.regex.test(s)));
    // zod would change the string; unchanged only if it already is trimmed / lower-case.
    else if (c.kind === 'trim') tests.push((s) => s === s.trim());
    else if (c.kind === 'toLowerCase') tests.push((s) => s === s.toLowerCase());
    // email, url, date, …: zod's own tests are not exported, so zod checks this one value.
    else return askZodAboutLeaf(schema, !changesValue);
  }
  return { check: (v) => typeof v === 'string' && tests.every((test) => test(v)), exact: !changesValue };
}

function compileNumber(schema: z.ZodNumber): Compiled {
  if (schema._def.coerce) return notModelled;
  const tests: Array<(n: number) => boolean> = [];
  for (const c of schema._def.checks) {
    if (c.kind === 'int') tests.push(Number.isInteger);
    else if (c.kind === 'min') tests.push(c.inclusive ? (n) => n >= c.value : (n) => n > c.value);
    else if (c.kind === 'max') tests.push(c.inclusive ? (n) => n <= c.value : (n) => n < c.value);
    else if (c.kind === 'finite') tests.push(Number.isFinite);
    else return askZodAboutLeaf(schema, true);
  }
  return { check: (v) => typeof v === 'number' && !Number.isNaN(v) && tests.every((test) => test(v)), exact: true };
}

/** A primitive is unchanged when zod returns the very same value. */
function askZodAboutLeaf(schema: z.ZodString | z.ZodNumber, exact: boolean): Compiled {
  return {
    check: (v) => {
      const result = schema.safeParse(v);
      return result.success && result.data === v;
    },
    exact,
  };
}

function compileArray(schema: z.ZodArray<z.ZodTypeAny>): Compiled {
  const { minLength, maxLength, exactLength } = schema._def;
  const element = compile(schema.element);
  const check: UnchangedCheck = (v) => {
    if (!Array.isArray(v)) return false;
    if ((minLength !== null && v.length < minLength.value) || (maxLength !== null && v.length > maxLength.value) || (exactLength !== null && v.length !== exactLength.value)) return false;
    // An index loop, not every(): a hole in a sparse array is undefined to zod too.
    for (let i = 0; i < v.length; i++) if (!element.check(v[i])) return false;
    return true;
  };
  return { check, exact: element.exact };
}

function compileObject(schema: z.ZodObject<z.ZodRawShape>): Compiled {
  const { unknownKeys, catchall } = schema._def;
  // A catchall schema would validate (and maybe change) the other keys.
  if (!(catchall instanceof z.ZodNever)) return notModelled;
  const fields = Object.entries(schema.shape).map(([key, fieldSchema]) => ({ key, ...compile(fieldSchema as z.ZodTypeAny) }));
  const known = new Set(fields.map((f) => f.key));
  // 'strip' drops other keys (a change), 'strict' rejects them, 'passthrough' keeps them.
  const othersAllowed = unknownKeys === 'passthrough';
  const check: UnchangedCheck = (v) => {
    if (!isPlainObject(v)) return false;
    for (const field of fields) if (!field.check(v[field.key])) return false;
    if (!othersAllowed) for (const key in v) if (!known.has(key)) return false;
    return true;
  };
  return { check, exact: unknownKeys !== 'strip' && fields.every((f) => f.exact) };
}

function compileRecord(schema: z.ZodRecord): Compiled {
  const key = compile(schema.keySchema);
  const value = compile(schema.valueSchema);
  const check: UnchangedCheck = (v) => {
    if (!isPlainObject(v)) return false;
    for (const k in v) if (!key.check(k) || !value.check(v[k])) return false;
    return true;
  };
  return { check, exact: key.exact && value.exact };
}

/** `.refine` / `.superRefine`: the schema's own refinement function runs on the (unchanged) value. */
function compileRefinement(schema: z.ZodEffects<z.ZodTypeAny>): Compiled {
  const effect = schema._def.effect;
  if (effect.type !== 'refinement') return notModelled;
  const inner = compile(schema.innerType());
  const check: UnchangedCheck = (v) => {
    if (!inner.check(v)) return false;
    let failed = false;
    const context = { addIssue: () => void (failed = true), path: [] };
    const result: unknown = effect.refinement(v, context as unknown as z.RefinementCtx);
    return !failed && !(result instanceof Promise);
  };
  return { check, exact: inner.exact };
}

/** zod returns the first option that accepts; an option before it must reject exactly. */
function compileUnion(schema: z.ZodUnion<readonly [z.ZodTypeAny, ...z.ZodTypeAny[]]>): Compiled {
  const options = schema.options.map(compile);
  const check: UnchangedCheck = (v) => {
    for (const option of options) {
      if (option.check(v)) return true;
      if (!option.exact) return false;
    }
    return false;
  };
  return { check, exact: options.every((o) => o.exact) };
}
