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
import { PeriodQuery, periodOut, resolvePeriod } from '../dashboards/period.js';
import { LAUNCH_STEPS } from '../flow/launch-steps.js';
import { shanghaiDate } from '../flow/time.js';
import { daysLate, LAUNCH_DONE_STATUSES } from './launches.js';
import { storeScopeSql } from './store-scope.js';

export const LaunchBoardQuery = z.object({ month: PeriodQuery.month }).strict();
export type LaunchBoardQuery = z.infer<typeof LaunchBoardQuery>;

interface BoardSettings { dueSoonHours: number; onTimeGood: number; onTimeWarn: number }

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
const StoreSchema = z.object({
  launchId: z.number(), storeName: z.string(), launchDate: z.string(),
  /** The step it stands at ('①扫码绑定货架位'), or null when all four are done. */
  step: z.string().nullable(), state: z.enum(['done', 'on_track', 'due_soon', 'overdue']), stateLabel: z.string(),
});
const LateStepSchema = z.object({
  launchId: z.number(), storeName: z.string(), regionName: z.string(), step: z.string(), dueAt: z.string(),
  state: z.enum(['overdue', 'due_soon']), lateDays: z.number().nullable(), hoursLeft: z.number().nullable(),
  owner: z.object({ id: z.number(), name: z.string() }),
  /** How far its escalation went ('已通知主管'), or null when no step of it has fired yet. */
  escalation: z.string().nullable(),
});
export const LaunchBoardSchema = z.object({
  period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
  settings: z.object({ dueSoonHours: z.number(), target: z.string() }),
  steps: z.array(z.string()),
  launches: z.array(z.object({
    product: z.object({ id: z.number(), name: z.string(), sku: z.string() }),
    firstDate: z.string(), lastDate: z.string(),
    total: TallySchema,
    regions: z.array(TallySchema.extend({ id: z.number().nullable(), name: z.string(), storeLaunches: z.array(StoreSchema) })),
    late: z.array(LateStepSchema),
  })),
});
export type LaunchBoard = z.infer<typeof LaunchBoardSchema>;
type Tally = z.infer<typeof TallySchema>;

const STATUS_LABELS = { green: '健康', amber: '关注', red: '预警' } as const;
const ROLE_LABELS: Record<string, string> = { manager: '主管', director: '销售总监', compliance: '合规', assigner: '派发人', admin: '管理员' };
const STEP_TITLES = LAUNCH_STEPS.map((s) => `${'①②③④'[s.no - 1]}${s.title}`);
const HOUR = 3_600_000;

interface StepRow {
  launch_id: string; store_name: string; launch_date: string; product_id: string; product_name: string; sku: string;
  region_id: string | null; region_name: string | null; node_key: string; status: string; due_at: Date | null; done_at: Date | null;
  assignee_id: string; assignee_name: string; alerts: number; reached: string[] | null;
}

/**
 * The products launched in the month (by launch date) and, in the current
 * month, every product whose launch is still unfinished at a store whatever
 * its date — the work a manager must still see through — each with all of its
 * stores in reach.
 */
