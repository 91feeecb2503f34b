import type { DataSource, EntityManager } from 'typeorm';

/**
 * Every PostgreSQL advisory lock Forewarn takes, in one place, so no two uses share an id by
 * accident. One integer space for all services (they share the database).
 */
export const LOCK = {
  /** Applying migrations: several services or replicas starting at once wait for each other. */
  migrations: 4_711_001,
  /** Held exclusively by `forewarn replay`; every projection transaction holds it shared. */
  replay: 4_711_101,
  /** The one account-health instance running the periodic sweep. */
  sweep: 4_711_102,
  /** Orders unmapped events and the accounts that claim them. */
  unmapped: 4_711_103,
  /** Seed of the per-meeting locks (`hashtextextended(meeting key, seed)`). */
  meeting: 4_711_104,
  /** The one account-health instance deleting health history past its retention. */
  historyRetention: 4_711_105,
  /** The one gateway instance polling calendar feeds. */
  calendar: 4_711_201,
  /** The one gateway instance deleting deliveries past their retention from the delivery log. */
  deliveryLog: 4_711_202,
  /** The one notifier instance composing digests. */
  digest: 0x46574447, // "FWDG", the id it had before this registry
  /** The one notifier instance deleting settled notifications past their retention. */
  ledgerRetention: 4_711_301,
} as const;

export type LockName = keyof typeof LOCK;

type Runner = Pick<EntityManager, 'query'>;

/** Waits for a lock held until the end of the current transaction (`exclusive` or `shared`). */
export async function lockForTransaction(tx: Runner, lock: LockName, mode: 'exclusive' | 'shared' = 'exclusive'): Promise<void> {
  await tx.query(mode === 'shared' ? 'SELECT pg_advisory_xact_lock_shared($1)' : 'SELECT pg_advisory_xact_lock($1)', [LOCK[lock]]);
}

/** Takes a lock held until the end of the current transaction if nobody holds it; false otherwise. */
export async function tryLockForTransaction(tx: Runner, lock: LockName): Promise<boolean> {
  const [{ locked }] = (await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [LOCK[lock]])) as { locked: boolean }[];
  return locked;
}

/**
 * Runs `work` while holding a session lock on a connection of its own, if nobody holds the lock
 * (or once they let go, with `wait`); returns `null` without running it when another holder has
 * it. For work that spans several transactions (a sweep in chunks, feeds polled one by one, the
 * migrations); the lock is released however `work` ends.
 */
export async function withSessionLock<T>(dataSource: DataSource, lock: LockName, work: () => Promise<T>, options: { wait?: boolean } = {}): Promise<T | null> {
  const connection = dataSource.createQueryRunner();
  await connection.connect();
  try {
    if (options.wait) {
      await connection.query('SELECT pg_advisory_lock($1)', [LOCK[lock]]);
    } else {
      const [{ locked }] = (await connection.query('SELECT pg_try_advisory_lock($1) AS locked', [LOCK[lock]])) as { locked: boolean }[];
      if (!locked) return null;
    }
    try {
      return await work();
    } finally {
      await connection.query('SELECT pg_advisory_unlock($1)', [LOCK[lock]]).catch(() => undefined);
    }
  } finally {
    await connection.release();
  }
}
