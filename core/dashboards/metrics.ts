/**
 * Every dashboard metric as data: its name, one-line definition (served with
 * every figure), unit, which drill-downs it supports, and its fact source — a
 * subquery yielding one row per underlying fact with standard columns
 * (owner_id, department_id, product_line_id, t = Shanghai day, stage) and the
 * metric's own: den/num for ratios, v (days) for dwell, n/f0…fk for the
 * profile completeness. Aggregation, scope and filters are in query.ts, so
 * every metric is counted and scoped the same way.
 *
 * Attribution: a fact belongs to the department its rep was in when it
 * happened — the department stored on the row (actions: at dispatch;
 * follow-ups: when recorded; leads: the lead's team), or, for stage moves and
 * opportunity closes, the rep's department at that instant from
 * user_department_history.
 */
import type { Sql } from '../db/sql.js';
import { addCalendarDays, shanghaiInstant, type IsoDate } from '../flow/time.js';
import { addMonths, monthStart, type Period } from './period.js';
import { rollupBranches } from './rollup-reads.js';
import type { DashboardSettings, ProfileField, ThresholdMetric } from './settings.js';
import { departmentAt } from './sql.js';

export const METRIC_KEYS = [
  'lead_conversion', 'opportunity_win', 'profile_completeness',
  'stage_dwell', 'stage_skip_rate', 'action_on_time', 'effective_followup',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export const GROUP_BYS = ['owner', 'department', 'productLine', 'stage', 'day', 'week', 'month', 'field'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface SourceCtx {
  period: Period;
  now: Date;
  /** Shanghai today. */
  today: IsoDate;
  ps: Sql;
  settings: DashboardSettings;
  /** Completeness only: the snapshot day to read, or null for the live state. */
  snapshotAsOf?: IsoDate | null;
  /** Completeness only: the live state already grouped (snapshot-shaped rows), instead of reading customers. */
  liveProfileState?: ProfileStateRow[] | null;
  /** False when neither a filter nor the grouping looks at product lines: sources may leave them NULL. */
  needsProductLine?: boolean;
  /** True when no grouping looks finer than a month (not by day or week): t may be the first of its month. */
  monthGrain?: boolean;
}

/** Active customers per department/owner/product line with each key field's filled count (a snapshot's shape). */
export interface ProfileStateRow {
  department_id: number | null;
  owner_id: number | null;
  product_line_id: number | null;
  customers: number;
  filled: Record<string, number>;
}

export interface MetricDef {
  key: MetricKey;
  name: string;
  group: 'water_level' | 'health';
  unit: 'percent' | 'days';
  kind: 'ratio' | 'dwell' | 'completeness';
  /** For the trend: does up mean better? */
  higherIsBetter: boolean;
  thresholdKey: ThresholdMetric | null;
  hasProductLine: boolean;
  hasStage: boolean;
  groupBys: GroupBy[];
  /** What one record of the drill-down is. */
  recordNoun: string;
  definition(settings: DashboardSettings): string;
  source(ctx: SourceCtx): string;
}

const TIME_GROUPS: GroupBy[] = ['day', 'week', 'month'];
const ts = (ctx: SourceCtx) => ({ from: ctx.ps.param(ctx.period.fromTs), to: ctx.ps.param(ctx.period.toTs) });

/**
 * Stage exits `s` of days [from, to), stated by their Shanghai month so that
 * a month is read through the month indexes of migration 008, in (position,
 * dwell) or dwell order: per-stage grouping and medians then sort nothing.
 * A whole month is its month alone (the `at` range would only be re-checked
 * on every exit); otherwise the months bound the `at` range.
 */
function stageExitsIn(ps: Sql, from: IsoDate, to: IsoDate): string {
  const first = monthStart(from);
  const last = monthStart(addCalendarDays(to, -1));
  if (first === last && from === first && to === addMonths(first, 1)) return `dash_month(s.at) = ${ps.param(first)}::date`;
  const months = first === last
    ? `dash_month(s.at) = ${ps.param(first)}::date`
    : `dash_month(s.at) BETWEEN ${ps.param(first)}::date AND ${ps.param(last)}::date`;
  return `${months} AND s.at >= ${ps.param(shanghaiInstant(from))} AND s.at < ${ps.param(shanghaiInstant(to))}`;
}

/**
 * Forward stage exits of the period: whole months as dash_stage_monthly's
 * counts (when no grouping looks finer than a month), the other days as the
 * exits themselves.
 */
function forwardExitsSource(ctx: SourceCtx): string {
  const { period, ps } = ctx;
  const exits = (from: IsoDate, to: IsoDate) =>
    `SELECT s.owner_id, s.department_id, s.product_line_id, dash_day(s.at) AS t, s.stage, 1 AS den, s.skip::int AS num
       FROM dash_stage_facts s
      WHERE s.forward AND ${stageExitsIn(ps, from, to)}`;
  const wholeFrom = period.from === monthStart(period.from) ? period.from : addMonths(monthStart(period.from), 1);
  const wholeTo = monthStart(period.to);
  if (!ctx.monthGrain || wholeFrom >= wholeTo) return exits(period.from, period.to);
  const branches = [`SELECT m.owner_id, m.department_id, m.product_line_id, m.month AS t, m.stage, m.forward AS den, m.skips AS num
                       FROM dash_stage_monthly m WHERE m.month >= ${ps.param(wholeFrom)}::date AND m.month < ${ps.param(wholeTo)}::date`];
  if (period.from < wholeFrom) branches.push(exits(period.from, wholeFrom));
  if (wholeTo < period.to) branches.push(exits(wholeTo, period.to));
  return branches.join('\nUNION ALL\n');
}

/**
 * Per-field "filled" predicates of a customer row `c`, and the joins they need.
 * Contact-based fields join the set of customers having such a contact (a hash
 * join over a partial index), not a subquery per customer.
 */
const DECISION_MAKER = `buying_role = 'decider' AND status = 'active'`;
// the buying centre covered: an active decider among at least three of the six roles
const BUYING_CENTRE = `SELECT customer_id FROM contacts WHERE status = 'active' AND buying_role IS NOT NULL
  GROUP BY customer_id HAVING bool_or(buying_role = 'decider') AND count(DISTINCT buying_role) >= 3`;
// a live procurement: a step on an open opportunity within the last year
const PROCUREMENT = `SELECT DISTINCT o.customer_id FROM procurement_events e JOIN opportunities o ON o.id = e.opportunity_id
  WHERE o.status = 'open' AND e.occurred_on >= current_date - 365`;
const REACHABLE = `(COALESCE(btrim(phone), '') <> '' OR COALESCE(btrim(wechat), '') <> '')`;

export function profileFieldsSql(fields: ProfileField[], ps: Sql, mode: 'join' | 'exists' = 'join'): { joins: string; flags: string[] } {
  const joins = new Set<string>();
  // 'exists' (a probe per customer row) suits a page of customers; 'join' suits all of them
  const setFlag = (alias: string, customersSql: string) => {
    if (mode === 'exists') return `c.id IN (${customersSql})`;
    joins.add(`LEFT JOIN (${customersSql}) ${alias} ON ${alias}.customer_id = c.id`);
    return `${alias}.customer_id IS NOT NULL`;
  };
  const contactFlag = (alias: string, cond: string) => {
    if (mode === 'exists') return `EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND ${cond})`;
    return setFlag(alias, `SELECT DISTINCT customer_id FROM contacts WHERE ${cond}`);
  };
  const profileKey = (key: string) => `COALESCE(btrim(c.profile->>${ps.param(key)}), '') <> ''`;
  const flags = fields.map((f) => {
    switch (f.source) {
      case 'profile': return profileKey(f.key);
      case 'contacts.buying_centre': return setFlag('k_bc', BUYING_CENTRE);
      case 'contacts.decision_maker': return contactFlag('k_dm', DECISION_MAKER);
      case 'procurement': return `(${setFlag('k_pe', PROCUREMENT)} OR ${profileKey(f.key)})`;
      case 'contacts.phone': return contactFlag('k_ph', REACHABLE);
      case 'location': return `(c.lat IS NOT NULL AND COALESCE(btrim(c.address), '') <> '')`;
    }
  });
  return { joins: [...joins].join('\n'), flags };
}

const weightsText = (s: DashboardSettings) => s.profileFields.map((f) => `${f.label}×${f.weight}`).join('、');

/** 线索→商机's hit: an opportunity made from the lead, by the end of the period (`until`, an SQL expression). */
export const leadBecameDeal = (lead: string, until: string) =>
  `EXISTS (SELECT 1 FROM opportunities o WHERE o.lead_id = ${lead}.id AND o.created_at < ${until})`;

export const METRICS: Record<MetricKey, MetricDef> = {
  lead_conversion: {
    key: 'lead_conversion', name: '线索→商机转化率', group: 'water_level', unit: 'percent', kind: 'ratio', higherIsBetter: true,
    thresholdKey: 'lead_conversion', hasProductLine: false, hasStage: false,
    groupBys: ['owner', 'department', ...TIME_GROUPS], recordNoun: '线索',
    definition: () => '统计期内新建的线索中，到期末已产生商机（有商机关联这条线索）的条数 ÷ 统计期内新建线索数；只标为“已转化”却没有商机的线索不计；按线索所属团队和负责人归属。',
    source: (ctx) => {
      const t = ts(ctx);
      return `SELECT l.id, l.assignee_id AS owner_id, l.department_id, NULL::bigint AS product_line_id,
                     dash_day(l.created_at) AS t, NULL::text AS stage, 1 AS den, ${leadBecameDeal('l', t.to)}::int AS num
                FROM leads l WHERE l.created_at >= ${t.from} AND l.created_at < ${t.to}`;
    },
  },
  opportunity_win: {
    key: 'opportunity_win', name: '商机→合同转化率', group: 'water_level', unit: 'percent', kind: 'ratio', higherIsBetter: true,
    thresholdKey: 'opportunity_win', hasProductLine: true, hasStage: false,
    groupBys: ['owner', 'department', 'productLine', ...TIME_GROUPS], recordNoun: '商机',
    definition: () => '统计期内关闭（赢单或输单）的商机中赢单签约的个数 ÷ 统计期内关闭的商机数；按关单时负责人所在部门归属。',
    source: (ctx) => {
      const t = ts(ctx);
      const d = departmentAt('o.owner_id', 'o.closed_at', 'od');
      return `SELECT o.id, o.owner_id, ${d.expr} AS department_id, o.product_line_id, dash_day(o.closed_at) AS t,
                     NULL::text AS stage, 1 AS den, (o.status = 'won')::int AS num
                FROM opportunities o ${d.joins}
               WHERE o.status IN ('won','lost') AND o.closed_at >= ${t.from} AND o.closed_at < ${t.to}`;
    },
  },
  profile_completeness: {
    key: 'profile_completeness', name: '客户资料完整度', group: 'water_level', unit: 'percent', kind: 'completeness', higherIsBetter: true,
    thresholdKey: 'profile_completeness', hasProductLine: true, hasStage: false,
    groupBys: ['owner', 'department', 'productLine', 'field'], recordNoun: '客户',
    definition: (s) => `期末在营客户关键资料字段的加权填写率（${weightsText(s)}）÷ 满分；本期按当前资料计算（每30秒刷新），往期按每日零点快照；按客户归属部门和负责人统计。`,
    source: (ctx) => {
      const fields = ctx.settings.profileFields;
      if (ctx.snapshotAsOf || ctx.liveProfileState) {
        const cols = fields.map((f, i) => `COALESCE((s.filled->>${ctx.ps.param(f.key)})::int, 0) AS f${i}`).join(', ');
        const from = ctx.liveProfileState
          ? `jsonb_to_recordset(${ctx.ps.param(JSON.stringify(ctx.liveProfileState))}::jsonb)
               AS s(department_id bigint, owner_id bigint, product_line_id bigint, customers int, filled jsonb)`
          : `dash_profile_snapshots s WHERE s.as_of = ${ctx.ps.param(ctx.snapshotAsOf)}`;
        return `SELECT s.owner_id, s.department_id, s.product_line_id, NULL::date AS t, NULL::text AS stage, s.customers AS n, ${cols}
                  FROM ${from}`;
      }
      const { joins, flags } = profileFieldsSql(fields, ctx.ps);
      const cols = flags.map((x, i) => `(${x})::int AS f${i}`).join(', ');
      return `SELECT c.id, c.owner_id, c.department_id, c.product_line_id, NULL::date AS t, NULL::text AS stage, 1 AS n, ${cols}
                FROM customers c ${joins} WHERE c.status = 'active'`;
    },
  },
  stage_dwell: {
    key: 'stage_dwell', name: '阶段停留时长', group: 'health', unit: 'days', kind: 'dwell', higherIsBetter: false,
    thresholdKey: null, hasProductLine: true, hasStage: true,
    groupBys: ['stage', 'owner', 'department', 'productLine', ...TIME_GROUPS], recordNoun: '阶段停留',
    definition: () => '统计期内商机离开某（子）阶段时在该阶段停留的天数，按阶段取平均值与中位数；退回后再次进入另计一次，尚未离开的不计。',
    source: (ctx) => `SELECT s.move_id AS id, s.owner_id, s.department_id, s.product_line_id, dash_day(s.at) AS t,
                             s.stage, s.position, s.dwell_days AS v
                        FROM dash_stage_facts s WHERE ${stageExitsIn(ctx.ps, ctx.period.from, ctx.period.to)}`,
  },
  stage_skip_rate: {
    key: 'stage_skip_rate', name: '跨阶段跳转率', group: 'health', unit: 'percent', kind: 'ratio', higherIsBetter: false,
    thresholdKey: 'stage_skip_rate', hasProductLine: true, hasStage: true,
    groupBys: ['stage', 'owner', 'department', 'productLine', ...TIME_GROUPS], recordNoun: '阶段推进',
    definition: () => '统计期内跳过（子）阶段的推进次数 ÷ 统计期内全部向前推进次数（不含新建与退回）；按推进时负责人所在部门归属，阶段为离开的阶段。',
    source: (ctx) => forwardExitsSource(ctx),
  },
  action_on_time: {
    key: 'action_on_time', name: '事项按时完成率', group: 'health', unit: 'percent', kind: 'ratio', higherIsBetter: true,
    thresholdKey: 'action_on_time', hasProductLine: true, hasStage: false,
    groupBys: ['owner', 'department', 'productLine', ...TIME_GROUPS], recordNoun: '事项',
    definition: () => '统计期内已到期的事项中，在截止时间前提交并通过校验（已提交、已核验或已归档）的条数 ÷ 统计期内已到期事项数；按派发时负责人所在部门归属。',
    source: (ctx) => actionSource(ctx),
  },
  effective_followup: {
    key: 'effective_followup', name: '有效跟进率', group: 'health', unit: 'percent', kind: 'ratio', higherIsBetter: true,
    thresholdKey: 'effective_followup', hasProductLine: true, hasStage: false,
    groupBys: ['owner', 'department', 'productLine', ...TIME_GROUPS], recordNoun: '跟进',
    definition: () => '统计期内有效跟进条数 ÷ 统计期内全部跟进条数（有效：有资料、附件、决策链更新或明确的下一步）；按跟进时跟进人所在部门归属。',
    source: (ctx) => unionOrNothing(rollupBranches('followup', ctx.period.from, ctx.period.to, ctx.ps, ctx.monthGrain ?? false)),
  },
};

/**
 * Actions due in the period and already due (due_at < now): whole past days
 * from the rollup (rollup-reads.ts), today's counted from the table itself —
 * the rollup's today also holds actions due later today, not due yet. Of
 * today's two parts the smaller is read: the actions due so far, or (late in
 * the day) the rollup's today minus the actions still due later today.
 */
function actionSource(ctx: SourceCtx): string {
  const { period, now, today, ps } = ctx;
  const todayStart = shanghaiInstant(today);
  const tomorrow = addCalendarDays(today, 1);
  const tomorrowStart = shanghaiInstant(tomorrow);
  const todayInPeriod = period.from <= today && today < period.to;
  const minusLaterToday = todayInPeriod && tomorrowStart.getTime() - now.getTime() < now.getTime() - todayStart.getTime();
  const rollupEnd = minusLaterToday ? tomorrow : period.to < today ? period.to : today;
  const branches = rollupBranches('action', period.from, rollupEnd, ps, ctx.monthGrain ?? false);
  const withProductLine = ctx.needsProductLine ?? true;
  if (minusLaterToday) {
    branches.push(liveActionsSql(ps, now, tomorrowStart, withProductLine, '-'));
  } else {
    const liveFrom = new Date(Math.max(period.fromTs.getTime(), todayStart.getTime()));
    const liveTo = new Date(Math.min(period.toTs.getTime(), now.getTime()));
    if (liveFrom < liveTo) branches.push(liveActionsSql(ps, liveFrom, liveTo, withProductLine));
  }
  return unionOrNothing(branches);
}

function unionOrNothing(branches: string[]): string {
  if (branches.length === 0) {
    return `SELECT NULL::bigint AS owner_id, NULL::bigint AS department_id, NULL::bigint AS product_line_id, NULL::date AS t,
                   NULL::text AS stage, 0 AS den, 0 AS num WHERE false`;
  }
  return branches.join('\nUNION ALL\n');
}

/**
 * Actions with due_at in [from, to), one row each, in the rollup's shape
 * (sign '-': counted negatively, to take them out of the rollup's day). The
 * product line is the customer's: joined only when asked for, since today's
 * actions can be tens of thousands of rows and the join is most of their cost.
 */
export function liveActionsSql(ps: Sql, from: Date, to: Date, withProductLine = true, sign: '' | '-' = ''): string {
  return `SELECT a.assignee_id AS owner_id, a.department_id, ${withProductLine ? 'c.product_line_id' : 'NULL::bigint'} AS product_line_id,
                 dash_day(a.due_at) AS t, NULL::text AS stage, ${sign}1 AS den, ${sign}dash_action_on_time(a.status, a.submitted_at, a.due_at)::int AS num
            FROM actions a ${withProductLine ? 'LEFT JOIN customers c ON c.id = a.customer_id' : ''}
           WHERE a.due_at >= ${ps.param(from)} AND a.due_at < ${ps.param(to)}`;
}

export function isMetricKey(s: string): s is MetricKey {
  return (METRIC_KEYS as readonly string[]).includes(s);
}
