/**
 * What the scorecard's two data-entry metrics were before their rollup
 * (retail_entry_days, migration 038): every clerk entry joined with the POS row
 * of its store, product and day, read straight from the two tables. Tests hold
 * the scorecard to it (and the rollup to its recount: core/retail/entry-days.ts).
 *
 *   const direct = await directEntryCounts(pool, { from, to }, now);
 *   expect(entryCountsOf(await countScorecard(pool, new Sql(), 'TRUE', [{ from, to }], settings, now))).to.deep.equal(direct);
 */
import type pg from 'pg';
import { Sql } from '../../core/db/sql.js';
import { addCalendarDays, shanghaiDate } from '../../core/flow/time.js';
import { accurateEntrySql } from '../../core/retail/entry-accuracy.js';
import type { CountsByStore } from '../../core/retail/scorecard-counts.js';
import { salesData } from '../../core/retail/sales-data.setting.js';
import { readSetting } from '../../core/settings/read.js';

export interface DirectEntryCounts { timeliness: { num: number; den: number }; accuracy: { num: number; den: number } }

/**
 * Per store, the two metrics for one period as the scorecard's statement
 * counted them before the rollup (core/retail/scorecard-counts.ts at 7a1bc38):
 * days entered by the end of the next day out of the days since the store got
 * its clerk, and figures within the tolerance out of those with a POS figure.
 */
export async function directEntryCounts(pool: pg.Pool, period: { from: string; to: string }, now: Date): Promise<Map<number, Partial<DirectEntryCounts>>> {
  const { tolerancePercent, toleranceUnits } = await readSetting(pool, salesData);
  const today = shanghaiDate(now);
  const sql = new Sql();
  const fd = `${sql.param(period.from)}::date`;
  const td = `${sql.param(period.to)}::date`;
  const todayP = `${sql.param(today)}::date`;
  const yday = `${sql.param(addCalendarDays(today, -1))}::date`;
  const { rows } = await pool.query(sql.unprepared(`
    WITH ce AS (
      SELECT k.store_id, k.day, k.reported_at < (k.day + 2)::timestamp AT TIME ZONE 'Asia/Shanghai' AS on_time, r.units IS NOT NULL AS matched,
             coalesce(${accurateEntrySql(sql, 'k.units', 'r.units', { percent: tolerancePercent, units: toleranceUnits })}, false) AS accurate
        FROM retail_clerk_sales k LEFT JOIN retail_sales r ON r.store_id = k.store_id AND r.product_id = k.product_id AND r.day = k.day
       WHERE k.day >= ${fd} AND k.day < ${td}),
    timely AS (
      SELECT c.id, coalesce(e.days, 0) AS num, c.decided + coalesce(e.yday, 0) AS den FROM (
          SELECT rc.store_id AS id, greatest(0, least(${td}, ${yday}) - greatest(${fd}, (min(rc.created_at) AT TIME ZONE 'Asia/Shanghai')::date)) AS decided
            FROM retail_clerks rc GROUP BY rc.store_id) c
        LEFT JOIN (SELECT d.store_id, count(*) FILTER (WHERE d.on_time) AS days, max(CASE WHEN d.on_time AND d.day = ${yday} THEN 1 ELSE 0 END) AS yday
                     FROM (SELECT store_id, day, bool_or(on_time) AS on_time FROM ce WHERE day < ${todayP} GROUP BY 1, 2) d GROUP BY 1) e ON e.store_id = c.id
       WHERE c.decided + coalesce(e.yday, 0) > 0),
    accurate AS (SELECT store_id AS id, count(*) FILTER (WHERE accurate) AS num, count(*) FILTER (WHERE matched) AS den FROM ce GROUP BY 1 HAVING bool_or(matched))
    SELECT 'timeliness' AS metric, id, num, den FROM timely UNION ALL SELECT 'accuracy', id, num, den FROM accurate`));
  const out = new Map<number, Partial<DirectEntryCounts>>();
  for (const r of rows) {
    const id = Number(r.id);
    out.set(id, { ...out.get(id), [r.metric]: { num: Number(r.num), den: Number(r.den) } });
  }
  return out;
}

/** The two metrics of the first period of countScorecard's counts, shaped as directEntryCounts's. */
export function entryCountsOf(counts: CountsByStore): Map<number, Partial<DirectEntryCounts>> {
  const out = new Map<number, Partial<DirectEntryCounts>>();
  for (const [id, [c]] of counts) {
    const entry = { ...(c?.entry_timeliness && { timeliness: c.entry_timeliness }), ...(c?.entry_accuracy && { accuracy: c.entry_accuracy }) };
    if (Object.keys(entry).length) out.set(id, entry);
  }
  return out;
}
