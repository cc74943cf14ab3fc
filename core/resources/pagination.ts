import { z } from 'zod';
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
  params: unknown[],
): { where: string; orderLimit: string; sortSelect: string } {
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const cmp = q.order === 'asc' ? '>' : '<';
  let where = 'TRUE';
  if (q.cursor) {
    const [v, id] = decodeCursor(q.cursor);
    params.push(v, id);
    where = `(${sortExpr}, ${idExpr}) ${cmp} ($${params.length - 1}, $${params.length})`;
  }
  params.push(q.limit + 1);
  return {
    where,
    orderLimit: `ORDER BY ${sortExpr} ${dir}, ${idExpr} ${dir} LIMIT $${params.length}`,
    // the sort key travels as Postgres text so timestamps keep their microseconds
    sortSelect: `(${sortExpr})::text AS _sort`,
  };
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
    params: unknown[];
    sortExpr: string;
    idExpr: string;
    page: { limit: number; cursor?: string; order: 'asc' | 'desc' };
  },
  map: (row: R) => T,
): Promise<Page<T>> {
  const filter = spec.where.length ? spec.where.join(' AND ') : 'TRUE';
  const countParams = [...spec.params];
  const pageParams = [...spec.params];
  const ks = keyset(spec.page, spec.sortExpr, spec.idExpr, pageParams);
  const [count, page] = await Promise.all([
    db.query(`SELECT count(*)::int AS n FROM ${spec.from} WHERE ${filter}`, countParams),
    db.query(
      `SELECT ${spec.select}, ${ks.sortSelect} FROM ${spec.from} WHERE ${filter} AND ${ks.where} ${ks.orderLimit}`,
      pageParams,
    ).catch((err: unknown) => {
      // a cursor whose sort key does not fit the sort column (crafted, or carried over from another `sort`)
      if (spec.page.cursor && /^22/.test(String((err as { code?: unknown })?.code ?? ''))) throw invalidCursor();
      throw err;
    }),
  ]);
  return toPage(page.rows as R[], spec.page.limit, count.rows[0].n, map);
}
