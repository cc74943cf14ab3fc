import type pg from 'pg';
import { prepared } from './pool.js';

/**
 * The one way SQL text gets its values: every `param` returns the next
 * placeholder, so fragments written by different modules (a scope, a filter,
 * a keyset, a CTE) compose without anyone counting `$n`.
 *
 *   const sql = new Sql();
 *   const where = [scopeSql(actor, cols, sql), `c.type = ${sql.param(q.type)}`];
 *   const { rows } = await db.query(sql.unprepared(`SELECT … WHERE ${where.join(' AND ')}`));
 *
 * A statement may also be assembled from CTEs that several modules contribute
 * (the transition, its submission, the follow-up, the outbox rows): on the hot
 * path every round trip costs both processes more than the write itself.
 * Data-modifying CTEs all run, whether or not the final SELECT reads them.
 *
 *   sql.with('u', `UPDATE actions SET status = ${sql.param('submitted')} WHERE id = ${sql.param(id)} RETURNING id`);
 *   const { rows } = await db.query(sql.prepared('SELECT id FROM u'));
 */
export class Sql {
  readonly values: unknown[];
  private readonly ctes: string[] = [];

  constructor(values: readonly unknown[] = []) {
    this.values = [...values];
  }

  /** A placeholder for `value`. */
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A copy holding the same values (and CTEs): two queries sharing one filter, each with its own tail. */
  fork(): Sql {
    const copy = new Sql(this.values);
    copy.ctes.push(...this.ctes);
    return copy;
  }

  with(name: string, sql: string): void {
    this.ctes.push(`${name} AS (${sql})`);
  }

  /** The statement with its CTEs, prepared (its shape must depend only on which parts were added: see core/db/pool.ts prepared). */
  prepared(final: string): pg.QueryConfig {
    return prepared(this.text(final), this.values);
  }

  /** The statement with its CTEs, planned afresh each time (lists whose filters vary freely). */
  unprepared(final: string): { text: string; values: unknown[] } {
    return { text: this.text(final), values: this.values };
  }

  private text(final: string): string {
    return this.ctes.length ? `WITH ${this.ctes.join(',\n')}\n${final}` : final;
  }
}

/** User text as a LIKE/ILIKE pattern matching it anywhere, its wildcards escaped. */
export const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
