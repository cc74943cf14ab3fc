import { z } from 'zod';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';

/**
 * Keyset (cursor) pagination shared by every list: stable under inserts, and
 * O(page) however deep the reader goes. The cursor is opaque to clients.
 */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** Rows matching the filter within the caller's scope (never counts rows they cannot see). */
  total: number;
}

type CursorValue = string | number | null;

export function encodeCursor(sortValue: CursorValue, id: number): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [CursorValue, number] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[1]) &&
        (v[0] === null || ['string', 'number'].includes(typeof v[0]))) {
      return [v[0], v[1]];
    }
  } catch { /* fall through to the domain error */ }
  throw invalidCursor();
}

const invalidCursor = () => new AppError('VALIDATION_FAILED', [{ path: ['cursor'], message: '分页游标无效' }]);

/**
 * Builds `ORDER BY … LIMIT` plus the keyset predicate for sort column `sortExpr`
 * (never null: callers COALESCE nullable columns) and tie-breaker `idExpr`.
 */
export function keyset(
  q: { limit: number; cursor?: string; order: 'asc' | 'desc' },
  sortExpr: string,
  idExpr: string,
  sql: Sql,
): { where: string; orderLimit: string; sortSelect: string } {
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const cmp = q.order === 'asc' ? '>' : '<';
  let where = 'TRUE';
  if (q.cursor) {
    const [v, id] = decodeCursor(q.cursor);
    where = `(${sortExpr}, ${idExpr}) ${cmp} (${sql.param(v)}, ${sql.param(id)})`;
  }
  return {
    where,
    orderLimit: `ORDER BY ${sortExpr} ${dir}, ${idExpr} ${dir} LIMIT ${sql.param(q.limit + 1)}`,
    // the sort key travels as Postgres text so timestamps keep their microseconds
    sortSelect: `(${sortExpr})::text AS _sort`,
  };
}

/**
 * Keyset by id alone, for lists ordered by id: the cursor holds the id twice
 * (anything else is a 400, never SQL's problem).
 */
export function idKeyset(
  q: { limit: number; cursor?: string; order: 'asc' | 'desc' },
  idExpr: string,
  sql: Sql,
): { where: string; orderLimit: string } {
  let where = 'TRUE';
  if (q.cursor) {
    const [v, id] = decodeCursor(q.cursor);
    if (v !== id) throw invalidCursor();
    where = `${idExpr} ${q.order === 'asc' ? '>' : '<'} ${sql.param(id)}`;
  }
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  return { where, orderLimit: `ORDER BY ${idExpr} ${dir} LIMIT ${sql.param(q.limit + 1)}` };
}

/** toPage for idKeyset lists. */
export function toIdPage<R extends { id: number }, T>(rows: R[], limit: number, total: number, map: (row: R) => T): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { items: kept.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last.id, last.id) : null, total };
}

/** Trims the look-ahead row, maps rows, and builds the next cursor from the last one. */
export function toPage<R extends { id: number; _sort: string | null }, T>(
  rows: R[],
  limit: number,
  total: number,
  map: (row: R) => T,
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(last._sort, last.id) : null;
  return { items: kept.map(map), nextCursor, total };
}

/**
 * Runs a scoped, filtered, keyset-paginated list: one COUNT and one page query
 * over the same FROM/WHERE, so the total never counts rows outside the scope.
 */
export async function runList<R extends { id: number; _sort: string | null }, T>(
  db: { query: (sql: string, params: unknown[]) => Promise<{ rows: any[] }> },
  spec: {
    select: string;
    from: string;
    where: string[];
    /** Holds the values of `where` (and of any placeholder in `from`). */
    sql: Sql;
    sortExpr: string;
    idExpr: string;
    page: { limit: number; cursor?: string; order: 'asc' | 'desc' };
  },
  map: (row: R) => T,
): Promise<Page<T>> {
  const filter = spec.where.length ? spec.where.join(' AND ') : 'TRUE';
  const pageSql = spec.sql.fork();
  const ks = keyset(spec.page, spec.sortExpr, spec.idExpr, pageSql);
  const [count, page] = await Promise.all([
    db.query(`SELECT count(*)::int AS n FROM ${spec.from} WHERE ${filter}`, spec.sql.values),
    db.query(
      `SELECT ${spec.select}, ${ks.sortSelect} FROM ${spec.from} WHERE ${filter} AND ${ks.where} ${ks.orderLimit}`,
      pageSql.values,
    ).catch((err: unknown) => {
      // a cursor whose sort key does not fit the sort column (crafted, or carried over from another `sort`)
      if (spec.page.cursor && /^22/.test(String((err as { code?: unknown })?.code ?? ''))) throw invalidCursor();
      throw err;
    }),
  ]);
  return toPage(page.rows as R[], spec.page.limit, count.rows[0].n, map);
}
