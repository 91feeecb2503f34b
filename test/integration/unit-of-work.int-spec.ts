import { LOCK, lockForTransaction, tryLockForTransaction, TxHost, withSessionLock } from '@forewarn/database';
import { Injectable } from '@nestjs/common';
import { type IntegrationApp, integrationApp } from '../support/integration';

/** A repository as every repository is written: it queries through the unit of work's host. */
@Injectable()
class NotesRepository {
  constructor(private readonly txHost: TxHost) {}

  private get db() {
    return this.txHost.tx;
  }

  async add(text: string): Promise<void> {
    await this.db.query('INSERT INTO it_notes (text) VALUES ($1)', [text]);
  }

  async all(): Promise<string[]> {
    return ((await this.db.query('SELECT text FROM it_notes ORDER BY id')) as { text: string }[]).map((r) => r.text);
  }
}

@Injectable()
class NotesService {
  constructor(private readonly notes: NotesRepository, private readonly txHost: TxHost) {}

  /** Two writes in one unit of work: both or neither. */
  async addBoth(a: string, b: string, failBetween = false): Promise<void> {
    await this.txHost.withTransaction(async () => {
      await this.notes.add(a);
      if (failBetween) throw new Error('something went wrong between the writes');
      await this.notes.add(b);
    });
  }
}

describe('the unit of work: a service decides the transaction, repositories join it', () => {
  let it_: IntegrationApp;

  beforeAll(async () => {
    it_ = await integrationApp('unit-of-work', { providers: [NotesRepository, NotesService] });
    await it_.db.query('CREATE TABLE it_notes (id serial PRIMARY KEY, text text NOT NULL)');
  });

  afterAll(async () => {
    await it_?.close();
  });

  it('commits the writes of every repository called inside it together', async () => {
    await it_.app.get(NotesService).addBoth('first', 'second');
    expect(await it_.app.get(NotesRepository).all()).toEqual(['first', 'second']);
  });

  it('rolls all of them back when the work fails half way', async () => {
    await expect(it_.app.get(NotesService).addBoth('third', 'fourth', true)).rejects.toThrow('between the writes');
    expect(await it_.app.get(NotesRepository).all()).toEqual(['first', 'second']);
  });

  it('lets a repository used outside any unit of work write at once', async () => {
    await it_.app.get(NotesRepository).add('alone');
    expect(await it_.app.get(NotesRepository).all()).toContain('alone');
  });
});

describe('advisory locks from the one registry', () => {
  let it_: IntegrationApp;

  beforeAll(async () => {
    it_ = await integrationApp('locks', {});
  });

  afterAll(async () => {
    await it_?.close();
  });

  it('gives a transaction lock to one holder at a time, until its transaction ends', async () => {
    const host = it_.app.get(TxHost);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holder = host.withTransaction(async () => {
      await lockForTransaction(host.tx, 'digest');
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await it_.db.transaction((tx) => tryLockForTransaction(tx, 'digest'));
    release();
    await holder;
    const third = await it_.db.transaction((tx) => tryLockForTransaction(tx, 'digest'));
    expect([second, third]).toEqual([false, true]);
  });

  it('runs session-locked work on one instance only, and lets go however it ends', async () => {
    let inside = 0;
    const first = withSessionLock(it_.db, 'sweep', async () => {
      inside++;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return 'swept';
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const skipped = await withSessionLock(it_.db, 'sweep', async () => 'also swept');
    expect(await first).toBe('swept');
    expect(skipped).toBeNull();
    await expect(withSessionLock(it_.db, 'sweep', async () => { throw new Error('pass failed'); })).rejects.toThrow('pass failed');
    expect(await withSessionLock(it_.db, 'sweep', async () => inside)).toBe(1);
  });

  it('has one id per lock', () => {
    const ids = Object.values(LOCK);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
