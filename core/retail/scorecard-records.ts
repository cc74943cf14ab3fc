/**
 * The records behind one number of a store's card: each stock-out, referral
 * day, patrol tick, launch, entry or 整改 the metric counted in the period,
 * whether it met the bar (达标), missed it, or is not decided yet — read
 * with the same conditions as scorecard-counts.ts, newest first, each with a
 * link to where it lives in the app when it has one.
 *
 *   const r = await scorecardRecords(db, manager, storeId, 'display_compliance', { period: 'month' }, now);
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { addCalendarDays, chineseDateTime, chineseDay, shanghaiDate } from '../flow/time.js';
import { STORE_FIX_CODE } from '../flow/retail-actions.js';
import { readSetting } from '../settings/read.js';
import { accurateEntrySql } from './entry-accuracy.js';
import { salesData } from './sales-data.setting.js';
import { METRICS, PATROL_ITEM_OF, type MetricCode } from './scorecard-metrics.js';
import { storeScorecard, type PeriodQuery } from './scorecard.js';
import { scorecardSettings } from './scorecard.setting.js';

export interface ScorecardRecord {
  /** When, as the screen says it ('12月3日' or '12月3日 14:05'). */
  when: string;
  what: string;
  /** true 达标, false 未达标, null 尚未判定 (not counted yet). */
  ok: boolean | null;
  detail: string;
  /** The H5 page of the record, when it has one. */
  link: string | null;
}

const LIMIT = 100;
const at = (d: Date | null) => (d ? chineseDateTime(d) : '—');

/** The records behind a metric's number; the card itself says the total and the share. */
export async function scorecardRecords(
  db: Db, actor: Actor, storeId: number, code: MetricCode, q: PeriodQuery, now: Date,
): Promise<{ metric: { code: MetricCode; name: string; definition: string; source: string; value: number | null; num: number; den: number }; periodLabel: string; records: ScorecardRecord[] }> {
  const card = await storeScorecard(db, actor, storeId, q, now);
  const m = card.metrics.find((x) => x.code === code)!;
  const records = await RECORDS[code](db, { storeId, from: card.period.from, to: card.period.to, now });
  return {
    metric: { code, name: METRICS[code].name, definition: METRICS[code].definition, source: METRICS[code].source, value: m.value, num: m.num, den: m.den },
    periodLabel: card.period.label, records,
  };
}

interface Span { storeId: number; from: string; to: string; now: Date }
type Reader = (db: Db, s: Span) => Promise<ScorecardRecord[]>;

const patrolTicks = (key: string): Reader => async (db, s) => {
  const { rows } = await db.query(
    `SELECT p.id, p.finished_at, p.perfunctory, t.value->>'note' AS note, (t.value->>'passed')::boolean AS passed, u.name AS inspector,
            (SELECT i->>'label' FROM jsonb_array_elements(p.checklist) i WHERE i->>'key' = $4) AS label
       FROM retail_patrols p CROSS JOIN LATERAL jsonb_each(p.ticks) t JOIN users u ON u.id = p.inspector_id
      WHERE p.store_id = $1 AND p.finished_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND p.finished_at < ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND t.key = $4 ORDER BY p.finished_at DESC LIMIT ${LIMIT}`, [s.storeId, s.from, s.to, key]);
  return rows.map((r) => ({
    when: at(r.finished_at), what: `${r.inspector} 巡店：${(r.label ?? key).split('：')[0]}`,
    ok: r.perfunctory ? null : r.passed,
    detail: r.perfunctory ? '走过场的巡店，不计入' : r.passed ? '合格' : `不合格${r.note ? `：${r.note}` : ''}`,
    link: `/patrols/${r.id}`,
  }));
};

