/**
 * 新品上架看板: the launches of a month as a process dashboard — per launched
 * product and region, how many stores stand at each of the four steps, the
 * on-time rate of the steps against their deadlines, which steps are overdue
 * (store, step, days late, who owns it, how far the escalation went) or due
 * soon, and the escalation alerts the overdue job raised. Counted within the
 * actor's stores (store-scope.ts: a manager their region, an inspector their
 * route, a rep their stores, the director all); every store links to its
 * launch page. The numbers it judges by are the setting 新品上架看板
 * (launch-board.setting.ts).
 *
 *   const board = await buildLaunchBoard(db, manager, { month: '2026-12' }, now, settings);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { PeriodQuery, periodOut, resolvePeriod, type Period } from '../dashboards/period.js';
import { LAUNCH_STEPS } from '../flow/launch-steps.js';
import { shanghaiDate } from '../flow/time.js';
import { LAUNCH_DONE_STATUSES } from './launches.js';
import { storeScopeSql } from './store-scope.js';

export const LaunchBoardQuery = z.object({ month: PeriodQuery.month }).strict();
export type LaunchBoardQuery = z.infer<typeof LaunchBoardQuery>;

export interface BoardSettings { dueSoonHours: number; onTimeGood: number; onTimeWarn: number }

const Status = z.enum(['green', 'amber', 'red']).nullable();
const OnTimeSchema = z.object({
  /** Steps done by their deadline, of the steps decided (done, or past their deadline). */
  num: z.number(), den: z.number(), rate: z.number().nullable(), display: z.string(), status: Status, statusLabel: z.string().nullable(),
});
const TallySchema = z.object({
  stores: z.number(),
  /** Stores whose next step is ①…④ (index 0–3), and stores done with all four. */
  atStep: z.array(z.number()), done: z.number(),
  onTime: OnTimeSchema, overdue: z.number(), dueSoon: z.number(), escalations: z.number(),
});
export const LaunchBoardSchema = z.object({
  period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
  settings: z.object({ dueSoonHours: z.number(), target: z.string() }),
  steps: z.array(z.string()),
  launches: z.array(z.object({
    product: z.object({ id: z.number(), name: z.string(), sku: z.string() }),
    firstDate: z.string(), lastDate: z.string(),
    total: TallySchema,
    /** Each region's tally; its stores are listed page by page (launch-board-stores.ts). */
    regions: z.array(TallySchema.extend({ id: z.number().nullable(), name: z.string() })),
  })),
});
export type LaunchBoard = z.infer<typeof LaunchBoardSchema>;
type Tally = z.infer<typeof TallySchema>;

const STATUS_LABELS = { green: '健康', amber: '关注', red: '预警' } as const;
export const STEP_TITLES = LAUNCH_STEPS.map((s) => `${'①②③④'[s.no - 1]}${s.title}`);
export const HOUR = 3_600_000;

/** Which of the board's store launches to count or list: one product, one region (0: 未分区域). */
export interface BoardFilter { productId?: number; regionId?: number }

/**
 * The board's store launches within the actor's stores as the CTE
 * `per_launch`, one row per store launch: the step it stands at (`next_no`,
 * 1–4, null when all four are done) and its steps counted against their
 * deadlines. The launches are the products launched in the month and, in the
 * current month, every product whose launch is still unfinished at a store
 * whatever its date — the work a manager must still see through — each
 * product with all of its stores in reach (the finished ones too).
 */
