import { createHash, randomBytes, scrypt as scryptCallback, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/** A random credential with a readable prefix (`fw_src_…`, `fw_usr_…`), 192 bits of entropy. */
export const newCredential = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** Credentials are random and long, so a fast hash is enough to keep them out of the database. */
export const hashCredential = (credential: string): string => createHash('sha256').update(credential).digest('hex');

/** scrypt's cost: N = 2^ln, block size r, parallelism p. */
export interface ScryptCost {
  ln: number;
  r: number;
  p: number;
}

/** Today's recommendation (OWASP Password Storage Cheat Sheet): N=2^17, r=8, p=1 — 128 MiB and about 0.3 s a hash here. */
export const PASSWORD_COST: ScryptCost = { ln: 17, r: 8, p: 1 };
/** What hashes without parameters (`scrypt$<salt>$<key>`) were made with: Node's defaults. */
const LEGACY_COST: ScryptCost = { ln: 14, r: 8, p: 1 };
/** Costs a stored hash may name; anything else is refused rather than computed (a 2^30 would take the server down). */
const COST_LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

export interface ParsedPasswordHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

/** `scrypt$ln=17,r=8,p=1$<salt>$<key>` (salt and key base64url). */
export function formatPasswordHash({ cost, salt, key }: ParsedPasswordHash): string {
  return `scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Reads both the current form and the old one without parameters; null for anything else. */
export function parsePasswordHash(stored: string | null | undefined): ParsedPasswordHash | null {
  const parts = (stored ?? '').split('$');
  if (parts[0] !== 'scrypt') return null;
  let cost = LEGACY_COST;
  let rest = parts.slice(1);
  if (parts.length === 4) {
    const params = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(parts[1]);
    if (!params) return null;
    cost = { ln: Number(params[1]), r: Number(params[2]), p: Number(params[3]) };
    rest = parts.slice(2);
  } else if (parts.length !== 3) {
    return null;
  }
  const within = (name: keyof ScryptCost) => cost[name] >= COST_LIMITS[name][0] && cost[name] <= COST_LIMITS[name][1];
  if (!within('ln') || !within('r') || !within('p')) return null;
  const [salt, key] = rest.map((part) => Buffer.from(part, 'base64url'));
  if (salt.length < 8 || key.length < 16 || key.length > 64) return null;
  return { cost, salt, key };
}

/** Whether a stored hash should be replaced by one at today's cost (done at the next successful sign-in). */
export function passwordNeedsRehash(stored: string | null | undefined): boolean {
  const parsed = parsePasswordHash(stored);
  return !parsed || parsed.cost.ln < PASSWORD_COST.ln || parsed.cost.r < PASSWORD_COST.r || parsed.cost.p < PASSWORD_COST.p;
}

/**
 * What unknown e-mails (and users without a password) are checked against, so that a wrong e-mail
 * costs the same hash as a wrong password and timing does not tell which e-mails exist. Nothing
 * hashes to an all-zero key.
 */
const DUMMY_HASH = formatPasswordHash({ cost: PASSWORD_COST, salt: Buffer.alloc(SALT_BYTES, 7), key: Buffer.alloc(KEY_BYTES) });

/** Too many hashes are waiting already: the caller should answer 503 and have the client retry. */
export class PasswordHashingBusy extends Error {
  constructor() {
    super('too many password checks are waiting');
    this.name = 'PasswordHashingBusy';
  }
}

/**
 * At most this many scrypt computations at once per process (each takes 128 MiB at today's cost),
 * and at most `MAX_WAITING` more waiting, so a burst of sign-ins costs time, not all the memory.
 */
export const HASHING_CONCURRENCY = 2;
const MAX_WAITING = 200;

/** Runs at most `limit` tasks at once; up to `maxWaiting` more wait their turn, beyond that it refuses. */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number, private readonly maxWaiting: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw new PasswordHashingBusy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.running -= 1;
    }
  }
}

const gate = new ConcurrencyGate(HASHING_CONCURRENCY, MAX_WAITING);

function scrypt(password: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.ln;
  // Node refuses more than 32 MiB unless told: allow what this cost needs, with room to spare.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return gate.run(() => new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  }));
}

export async function hashPassword(password: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, cost);
  return formatPasswordHash({ cost, salt, key });
}

/**
 * Whether the password matches the stored hash. A missing or unreadable hash is checked against a
 * dummy at today's cost and fails, so it takes as long as a wrong password.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  const { cost, salt, key } = parsed ?? (parsePasswordHash(DUMMY_HASH) as ParsedPasswordHash);
  const actual = await scrypt(password, salt, key.length, cost);
  return !!parsed && timingSafeEqual(actual, key);
}
