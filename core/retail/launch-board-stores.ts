/**
 * The 新品上架看板's stores, page by page ("加载更多") and as a file: each
 * store launch of the board within the actor's stores — the step it stands
 * at, its state, how late its earliest overdue step is, its clerk and how far
 * an escalation went — filtered by product, region and state, the latest
 * first. The export is the same list under the same filters, every page.
 *
 *   const page = await listBoardStores(db, manager, { month: '2026-12', state: 'late', limit: 30 }, now, settings);
 *   const file = await boardStoresTable(db, manager, { month: '2026-12', productId: 7 }, now, settings);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { EXPORT_MAX_ROWS } from '../dashboards/export.js';
import type { Column } from '../dashboards/records.js';
import { PeriodQuery, periodOut } from '../dashboards/period.js';
import { LAUNCH_STEPS } from '../flow/launch-steps.js';
import { IdParam } from '../resources/schemas.js';
import { HOUR, STEP_TITLES, withBoardLaunches, type BoardSettings } from './launch-board.js';
import { daysLate } from './launches.js';

const STATES = ['overdue', 'due_soon', 'on_track', 'done'] as const;
type State = (typeof STATES)[number];
const STATE_LABELS: Record<State, string> = { done: '已完成', on_track: '进行中', due_soon: '即将逾期', overdue: '已逾期' };

export const BoardStoresFilter = z.object({
  month: PeriodQuery.month,
  productId: IdParam.optional(),
  /** 0: the stores of no region (未分区域). */
  regionId: z.string().regex(/^\d{1,15}$/, '必须是整数').transform(Number).optional(),
  /** late: 已逾期 or 即将逾期. */
  state: z.enum([...STATES, 'late'], { message: '状态应为 overdue、due_soon、on_track、done 或 late' }).optional(),
}).strict();
export type BoardStoresFilter = z.infer<typeof BoardStoresFilter>;

export const BoardStoresQuery = BoardStoresFilter.extend({
  limit: z.string().regex(/^\d{1,3}$/, '必须是1至100的整数').transform(Number).pipe(z.number().int().min(1, '至少1条').max(100, '最多100条')).optional(),
  offset: z.string().regex(/^\d{1,9}$/, '必须是非负整数').transform(Number).optional(),
}).strict();
export type BoardStoresQuery = z.infer<typeof BoardStoresQuery>;

const BoardStoreSchema = z.object({
  launchId: z.number(), productName: z.string(), storeName: z.string(), regionName: z.string(), launchDate: z.string(),
  /** The step it stands at ('①扫码绑定货架位'), or null when all four are done. */
  step: z.string().nullable(),
  state: z.enum(STATES), stateLabel: z.string(),
  overdueSteps: z.number(),
  /** Days since its earliest overdue step's deadline; hours left on its earliest step due soon; the deadline of the first of them. */
  lateDays: z.number().nullable(), hoursLeft: z.number().nullable(), dueAt: z.string().nullable(),
  owner: z.object({ id: z.number(), name: z.string() }).nullable(),
  /** How far its steps' escalation went ('已升级至主管'), or null when none fired yet. */
  escalation: z.string().nullable(),
});
export const BoardStoresPageSchema = z.object({
  period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
  items: z.array(BoardStoreSchema), total: z.number(), nextOffset: z.number().nullable(),
});
export type BoardStore = z.infer<typeof BoardStoreSchema>;
export type BoardStoresPage = z.infer<typeof BoardStoresPageSchema>;

const PAGE = 30;
const ROLE_LABELS: Record<string, string> = { manager: '主管', director: '销售总监', compliance: '合规', assigner: '派发人', admin: '管理员' };

interface StoreRow {
  launch_id: string; product_name: string; store_name: string; region_name: string | null; launch_date: string;
  next_no: number | null; state: State; overdue: number; first_overdue_at: Date | null; first_due_soon_at: Date | null;
  owner_id: string | null; owner_name: string | null; reached: string[] | null; total: number;
}

/** One page of the board's stores under the filters, with how many there are in all. */
export async function listBoardStores(db: Db, actor: Actor, q: BoardStoresQuery, now: Date, settings: BoardSettings): Promise<BoardStoresPage> {
  const limit = q.limit ?? PAGE;
  const offset = q.offset ?? 0;
  const { period, rows } = await readBoardStores(db, actor, q, now, settings, limit, offset);
  const total = rows[0]?.total ?? (offset ? await countOnly(db, actor, q, now, settings) : 0);
  return {
    period: periodOut(period),
    items: rows.map((r) => storeOf(r, now)),
    total,
    nextOffset: offset + rows.length < total ? offset + rows.length : null,
  };
}

/** Every store of the board under the filters as a table with Chinese headers (up to EXPORT_MAX_ROWS). */
export async function boardStoresTable(db: Db, actor: Actor, q: BoardStoresFilter, now: Date, settings: BoardSettings) {
  const { period, rows } = await readBoardStores(db, actor, q, now, settings, EXPORT_MAX_ROWS + 1, 0);
  const truncated = rows.length > EXPORT_MAX_ROWS;
  const items = rows.slice(0, EXPORT_MAX_ROWS).map((r) => storeOf(r, now));
  return {
    period: periodOut(period), truncated,
    columns: EXPORT_COLUMNS,
    rows: items.map((s) => ({
      productName: s.productName, storeName: s.storeName, regionName: s.regionName, launchDate: s.launchDate,
      step: s.step ?? '四步已完成', stateLabel: s.stateLabel, overdueSteps: s.overdueSteps, dueAt: s.dueAt,
      lateDays: s.lateDays, hoursLeft: s.hoursLeft, ownerName: s.owner?.name ?? null, escalation: s.escalation,
    })),
  };
}