export async function buildLaunchBoard(db: Db, actor: Actor, q: LaunchBoardQuery, now: Date, settings: BoardSettings): Promise<LaunchBoard> {
  assertCan(actor, 'retail', 'read');
  const period = resolvePeriod(q, now);
  const current = period.from <= shanghaiDate(now) && shanghaiDate(now) < period.to;
  const sql = new Sql();
  const done = sql.param(LAUNCH_DONE_STATUSES);
  const { rows } = await db.query<StepRow>(sql.unprepared(`
    WITH scoped AS (
      SELECT l.id, l.launch_date, l.product_id, l.process_instance_id, c.name AS store_name, s.region_id
        FROM retail_launches l JOIN retail_stores s ON s.customer_id = l.store_id JOIN customers c ON c.id = s.customer_id
       WHERE ${storeScopeSql(actor, sql)}
    ), l AS (
      -- a product's launch is shown whole: every store of it, the finished ones too
      SELECT * FROM scoped WHERE product_id IN (
        SELECT product_id FROM scoped
         WHERE (launch_date >= ${sql.param(period.from)}::date AND launch_date < ${sql.param(period.to)}::date)
            OR (${sql.param(current)} AND EXISTS (SELECT 1 FROM actions x WHERE x.process_instance_id = scoped.process_instance_id AND NOT (x.status = ANY(${done})))))
    )
    SELECT l.id AS launch_id, l.store_name, l.launch_date::text AS launch_date, p.id AS product_id, p.name AS product_name, p.sku,
           l.region_id, d.name AS region_name, a.node_key, a.status, a.due_at,
           CASE WHEN a.status = ANY(${done}) THEN COALESCE(a.verified_at, a.submitted_at, a.archived_at) END AS done_at,
           a.assignee_id, u.name AS assignee_name,
           (SELECT count(*)::int FROM alerts x WHERE x.rule_code = 'overdue_escalation' AND x.subject_type = 'action' AND x.subject_id = a.id) AS alerts,
           (SELECT e.notify FROM action_escalation_steps e WHERE e.action_id = a.id AND e.done_at IS NOT NULL ORDER BY e.step DESC LIMIT 1) AS reached
      FROM l JOIN retail_products p ON p.id = l.product_id LEFT JOIN departments d ON d.id = l.region_id
      JOIN actions a ON a.process_instance_id = l.process_instance_id JOIN users u ON u.id = a.assignee_id
     ORDER BY p.id, d.name NULLS LAST, l.store_name, l.id`));
  const dueSoonMs = settings.dueSoonHours * HOUR;
  const judge = (t: Tally) => onTimeOf(t.onTime.num, t.onTime.den, settings);
  const launches: LaunchBoard['launches'] = [];
  for (const productRows of groupBy(rows, (r) => r.product_id).values()) {
    const first = productRows[0]!;
    const total = emptyTally();
    const regions: LaunchBoard['launches'][number]['regions'] = [];
    const late: LaunchBoard['launches'][number]['late'] = [];
    for (const regionRows of groupBy(productRows, (r) => r.region_id ?? '').values()) {
      const region = { ...emptyTally(), id: regionRows[0]!.region_id === null ? null : Number(regionRows[0]!.region_id), name: regionRows[0]!.region_name ?? '未分区域', storeLaunches: [] as z.infer<typeof StoreSchema>[] };
      for (const steps of groupBy(regionRows, (r) => r.launch_id).values()) {
        const byKey = new Map(steps.map((s) => [s.node_key, s]));
        const ordered = LAUNCH_STEPS.map((s) => byKey.get(s.key)).filter((s): s is StepRow => !!s);
        const next = ordered.findIndex((s) => !s.done_at);
        let state: z.infer<typeof StoreSchema>['state'] = next < 0 ? 'done' : 'on_track';
        for (const t of [region, total]) {
          t.stores++;
          if (next < 0) t.done++;
          else t.atStep[next]!++;
        }
        for (const [i, s] of ordered.entries()) {
          const decided = s.done_at !== null || (s.due_at !== null && s.due_at < now);
          const onTime = s.done_at !== null && (s.due_at === null || s.done_at <= s.due_at);
          const overdue = s.done_at === null && s.due_at !== null && s.due_at < now;
          const dueSoon = s.done_at === null && !overdue && s.due_at !== null && s.due_at.getTime() - now.getTime() <= dueSoonMs;
          for (const t of [region, total]) {
            t.onTime.num += Number(onTime);
            t.onTime.den += Number(decided);
            t.overdue += Number(overdue);
            t.dueSoon += Number(dueSoon);
            t.escalations += s.alerts;
          }
          if (overdue) state = 'overdue';
          else if (dueSoon && state !== 'overdue') state = 'due_soon';
          if (!overdue && !dueSoon) continue;
          late.push({
            launchId: Number(s.launch_id), storeName: s.store_name, regionName: region.name, step: STEP_TITLES[LAUNCH_STEPS.findIndex((x) => x.key === s.node_key)] ?? STEP_TITLES[i]!,
            dueAt: s.due_at!.toISOString(), state: overdue ? 'overdue' : 'due_soon',
            lateDays: overdue ? daysLate(s.due_at!, now) : null,
            hoursLeft: overdue ? null : Math.max(0, Math.ceil((s.due_at!.getTime() - now.getTime()) / HOUR)),
            owner: { id: Number(s.assignee_id), name: s.assignee_name },
            escalation: escalationLabel(s.reached),
          });
        }
        region.storeLaunches.push({
          launchId: Number(steps[0]!.launch_id), storeName: steps[0]!.store_name, launchDate: steps[0]!.launch_date,
          step: next < 0 ? null : STEP_TITLES[LAUNCH_STEPS.findIndex((x) => x.key === ordered[next]!.node_key)]!,
          state, stateLabel: STATE_LABELS[state],
        });
      }
      region.onTime = judge(region);
      regions.push(region);
    }
    total.onTime = judge(total);
    const dates = productRows.map((r) => r.launch_date).sort();
    launches.push({
      product: { id: Number(first.product_id), name: first.product_name, sku: first.sku },
      firstDate: dates[0]!, lastDate: dates[dates.length - 1]!, total, regions,
      // the latest first, then what falls due soonest
      late: late.sort((a, b) => (b.lateDays ?? -1) - (a.lateDays ?? -1) || a.dueAt.localeCompare(b.dueAt)),
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

const STATE_LABELS = { done: '已完成', on_track: '进行中', due_soon: '即将逾期', overdue: '已逾期' } as const;

function emptyTally(): Tally {
  return { stores: 0, atStep: LAUNCH_STEPS.map(() => 0), done: 0, onTime: onTimeOf(0, 0, null), overdue: 0, dueSoon: 0, escalations: 0 };
}

function onTimeOf(num: number, den: number, s: BoardSettings | null): Tally['onTime'] {
  const rate = den ? num / den : null;
  const pct = rate === null ? null : Math.round(rate * 1000) / 10;
  const status = pct === null || !s ? null : pct >= s.onTimeGood ? 'green' : pct < s.onTimeWarn ? 'red' : 'amber';
  return { num, den, rate, display: pct === null ? '—' : `${pct}%`, status, statusLabel: status ? STATUS_LABELS[status] : null };
}

/** The last escalation step that fired, by whom it reached beyond the clerk. */
function escalationLabel(reached: string[] | null): string | null {
  if (!reached) return null;
  const names = reached.map((r) => ROLE_LABELS[r]).filter(Boolean);
  return names.length ? `已升级至${names.join('、')}` : '已提醒负责人';
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