export function withBoardLaunches(sql: Sql, actor: Actor, q: LaunchBoardQuery, now: Date, dueSoonHours: number, filter: BoardFilter = {}): Period {
  const period = resolvePeriod(q, now);
  const current = period.from <= shanghaiDate(now) && shanghaiDate(now) < period.to;
  const done = sql.param(LAUNCH_DONE_STATUSES);
  const at = sql.param(now);
  const soon = sql.param(new Date(now.getTime() + dueSoonHours * HOUR));
  const only = [
    filter.productId ? `product_id = ${sql.param(filter.productId)}` : '',
    filter.regionId === 0 ? 'region_id IS NULL' : filter.regionId ? `region_id = ${sql.param(filter.regionId)}` : '',
  ].filter(Boolean);
  sql.with('scoped', `
      SELECT l.id, l.launch_date, l.product_id, l.process_instance_id, c.name AS store_name, s.region_id
        FROM retail_launches l JOIN retail_stores s ON s.customer_id = l.store_id JOIN customers c ON c.id = s.customer_id
       WHERE ${storeScopeSql(actor, sql)}`);
  // a product's launch is shown whole: every store of it, the finished ones too
  sql.with('board', `
      SELECT * FROM scoped WHERE product_id IN (
        SELECT product_id FROM scoped
         WHERE (launch_date >= ${sql.param(period.from)}::date AND launch_date < ${sql.param(period.to)}::date)
            OR (${sql.param(current)} AND EXISTS (SELECT 1 FROM actions x WHERE x.process_instance_id = scoped.process_instance_id AND NOT (x.status = ANY(${done})))))
      ${only.length ? `AND ${only.join(' AND ')}` : ''}`);
  sql.with('escalated', `
      SELECT subject_id AS action_id, count(*)::int AS n FROM alerts
       WHERE rule_code = 'overdue_escalation' AND subject_type = 'action' GROUP BY subject_id`);
  sql.with('steps', `
      SELECT b.id AS launch_id, b.process_instance_id, b.product_id, b.region_id, b.store_name, b.launch_date,
             array_position(${sql.param(LAUNCH_STEPS.map((s) => s.key))}::text[], a.node_key) AS no, a.due_at,
             CASE WHEN a.status = ANY(${done}) THEN COALESCE(a.verified_at, a.submitted_at, a.archived_at) END AS done_at,
             COALESCE(e.n, 0) AS alerts
        FROM board b JOIN actions a ON a.process_instance_id = b.process_instance_id LEFT JOIN escalated e ON e.action_id = a.id`);
  sql.with('per_launch', `
      SELECT t.launch_id, t.process_instance_id, t.product_id, t.region_id, t.store_name, t.launch_date,
             min(t.no) FILTER (WHERE t.done_at IS NULL) AS next_no,
             count(*) FILTER (WHERE t.done_at IS NOT NULL AND (t.due_at IS NULL OR t.done_at <= t.due_at))::int AS on_time,
             count(*) FILTER (WHERE t.done_at IS NOT NULL OR t.due_at < ${at})::int AS decided,
             count(*) FILTER (WHERE t.done_at IS NULL AND t.due_at < ${at})::int AS overdue,
             count(*) FILTER (WHERE t.done_at IS NULL AND t.due_at >= ${at} AND t.due_at <= ${soon})::int AS due_soon,
             min(t.due_at) FILTER (WHERE t.done_at IS NULL AND t.due_at < ${at}) AS first_overdue_at,
             min(t.due_at) FILTER (WHERE t.done_at IS NULL AND t.due_at >= ${at} AND t.due_at <= ${soon}) AS first_due_soon_at,
             sum(t.alerts)::int AS alerts
        FROM steps t
       GROUP BY t.launch_id, t.process_instance_id, t.product_id, t.region_id, t.store_name, t.launch_date`);
  return period;
}

interface RegionRow {
  product_id: string; product_name: string; sku: string; region_id: string | null; region_name: string | null;
  first_date: string; last_date: string; stores: number; at_step: number[]; done: number;
  on_time: number; decided: number; overdue: number; due_soon: number; alerts: number;
}