const RECORDS: Record<MetricCode, Reader> = {
  async stockout_response(db, s) {
    const { stockoutResponseHours: h } = await readSetting(db, scorecardSettings);
    const { rows } = await db.query(
      `SELECT o.reported_at, p.name AS product, a.id AS action_id, coalesce(a.submitted_at, a.verified_at) AS done_at
         FROM retail_stockouts o JOIN retail_products p ON p.id = o.product_id JOIN actions a ON a.id = o.action_id
        WHERE o.store_id = $1 AND o.reported_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND o.reported_at < ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
        ORDER BY o.reported_at DESC LIMIT ${LIMIT}`, [s.storeId, s.from, s.to]);
    return rows.map((r) => {
      const deadline = r.reported_at.getTime() + h * 3_600_000;
      const hours = r.done_at ? Math.round(((r.done_at.getTime() - r.reported_at.getTime()) / 3_600_000) * 10) / 10 : null;
      const ok = r.done_at ? r.done_at.getTime() <= deadline : deadline <= s.now.getTime() ? false : null;
      return {
        when: at(r.reported_at), what: `缺货：${r.product}`, ok,
        detail: hours !== null ? `${hours}小时后处理（时限${h}小时）` : ok === null ? `未处理，${h}小时时限未到` : `超过${h}小时未处理`,
        link: null,
      };
    });
  },
  async member_referral(db, s) {
    const { rows } = await db.query(
      `SELECT r.day::text AS day, r.recommended, r.joined, u.name AS clerk FROM retail_member_referrals r JOIN users u ON u.id = r.clerk_id
        WHERE r.store_id = $1 AND r.day >= $2 AND r.day < $3 ORDER BY r.day DESC LIMIT ${LIMIT}`, [s.storeId, s.from, s.to]);
    return rows.map((r) => ({
      when: chineseDay(r.day), what: `${r.clerk} 填报会员推荐`, ok: null,
      detail: `推荐${r.recommended}人，入会${r.joined}人（店员自报）`, link: null,
    }));
  },
  expiry_handling: patrolTicks(PATROL_ITEM_OF.expiry_handling!),
  display_compliance: patrolTicks(PATROL_ITEM_OF.display_compliance!),
  price_compliance: patrolTicks(PATROL_ITEM_OF.price_compliance!),
  promotion_execution: patrolTicks(PATROL_ITEM_OF.promotion_execution!),
  async launch_on_time(db, s) {
    const { rows } = await db.query(
      `SELECT l.id, l.launch_date::text AS day, p.name AS product,
              count(*) FILTER (WHERE coalesce(a.submitted_at, a.verified_at) IS NOT NULL)::int AS done,
              count(*) FILTER (WHERE coalesce(a.submitted_at, a.verified_at, $4) > a.due_at)::int AS late,
              count(*)::int AS steps
         FROM retail_launches l JOIN retail_products p ON p.id = l.product_id JOIN actions a ON a.process_instance_id = l.process_instance_id
        WHERE l.store_id = $1 AND l.launch_date >= $2 AND l.launch_date < $3 GROUP BY l.id, p.name ORDER BY l.launch_date DESC LIMIT ${LIMIT}`,
      [s.storeId, s.from, s.to, s.now]);
    return rows.map((r) => ({
      when: chineseDay(r.day), what: `新品上架：${r.product}`,
      ok: r.late > 0 ? false : r.done === r.steps ? true : null,
      detail: r.late > 0 ? `${r.late}个步骤超过期限（已完成${r.done}/${r.steps}步）` : `已完成${r.done}/${r.steps}步，均未超期`,
      link: `/launches/${r.id}`,
    }));
  },
  async first_week_sales(db, s) {
    const { firstWeekDays: n } = await readSetting(db, scorecardSettings);
    const today = shanghaiDate(s.now);
    const { rows } = await db.query(
      `SELECT l.id, l.launch_date::text AS day, p.name AS product,
              (SELECT coalesce(sum(r.units), 0)::int FROM retail_sales r WHERE r.store_id = l.store_id AND r.product_id = l.product_id
                  AND r.day >= l.launch_date AND r.day < l.launch_date + $4::int) AS units
         FROM retail_launches l JOIN retail_products p ON p.id = l.product_id
        WHERE l.store_id = $1 AND l.launch_date >= $2 AND l.launch_date < $3 ORDER BY l.launch_date DESC LIMIT ${LIMIT}`, [s.storeId, s.from, s.to, n]);
    return rows.map((r) => {
      const over = addCalendarDays(r.day, n) <= today;
      return {
        when: chineseDay(r.day), what: `新品：${r.product}`, ok: r.units > 0 ? true : over ? false : null,
        detail: r.units > 0 ? `上架后${n}天内 POS 销量${r.units}件` : over ? `上架后${n}天内 POS 没有销量` : `首周未过，POS 暂无销量`,
        link: `/launches/${r.id}`,
      };
    });
  },
  async patrol_coverage(db, s) {
    const { rows } = await db.query(
      `SELECT p.id, p.finished_at, p.perfunctory, p.score, u.name AS inspector FROM retail_patrols p JOIN users u ON u.id = p.inspector_id
        WHERE p.store_id = $1 AND p.finished_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND p.finished_at < ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
        ORDER BY p.finished_at DESC LIMIT ${LIMIT}`, [s.storeId, s.from, s.to]);
    const { rows: plans } = await db.query(
      `SELECT u.name, r.every_days FROM retail_inspector_stores r JOIN users u ON u.id = r.inspector_id WHERE r.store_id = $1 ORDER BY u.name`, [s.storeId]);
    return [
      ...plans.map((p) => ({ when: '计划', what: `${p.name} 每${p.every_days}天巡一次`, ok: null, detail: '巡店计划', link: null })),
      ...rows.map((r) => ({
        when: at(r.finished_at), what: `${r.inspector} 巡店`, ok: !r.perfunctory,
        detail: r.perfunctory ? '走过场，不算完成' : `完成，得分${r.score}`, link: `/patrols/${r.id}`,
      })),
    ];
  },
  async entry_timeliness(db, s) {
    const { rows } = await db.query(
      `SELECT k.day::text AS day, min(k.reported_at) AS first_at, max(k.reported_at) AS last_at, count(*)::int AS entries,
              bool_or(k.reported_at < ((k.day + 2)::timestamp AT TIME ZONE 'Asia/Shanghai')) AS on_time
         FROM retail_clerk_sales k WHERE k.store_id = $1 AND k.day >= $2 AND k.day < $3 GROUP BY k.day ORDER BY k.day DESC LIMIT ${LIMIT}`,
      [s.storeId, s.from, s.to]);
    return rows.map((r) => ({
      when: chineseDay(r.day), what: `录入${r.entries}条销量`, ok: r.on_time,
      detail: r.on_time ? `${at(r.last_at)}录入，次日结束前` : `${at(r.last_at)}才录入，晚于次日结束`, link: null,
    }));
  },
  async entry_accuracy(db, s) {
    const { tolerancePercent, toleranceUnits } = await readSetting(db, salesData);
    const sql = new Sql();
    const { rows } = await db.query(sql.unprepared(
      `SELECT k.day::text AS day, p.name AS product, k.units AS reported, r.units AS imported, u.name AS clerk,
              ${accurateEntrySql(sql, 'k.units', 'r.units', { percent: tolerancePercent, units: toleranceUnits })} AS ok
         FROM retail_clerk_sales k JOIN retail_sales r ON r.store_id = k.store_id AND r.product_id = k.product_id AND r.day = k.day
         JOIN retail_products p ON p.id = k.product_id JOIN users u ON u.id = k.clerk_id
        WHERE k.store_id = ${sql.param(s.storeId)} AND k.day >= ${sql.param(s.from)} AND k.day < ${sql.param(s.to)} ORDER BY k.day DESC, p.name LIMIT ${LIMIT}`));
    return rows.map((r) => ({ when: chineseDay(r.day), what: `${r.clerk}：${r.product}`, ok: r.ok, detail: `填报${r.reported}件，POS ${r.imported}件`, link: null }));
  },
  async fix_on_time(db, s) {
    const { rows } = await db.query(
      `SELECT a.id, a.title, a.due_at, coalesce(a.submitted_at, a.verified_at) AS done_at FROM actions a
        WHERE a.customer_id = $1 AND a.definition_code = $4 AND a.due_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
          AND a.due_at < ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai' ORDER BY a.due_at DESC LIMIT ${LIMIT}`,
      [s.storeId, s.from, s.to, STORE_FIX_CODE]);
    return rows.map((r) => ({
      when: `期限${at(r.due_at)}`, what: r.title,
      ok: r.done_at ? r.done_at <= r.due_at : r.due_at <= s.now ? false : null,
      detail: r.done_at ? `${at(r.done_at)}完成` : r.due_at <= s.now ? '已超期未完成' : '未到期',
      link: `/actions/${r.id}`,
    }));
  },
};