const col = (key: string, label: string, type: Column['type'] = 'text'): Column => ({ key, label, type });
const EXPORT_COLUMNS: Column[] = [
  col('productName', '新品'), col('storeName', '门店'), col('regionName', '区域'), col('launchDate', '上架日', 'date'),
  col('step', '当前步骤'), col('stateLabel', '状态'), col('overdueSteps', '逾期步骤数', 'number'),
  col('dueAt', '最早逾期或将到期的截止时间', 'datetime'), col('lateDays', '逾期天数', 'number'), col('hoursLeft', '距截止小时数', 'number'),
  col('ownerName', '负责人'), col('escalation', '升级情况'),
];

async function readBoardStores(db: Db, actor: Actor, q: BoardStoresFilter, now: Date, settings: BoardSettings, limit: number, offset: number) {
  assertCan(actor, 'retail', 'read');
  const sql = new Sql();
  const period = withBoardLaunches(sql, actor, { month: q.month }, now, settings.dueSoonHours, { productId: q.productId, regionId: q.regionId });
  sql.with('judged', `
      SELECT l.*, CASE WHEN l.overdue > 0 THEN 'overdue' WHEN l.due_soon > 0 THEN 'due_soon' WHEN l.next_no IS NULL THEN 'done' ELSE 'on_track' END AS state
        FROM per_launch l`);
  const wanted = q.state === 'late' ? `state IN ('overdue', 'due_soon')` : q.state ? `state = ${sql.param(q.state)}` : 'TRUE';
  const keys = sql.param(LAUNCH_STEPS.map((s) => s.key));
  // the page first, sorted by ids: its names, clerk and escalation are looked up for its rows only
  sql.with('page', `
      SELECT l.*, count(*) OVER ()::int AS total FROM judged l WHERE ${wanted}
       ORDER BY ${LIST_ORDER} LIMIT ${sql.param(limit)} OFFSET ${sql.param(offset)}`);
  const { rows } = await db.query<StoreRow>(sql.unprepared(`
    SELECT l.launch_id, p.name AS product_name, l.store_name, d.name AS region_name, l.launch_date::text AS launch_date,
           l.next_no, l.state, l.overdue, l.first_overdue_at, l.first_due_soon_at, l.total,
           o.assignee_id AS owner_id, u.name AS owner_name,
           (SELECT e.notify FROM actions a JOIN action_escalation_steps e ON e.action_id = a.id AND e.done_at IS NOT NULL
             WHERE a.process_instance_id = l.process_instance_id ORDER BY e.step DESC, e.done_at DESC LIMIT 1) AS reached
      FROM page l JOIN retail_products p ON p.id = l.product_id LEFT JOIN departments d ON d.id = l.region_id
      -- the clerk of the step it stands at (of its last step once all four are done)
      LEFT JOIN actions o ON o.process_instance_id = l.process_instance_id AND o.node_key = (${keys}::text[])[COALESCE(l.next_no, ${LAUNCH_STEPS.length})]
      LEFT JOIN users u ON u.id = o.assignee_id
     ORDER BY ${LIST_ORDER}`));
  return { period, rows };
}

/** Overdue first, the latest of them first, then due soon, on track, done; then by product, region and store. */
const LIST_ORDER = `array_position(ARRAY['overdue', 'due_soon', 'on_track', 'done'], l.state), l.first_overdue_at, l.first_due_soon_at,
  l.product_id, l.region_id NULLS LAST, l.store_name, l.launch_id`;

/** A page past the end still says how many there are. */
async function countOnly(db: Db, actor: Actor, q: BoardStoresFilter, now: Date, settings: BoardSettings): Promise<number> {
  const { rows } = await readBoardStores(db, actor, q, now, settings, 1, 0);
  return rows[0]?.total ?? 0;
}

function storeOf(r: StoreRow, now: Date): BoardStore {
  return {
    launchId: Number(r.launch_id), productName: r.product_name, storeName: r.store_name, regionName: r.region_name ?? '未分区域',
    launchDate: r.launch_date,
    step: r.next_no === null ? null : STEP_TITLES[r.next_no - 1]!,
    state: r.state, stateLabel: STATE_LABELS[r.state], overdueSteps: r.overdue,
    lateDays: r.first_overdue_at ? daysLate(r.first_overdue_at, now) : null,
    hoursLeft: r.first_due_soon_at ? Math.max(0, Math.ceil((r.first_due_soon_at.getTime() - now.getTime()) / HOUR)) : null,
    dueAt: (r.first_overdue_at ?? r.first_due_soon_at)?.toISOString() ?? null,
    owner: r.owner_id ? { id: Number(r.owner_id), name: r.owner_name! } : null,
    escalation: escalationLabel(r.reached),
  };
}

/** The last escalation step that fired, by whom it reached beyond the clerk. */
function escalationLabel(reached: string[] | null): string | null {
  if (!reached) return null;
  const names = reached.map((x) => ROLE_LABELS[x]).filter(Boolean);
  return names.length ? `已升级至${names.join('、')}` : '已提醒负责人';
}
