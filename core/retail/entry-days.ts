/**
 * retail_entry_days (migration 038) is the scorecard's per-store-day rollup of
 * clerks' entries against the POS, kept by triggers on both tables. This is
 * its check: the rows that differ from the entries recounted from scratch,
 * for the tests and the benchmark to hold it to (none when exact).
 *
 *   expect(await entryDaysDrift(db)).to.deep.equal([]);
 */
import type { Db } from '../db/pool.js';

/** Each differing row as text: `missing (…)` for a recount the rollup lacks, `stale (…)` for a row it should not hold. */
export async function entryDaysDrift(db: Db): Promise<string[]> {
  const { rows } = await db.query(`
    WITH fresh AS (
      SELECT k.store_id, k.day, count(*)::int AS entries,
             bool_or(k.reported_at < (k.day + 2)::timestamp AT TIME ZONE 'Asia/Shanghai') AS on_time,
             count(r.units)::int AS matched, count(*) FILTER (WHERE k.units = r.units)::int AS exact,
             coalesce(array_agg(k.units ORDER BY k.product_id) FILTER (WHERE k.units <> r.units), '{}') AS clerk_units,
             coalesce(array_agg(r.units ORDER BY k.product_id) FILTER (WHERE k.units <> r.units), '{}') AS pos_units
        FROM retail_clerk_sales k LEFT JOIN retail_sales r ON r.store_id = k.store_id AND r.product_id = k.product_id AND r.day = k.day
       GROUP BY 1, 2),
    kept AS (SELECT store_id, day, entries, on_time, matched, exact, clerk_units, pos_units FROM retail_entry_days)
    SELECT 'missing ' || row(f.*)::text AS drift FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept) f
    UNION ALL
    SELECT 'stale ' || row(k.*)::text FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh) k
    ORDER BY 1`);
  return rows.map((r) => r.drift as string);
}
