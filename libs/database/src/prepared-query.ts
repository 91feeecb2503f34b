import { createHash } from 'node:crypto';

/**
 * A statement `pg` sends by name: each connection parses it once and PostgreSQL may keep a generic
 * plan after five runs instead of planning every time. TypeORM hands it to `pg` as it is (as the
 * query "string" of `EntityManager.query`); everything else that looks at the query sees its text.
 */
class NamedStatement {
  readonly name: string;

  constructor(readonly text: string) {
    // One name per text: `pg` refuses a name it has prepared with another text.
    this.name = `fw_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  }

  toString(): string {
    return this.text;
  }
}

/**
 * Runs `text` as a prepared statement, through the unit of work like any query (in its
 * transaction when there is one). For the reads a page sends on every request, where planning was
 * up to half of PostgreSQL's time (the lead's overview: 1.9 ms of planning for 2.2 of execution,
 * docs/BENCHMARKS.md). Each connection keeps every text it has prepared while it lives, so `text`
 * must come from a small, fixed set: values go in `values`, never into the text.
 */
export function queryPrepared<T>(db: { query(sql: string, params: unknown[]): Promise<unknown> }, text: string, values: unknown[]): Promise<T[]> {
  return db.query(new NamedStatement(text) as unknown as string, values) as Promise<T[]>;
}
