import { randomBytes, scryptSync } from 'node:crypto';
import { ConcurrencyGate, hashPassword, PasswordHashingBusy, parsePasswordHash, PASSWORD_COST, passwordNeedsRehash, verifyPassword } from './secrets';

/** A hash as the first releases stored it: Node's default scrypt cost, no parameters written down. */
const legacyHash = (password: string) => {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, 32).toString('base64url')}`;
};

describe('password hashes', () => {
  it("carry today's recommended cost in the stored string, and verify", async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$ln=17,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(parsePasswordHash(stored)?.cost).toEqual(PASSWORD_COST);
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', stored)).resolves.toBe(false);
    expect(passwordNeedsRehash(stored)).toBe(false);
  });

  it('still verify in the old form without parameters, which asks to be re-hashed', async () => {
    const stored = legacyHash('old password 1');
    await expect(verifyPassword('old password 1', stored)).resolves.toBe(true);
    await expect(verifyPassword('old password 2', stored)).resolves.toBe(false);
    expect(passwordNeedsRehash(stored)).toBe(true);
  });

  it('ask to be re-hashed when made at a lower cost than today', async () => {
    const cheap = await hashPassword('pw-cheap-one', { ln: 10, r: 8, p: 1 });
    await expect(verifyPassword('pw-cheap-one', cheap)).resolves.toBe(true);
    expect(passwordNeedsRehash(cheap)).toBe(true);
  });

  it('never match a missing or unreadable hash, whatever the password', async () => {
    for (const stored of [null, '', 'plain', 'bcrypt$x$y', 'scrypt$ln=17,r=8$a$b', 'scrypt$$']) {
      await expect(verifyPassword('anything', stored)).resolves.toBe(false);
    }
  });

  it('refuse a stored cost that would take the server down instead of computing it', () => {
    const salt = Buffer.alloc(16, 1).toString('base64url');
    const key = Buffer.alloc(32, 1).toString('base64url');
    expect(parsePasswordHash(`scrypt$ln=30,r=8,p=1$${salt}$${key}`)).toBeNull();
    expect(parsePasswordHash(`scrypt$ln=17,r=99,p=1$${salt}$${key}`)).toBeNull();
    expect(parsePasswordHash(`scrypt$ln=17,r=8,p=1$${salt}$${key}`)?.cost).toEqual({ ln: 17, r: 8, p: 1 });
  });

  it('take as long for a missing hash as for a wrong password (the dummy is checked at full cost)', async () => {
    const stored = await hashPassword('timing-password');
    const time = async (hash: string | null) => {
      const started = process.hrtime.bigint();
      await verifyPassword('wrong guess', hash);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known = await time(stored);
    const unknown = await time(null);
    expect(unknown).toBeGreaterThan(known / 3);
    expect(unknown).toBeLessThan(known * 3);
  });
});

describe('the gate in front of password hashing', () => {
  it('runs a burst at most two at a time, refuses beyond the waiting line, and lets the line through', async () => {
    const gate = new ConcurrencyGate(2, 3);
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const task = () => gate.run(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
    });
    const accepted = [task(), task(), task(), task(), task()];
    await expect(task()).rejects.toBeInstanceOf(PasswordHashingBusy);
    while (releases.length || running) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(accepted);
    expect(most).toBe(2);
  });
});
