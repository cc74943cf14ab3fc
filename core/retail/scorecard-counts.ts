/**
 * Counts the scorecard's twelve metrics (达标, 应计) per store and period in
 * one statement, from the records the product keeps: stock-outs and their
 * 缺货处理 actions, member referrals, finished patrols' checklist ticks and
 * plans, launches' step actions and the POS sales after them, clerks' own
 * sales figures, 门店整改 actions. Periods are a dimension of the statement,
 * so the ranking (every store, one period) and one store's card (one store,
 * its trend's periods) are the same query. Something not yet decided (a
 * stock-out still inside its hours, a launch step not yet due, yesterday's
 * entry) is not counted either way.
 */
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { addCalendarDays, shanghaiDate, type IsoDate } from '../flow/time.js';
import { STORE_FIX_CODE } from '../flow/retail-actions.js';
import { readSetting } from '../settings/read.js';
import { accurateEntrySql } from './entry-accuracy.js';
import { salesData } from './sales-data.setting.js';
import { PATROL_ITEM_OF, type MetricCode } from './scorecard-metrics.js';
import type { StoreCounts } from './scorecard-score.js';
import type { ScorecardSettings } from './scorecard.setting.js';

export interface CountPeriod { from: IsoDate; to: IsoDate }

/** counts.get(storeId)[periodIndex] */
export type CountsByStore = Map<number, StoreCounts[]>;


/**
 * `stores` is an SQL predicate over `s` (retail_stores) and `c` (its customer)
 * written with `sql`'s placeholders: a role's scope, and one store for a card.
 */