/** Per launched product and region, counted in the database: the board reads one row per region, however many stores. */
export async function buildLaunchBoard(db: Db, actor: Actor, q: LaunchBoardQuery, now: Date, settings: BoardSettings): Promise<LaunchBoard> {
  assertCan(actor, 'retail', 'read');
  const sql = new Sql();
  const period = withBoardLaunches(sql, actor, q, now, settings.dueSoonHours);
  const { rows } = await db.query<RegionRow>(sql.unprepared(`
    SELECT l.product_id, p.name AS product_name, p.sku, l.region_id, d.name AS region_name,
           min(l.launch_date)::text AS first_date, max(l.launch_date)::text AS last_date, count(*)::int AS stores,
           ARRAY[${LAUNCH_STEPS.map((s) => `count(*) FILTER (WHERE l.next_no = ${s.no})::int`).join(', ')}] AS at_step,
           count(*) FILTER (WHERE l.next_no IS NULL)::int AS done,
           sum(l.on_time)::int AS on_time, sum(l.decided)::int AS decided, sum(l.overdue)::int AS overdue,
           sum(l.due_soon)::int AS due_soon, sum(l.alerts)::int AS alerts
      FROM per_launch l JOIN retail_products p ON p.id = l.product_id LEFT JOIN departments d ON d.id = l.region_id
     GROUP BY l.product_id, p.name, p.sku, l.region_id, d.name
     ORDER BY l.product_id, d.name NULLS LAST`));
  const launches: LaunchBoard['launches'] = [];
  for (const regionRows of groupBy(rows, (r) => r.product_id).values()) {
    const first = regionRows[0]!;
    const total = emptyTally();
    const regions = regionRows.map((r) => {
      const region = { ...tallyOf(r, settings), id: r.region_id === null ? null : Number(r.region_id), name: r.region_name ?? '未分区域' };
      addTo(total, region);
      return region;
    });
    total.onTime = onTimeOf(total.onTime.num, total.onTime.den, settings);
    launches.push({
      product: { id: Number(first.product_id), name: first.product_name, sku: first.sku },
      firstDate: regionRows.map((r) => r.first_date).sort()[0]!, lastDate: regionRows.map((r) => r.last_date).sort().pop()!,
      total, regions,
    });
  }
  launches.sort((a, b) => b.lastDate.localeCompare(a.lastDate) || a.product.name.localeCompare(b.product.name));
  return {
    period: periodOut(period),
    settings: { dueSoonHours: settings.dueSoonHours, target: `健康 ≥ ${settings.onTimeGood}%；低于 ${settings.onTimeWarn}% 预警` },
    steps: STEP_TITLES,
    launches,
  };
}

function tallyOf(r: RegionRow, settings: BoardSettings): Tally {
  return {
    stores: r.stores, atStep: r.at_step, done: r.done, onTime: onTimeOf(r.on_time, r.decided, settings),
    overdue: r.overdue, dueSoon: r.due_soon, escalations: r.alerts,
  };
}

function addTo(total: Tally, t: Tally): void {
  total.stores += t.stores;
  total.done += t.done;
  t.atStep.forEach((n, i) => { total.atStep[i]! += n; });
  total.onTime.num += t.onTime.num;
  total.onTime.den += t.onTime.den;
  total.overdue += t.overdue;
  total.dueSoon += t.dueSoon;
  total.escalations += t.escalations;
}

function emptyTally(): Tally {
  return { stores: 0, atStep: LAUNCH_STEPS.map(() => 0), done: 0, onTime: onTimeOf(0, 0, null), overdue: 0, dueSoon: 0, escalations: 0 };
}

function onTimeOf(num: number, den: number, s: BoardSettings | null): Tally['onTime'] {
  const rate = den ? num / den : null;
  const pct = rate === null ? null : Math.round(rate * 1000) / 10;
  const status = pct === null || !s ? null : pct >= s.onTimeGood ? 'green' : pct < s.onTimeWarn ? 'red' : 'amber';
  return { num, den, rate, display: pct === null ? '—' : `${pct}%`, status, statusLabel: status ? STATUS_LABELS[status] : null };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}
