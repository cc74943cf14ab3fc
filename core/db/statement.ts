import type pg from 'pg';
import { prepared } from './pool.js';

/**
 * One SQL statement assembled from CTEs that several modules contribute
 * (the transition, its submission, the follow-up, the outbox rows): on the
 * hot path every round trip costs both processes more than the write itself.
 * Data-modifying CTEs all run, whether or not the final SELECT reads them.
 *
 *   const st = new Statement();
 *   st.with('u', `UPDATE actions SET status = ${st.param('submitted')} WHERE id = ${st.param(id)} RETURNING id`);
 *   const { rows } = await db.query(st.query('SELECT id FROM u'));
 */
export class Statement {
  readonly values: unknown[] = [];
  private readonly ctes: string[] = [];

  /** A placeholder for `value`. */
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  with(name: string, sql: string): void {
    this.ctes.push(`${name} AS (${sql})`);
  }

  /** The statement, prepared (its shape depends only on which parts were added). */
  query(final: string): pg.QueryConfig {
    return prepared(this.ctes.length ? `WITH ${this.ctes.join(',\n')}\n${final}` : final, this.values);
  }
}