export async function countScorecard(db: Db, sql: Sql, stores: string, periods: readonly CountPeriod[], s: ScorecardSettings, now: Date): Promise<CountsByStore> {
  const today = shanghaiDate(now);
  const { tolerancePercent, toleranceUnits } = await readSetting(db, salesData);
  const pr = periods.map((p, i) => ({ i, fd: p.from, td: p.to }));
  const nowP = sql.param(now);
  const todayP = `${sql.param(today)}::date`;
  const yday = `${sql.param(addCalendarDays(today, -1))}::date`;
  const localDay = (ts: string) => `(${ts} AT TIME ZONE 'Asia/Shanghai')::date`;
  // days of the period a plan (or a clerk) existed so far; days whose entry deadline (the end of the next day) has passed
  const daysFrom = (since: string, until: string) => `greatest(0, least(pr.td, ${until}) - greatest(pr.fd, ${since}))`;
  const shanghai = (day: string) => `(${day})::timestamp AT TIME ZONE 'Asia/Shanghai'`;
  // a VALUES list, not a JSON one: the planner then knows there is one period (or six), not a guessed hundred
  const values = pr.map((p) => `(${p.i}, ${sql.param(p.fd)}::date, ${sql.param(p.td)}::date)`).join(', ');
  sql.with('pr', `SELECT x.*, ${shanghai('x.fd')} AS fts, ${shanghai('x.td')} AS tts FROM (VALUES ${values}) AS x(i, fd, td)`);
  sql.with('st', `SELECT s.customer_id AS id FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE ${stores}`);
  // clerks' days from their rollup (038), per store and period in one pass: the days entered on time (yesterday's
  // apart: it is decided only once entered), and the figures within the tolerance of the POS's — an equal one is
  // within any tolerance, the others are judged here because the tolerance is a setting
  const within = accurateEntrySql(sql, 'm.k', 'm.r', { percent: tolerancePercent, units: toleranceUnits });
  sql.with('ce', `SELECT e.store_id, pr.i, count(*) FILTER (WHERE e.on_time AND e.day < ${todayP}) AS days,
      max(CASE WHEN e.on_time AND e.day = ${yday} THEN 1 ELSE 0 END) AS yday, sum(e.matched) AS matched,
      sum(e.exact + CASE WHEN e.matched = e.exact THEN 0 ELSE (SELECT count(*) FROM unnest(e.clerk_units, e.pos_units) AS m(k, r) WHERE ${within})::int END) AS accurate
    FROM retail_entry_days e JOIN st ON st.id = e.store_id JOIN pr ON e.day >= pr.fd AND e.day < pr.td
   WHERE e.day >= ${sql.param(periods[0]!.from)}::date AND e.day < ${sql.param(periods[periods.length - 1]!.to)}::date GROUP BY 1, 2`);
  const items = Object.entries(PATROL_ITEM_OF);
  const doneAt = 'coalesce(a.submitted_at, a.verified_at)';
  const parts: Array<[MetricCode | 'patrol_item', string]> = [
    ['stockout_response', `SELECT o.store_id, pr.i, count(*) FILTER (WHERE ${doneAt} <= o.reported_at + make_interval(hours => ${sql.param(s.stockoutResponseHours)})), count(*)
       FROM retail_stockouts o JOIN st ON st.id = o.store_id JOIN pr ON o.reported_at >= pr.fts AND o.reported_at < pr.tts JOIN actions a ON a.id = o.action_id
      WHERE ${doneAt} IS NOT NULL OR o.reported_at + make_interval(hours => ${sql.param(s.stockoutResponseHours)}) <= ${nowP} GROUP BY 1, 2`],
    ['member_referral', `SELECT r.store_id, pr.i, sum(r.joined), sum(r.recommended)
       FROM retail_member_referrals r JOIN st ON st.id = r.store_id JOIN pr ON r.day >= pr.fd AND r.day < pr.td GROUP BY 1, 2`],
    ['patrol_item', `SELECT p.store_id, pr.i, count(*) FILTER (WHERE (t.value->>'passed')::boolean), count(*), t.key
       FROM retail_patrols p JOIN st ON st.id = p.store_id JOIN pr ON p.finished_at >= pr.fts AND p.finished_at < pr.tts
       CROSS JOIN LATERAL jsonb_each(p.ticks) t
      WHERE p.finished_at IS NOT NULL AND NOT p.perfunctory AND t.key = ANY(${sql.param(items.map(([, key]) => key))}::text[]) GROUP BY 1, 2, 5`],
    ['launch_on_time', `SELECT l.store_id, pr.i, count(*) FILTER (WHERE g.on_time), count(*)
       FROM retail_launches l JOIN st ON st.id = l.store_id JOIN pr ON l.launch_date >= pr.fd AND l.launch_date < pr.td
       JOIN LATERAL (SELECT bool_and(${doneAt} IS NOT NULL AND ${doneAt} <= coalesce(a.due_at, ${doneAt})) AS on_time,
                            bool_and(${doneAt} IS NOT NULL) OR bool_or(coalesce(${doneAt}, ${nowP}) > a.due_at) AS decided
                       FROM actions a WHERE a.process_instance_id = l.process_instance_id) g ON g.decided GROUP BY 1, 2`],
    ['first_week_sales', `SELECT l.store_id, pr.i, count(*) FILTER (WHERE z.sold), count(*)
       FROM retail_launches l JOIN st ON st.id = l.store_id JOIN pr ON l.launch_date >= pr.fd AND l.launch_date < pr.td
       -- OFFSET 0: looked up once per launch, not once for the filter and again for the count
       CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM retail_sales r WHERE r.store_id = l.store_id AND r.product_id = l.product_id AND r.units > 0
                                           AND r.day >= l.launch_date AND r.day < l.launch_date + ${sql.param(s.firstWeekDays)}::int) AS sold OFFSET 0) z
      WHERE z.sold OR l.launch_date + ${sql.param(s.firstWeekDays)}::int <= ${todayP} GROUP BY 1, 2`],
    ['patrol_coverage', `SELECT q.store_id, q.i, least(coalesce(d.done, 0), q.due), q.due FROM (
         SELECT r.store_id, pr.i, sum(${daysFrom(localDay('r.created_at'), `${todayP} + 1`)} / r.every_days)::int AS due FROM retail_inspector_stores r JOIN st ON st.id = r.store_id CROSS JOIN pr GROUP BY 1, 2) q
       LEFT JOIN (SELECT p.store_id, pr.i, count(*)::int AS done FROM retail_patrols p JOIN st ON st.id = p.store_id
                    JOIN pr ON p.finished_at >= pr.fts AND p.finished_at < pr.tts WHERE NOT p.perfunctory GROUP BY 1, 2) d ON d.store_id = q.store_id AND d.i = q.i
      WHERE q.due > 0`],
    ['entry_timeliness', `SELECT c.id, c.i, coalesce(e.days, 0), c.decided + coalesce(e.yday, 0) FROM (
         SELECT st.id, pr.i, ${daysFrom(localDay('min(rc.created_at)'), yday)} AS decided
           FROM st CROSS JOIN pr JOIN retail_clerks rc ON rc.store_id = st.id GROUP BY st.id, pr.i, pr.fd, pr.td) c
       LEFT JOIN ce e ON e.store_id = c.id AND e.i = c.i
      WHERE c.decided + coalesce(e.yday, 0) > 0`],
    ['entry_accuracy', `SELECT store_id, i, accurate, matched FROM ce WHERE matched > 0`],
    ['fix_on_time', `SELECT a.customer_id, pr.i, count(*) FILTER (WHERE ${doneAt} <= a.due_at), count(*)
       FROM actions a JOIN st ON st.id = a.customer_id JOIN pr ON a.due_at >= pr.fts AND a.due_at < pr.tts
      WHERE a.definition_code = ${sql.param(STORE_FIX_CODE)} AND (${doneAt} IS NOT NULL OR a.due_at <= ${nowP}) GROUP BY 1, 2`],
  ];
  const union = parts.map(([code, q]) => code === 'patrol_item'
    ? `SELECT x.*, NULL::text AS metric FROM (${q}) x`
    : `SELECT x.*, NULL::text AS key, '${code}' AS metric FROM (${q}) x`).join('\nUNION ALL\n');
  const { rows } = await db.query({ ...sql.unprepared(`SELECT * FROM (${union}) u`), rowMode: 'array' });
  const metricOfItem = new Map(items.map(([code, key]) => [key, code as MetricCode]));
  const out: CountsByStore = new Map();
  for (const [storeId, i, num, den, key, metric] of rows as Array<[string, number, string | number, string | number, string | null, string | null]>) {
    const code = (metric ?? metricOfItem.get(key!)) as MetricCode;
    const id = Number(storeId);
    let list = out.get(id);
    if (!list) out.set(id, list = periods.map(() => ({})));
    list[i]![code] = { num: Number(num), den: Number(den) };
  }
  return out;
}
