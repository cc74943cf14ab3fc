/**
 * The dashboards as the API serves them: the overview (three water levels and
 * the process health figures, each with value, colour, trend and definition)
 * and one metric broken down by rep, region, product line, stage or time.
 * Everything is counted within the caller's scope (rep: own; manager: the
 * department subtree; director/admin: all; compliance: refused).
 *
 *   const o = await getDashboardOverview(pool, actor, { month: '2026-11' }, now);
 *   const m = await getMetricBreakdown(pool, actor, 'action_on_time', { groupBy: 'owner' }, now);
 */
import type { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { shanghaiDate } from '../flow/time.js';
import type { Pipeline } from '../flow/pipeline.js';
import {
  display, fieldRate, measureOf, statusFor, statusLabel, targetText, trendOf, type Measure,
} from './figures.js';
import { METRIC_KEYS, METRICS, type GroupBy, type MetricDef, type MetricKey, type ProfileStateRow } from './metrics.js';
import { closedPeriodFigure } from './closed-periods.js';
import { periodOut, previousPeriod, resolvePeriod, type Period } from './period.js';
import {
  aggregateMetric, departmentGrouping, loadDepartments, TOTAL_KEY, type AggregateRow, type Dept,
} from './query.js';
import type { DashboardQuery, Figure, MetricQuery } from './schemas.js';
import { loadDashboardSettings } from './dashboard.setting.js';
import type { DashboardSettings } from './settings.js';
import { liveProfileState } from './snapshots.js';
import type { DashboardFilters } from './sql.js';

type FilterQuery = z.infer<typeof DashboardQuery>;

export function assertMayReadDashboards(actor: Actor): void {
  if (actor.role === 'compliance') throw new AppError('FORBIDDEN', { resource: 'dashboards', verb: 'read' });
}

export function filtersOf(q: Partial<FilterQuery>): DashboardFilters {
  return { ownerId: q.ownerId, departmentId: q.departmentId, productLineId: q.productLineId, stage: q.stage };
}

function filtersOut(f: DashboardFilters) {
  return { ownerId: f.ownerId ?? null, departmentId: f.departmentId ?? null, productLineId: f.productLineId ?? null, stage: f.stage ?? null };
}

const SCOPE_LABELS: Record<string, string> = { rep: '本人', director: '全公司', admin: '全公司' };

function scopeOut(actor: Actor, depts: Dept[]) {
  const label = actor.role === 'manager'
    ? `${depts.find((d) => d.id === actor.departmentId)?.name ?? '本部门'}及下属部门`
    : SCOPE_LABELS[actor.role] ?? '无';
  return { role: actor.role, label };
}

interface Ctx {
  db: Db;
  actor: Actor;
  now: Date;
  settings: DashboardSettings;
  filters: DashboardFilters;
}

/**
 * Completeness is a state: the current period reads the live tables, a past
 * period the last snapshot taken within it (null when none was taken).
 */
export async function completenessSnapshot(db: Db, period: Period, now: Date): Promise<{ live: true } | { live: false; asOf: string | null }> {
  if (period.to > shanghaiDate(now)) return { live: true };
  const { rows } = await db.query(
    `SELECT max(as_of)::text AS as_of FROM dash_profile_snapshots WHERE as_of > $1::date AND as_of <= $2::date`, [period.from, period.to]);
  return { live: false, asOf: rows[0]?.as_of ?? null };
}

interface Computed { measure: Measure; note: string | null; rows: AggregateRow[] }

type ComputeOptions = { groupBy?: GroupBy | null; depts?: Dept[]; withTotal?: boolean };

/** A figure (and its groups) over a period; an ended period's is reused for a few minutes (closed-periods.ts). */
function compute(ctx: Ctx, metric: MetricDef, period: Period, opts: ComputeOptions = {}): Promise<Computed> {
  const key = JSON.stringify([metric.key, ctx.actor.id, ctx.filters, ctx.settings, opts.groupBy ?? null, !!opts.withTotal]);
  return closedPeriodFigure(ctx.db, key, period, ctx.now, () => computeNow(ctx, metric, period, opts));
}

async function computeNow(ctx: Ctx, metric: MetricDef, period: Period, opts: ComputeOptions): Promise<Computed> {
  if (ctx.filters.productLineId !== undefined && !metric.hasProductLine) {
    return { measure: measureOf(metric, undefined, ctx.settings), note: `${metric.name}不区分产品线`, rows: [] };
  }
  let snapshotAsOf: string | null = null;
  let liveProfile: ProfileStateRow[] | null = null;
  let note: string | null = null;
  if (metric.kind === 'completeness') {
    const snap = await completenessSnapshot(ctx.db, period, ctx.now);
    if (!snap.live) {
      if (!snap.asOf) return { measure: measureOf(metric, undefined, ctx.settings), note: '该期没有资料完整度快照（每日凌晨生成）', rows: [] };
      snapshotAsOf = snap.asOf;
      note = `按 ${snap.asOf} 零点快照`;
    } else {
      liveProfile = await liveProfileState(ctx.db, ctx.settings);
    }
  }
  let departmentGroupingSpec;
  if (opts.groupBy === 'department') {
    const depts = opts.depts ?? await loadDepartments(ctx.db);
    departmentGroupingSpec = departmentGrouping(depts, groupingRoot(ctx.actor, ctx.filters)).grouping;
  }
  const rows = await aggregateMetric(ctx.db, {
    metric, actor: ctx.actor, period, now: ctx.now, settings: ctx.settings, filters: ctx.filters,
    groupBy: opts.groupBy ?? null, departmentGrouping: departmentGroupingSpec, snapshotAsOf, liveProfileState: liveProfile,
    withTotal: opts.withTotal,
  });
  if (opts.withTotal) {
    const totalRow = rows.find((r) => r.key === TOTAL_KEY);
    return { measure: measureOf(metric, totalRow, ctx.settings), note, rows: rows.filter((r) => r.key !== TOTAL_KEY) };
  }
  const total = opts.groupBy && opts.groupBy !== 'field' ? mergeRows(metric, rows) : rows[0];
  return { measure: measureOf(metric, total, ctx.settings), note, rows };
}

/** The total of grouped rows (ratios and completeness add up; dwell cannot, so it is recomputed ungrouped). */
function mergeRows(metric: MetricDef, rows: AggregateRow[]): AggregateRow | undefined {
  if (metric.kind === 'dwell') return undefined;
  const width = rows[0]?.filled.length ?? 0;
  return rows.reduce<AggregateRow>((a, r) => ({
    ...a, num: a.num + r.num, den: a.den + r.den, customers: a.customers + r.customers,
    filled: a.filled.map((x, i) => x + r.filled[i]),
  }), { key: '', num: 0, den: 0, count: 0, mean: null, median: null, customers: 0, filled: Array(width).fill(0) });
}

/** "By region" groups under the department filter, else under the manager's (or director's) own department. */
function groupingRoot(actor: Actor, filters: DashboardFilters): number | null {
  return filters.departmentId ?? actor.departmentId ?? null;
}

function figure(metric: MetricDef, settings: DashboardSettings, cur: Computed, prev: Computed, prevPeriod: Period): Figure {
  const status = statusFor(metric, settings, cur.measure.value);
  return {
    metric: metric.key, name: metric.name, group: metric.group, unit: metric.unit,
    value: cur.measure.value, display: display(metric, cur.measure.value),
    numerator: cur.measure.numerator, denominator: cur.measure.denominator, median: cur.measure.median,
    status, statusLabel: statusLabel(status), target: targetText(metric, settings),
    previous: { value: prev.measure.value, display: display(metric, prev.measure.value), period: periodOut(prevPeriod) },
    trend: trendOf(metric, cur.measure.value, prev.measure.value),
    definition: metric.definition(settings),
    note: cur.note,
  };
}

/** An ended period is coloured by the bands in force when it ended; the current one by today's. */
function bandsMoment(period: Period, now: Date): Date | undefined {
  return period.toTs < now ? period.toTs : undefined;
}

export async function getDashboardOverview(db: Db, actor: Actor, q: FilterQuery, now: Date) {
  assertMayReadDashboards(actor);
  const period = resolvePeriod(q, now);
  const prev = previousPeriod(period);
  const settings = await loadDashboardSettings(db, bandsMoment(period, now));
  const ctx: Ctx = { db, actor, now, settings, filters: filtersOf(q) };
  const [depts, pipelines] = await Promise.all([loadDepartments(db), loadStageNames(db)]);
  // the dwell figure and the per-stage table come from one scan
  const dwellQuery = compute(ctx, METRICS.stage_dwell, period, { groupBy: 'stage', withTotal: true });
  const items = await Promise.all(METRIC_KEYS.map(async (key) => {
    const metric = METRICS[key];
    const [cur, before] = await Promise.all([key === 'stage_dwell' ? dwellQuery : compute(ctx, metric, period), compute(ctx, metric, prev)]);
    return figure(metric, settings, cur, before, prev);
  }));
  const dwell = await dwellQuery;
  const stageDwell = orderStages(dwell.rows, pipelines).map((r) => {
    const m = measureOf(METRICS.stage_dwell, r, settings);
    return {
      stage: r.key, name: pipelines.names.get(r.key) ?? r.key, exits: r.count, meanDays: round(m.value), medianDays: round(m.median),
      display: m.value === null ? '—' : `平均 ${display(METRICS.stage_dwell, m.value)}，中位 ${display(METRICS.stage_dwell, m.median)}`,
    };
  });
  return {
    period: periodOut(period), previousPeriod: periodOut(prev), scope: scopeOut(actor, depts), filters: filtersOut(ctx.filters),
    items, stageDwell, generatedAt: now.toISOString(),
  };
}

const round = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

export async function getMetricBreakdown(db: Db, actor: Actor, key: MetricKey, q: z.infer<typeof MetricQuery>, now: Date) {
  assertMayReadDashboards(actor);
  const metric = METRICS[key];
  const groupBy = q.groupBy ?? null;
  if (groupBy && !metric.groupBys.includes(groupBy)) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'query.groupBy', message: `${metric.name}不支持按 ${groupBy} 细分，可选：${metric.groupBys.join('、')}` }]);
  }
  const period = resolvePeriod(q, now);
  const prev = previousPeriod(period);
  const settings = await loadDashboardSettings(db, bandsMoment(period, now));
  const ctx: Ctx = { db, actor, now, settings, filters: filtersOf(q) };
  const depts = await loadDepartments(db);
  const [cur, before] = await Promise.all([
    compute(ctx, metric, period, { groupBy, depts, withTotal: metric.kind === 'dwell' && !!groupBy }),
    compute(ctx, metric, prev),
  ]);
  // dwell totals cannot be summed from groups: the grouped query carries its total
  const total = cur;
  const head = figure(metric, settings, { ...cur, measure: total.measure }, before, prev);
  const rows = groupBy ? await breakdownRows(ctx, metric, groupBy, cur, period, depts) : [];
  return {
    ...head, period: periodOut(period), previousPeriod: periodOut(prev), filters: filtersOut(ctx.filters), groupBy,
    groupBys: metric.groupBys, rows,
  };
}

async function breakdownRows(ctx: Ctx, metric: MetricDef, groupBy: GroupBy, cur: Computed, period: Period, depts: Dept[]) {
  const settings = ctx.settings;
  const row = (key: string, label: string, m: Measure, drill: Record<string, string> | null) => ({
    key, label, value: m.value, display: display(metric, m.value), numerator: m.numerator, denominator: m.denominator,
    median: m.median, status: statusFor(metric, settings, m.value), drill,
  });
  if (groupBy === 'field') {
    const total = cur.rows[0];
    if (!total) return [];
    return settings.profileFields.map((f, i) => row(f.key, f.label, fieldRate(total, i), { field: f.key }));
  }
  const measured = cur.rows.map((r) => ({ r, m: measureOf(metric, r, settings) }));
  switch (groupBy) {
    case 'owner': {
      const ids = cur.rows.map((r) => Number(r.key)).filter((id) => id > 0);
      const names = await namesOf(ctx.db, 'users', ids);
      return sortByVolume(measured).map(({ r, m }) => row(r.key, names.get(Number(r.key)) ?? '未分配负责人', m,
        Number(r.key) > 0 ? { ownerId: r.key } : null));
    }
    case 'productLine': {
      const names = await namesOf(ctx.db, 'product_lines', cur.rows.map((r) => Number(r.key)).filter((id) => id > 0));
      return sortByVolume(measured).map(({ r, m }) => row(r.key, names.get(Number(r.key)) ?? '未设产品线', m,
        Number(r.key) > 0 ? { productLineId: r.key } : null));
    }
    case 'department': {
      const { labels } = departmentGrouping(depts, groupingRoot(ctx.actor, ctx.filters));
      return sortByVolume(measured).map(({ r, m }) => {
        const id = Number(r.key);
        return row(r.key, labels.get(id) ?? depts.find((d) => d.id === id)?.name ?? '其他或未归属部门', m,
          id > 0 ? { departmentId: r.key } : null);
      });
    }
    case 'stage': {
      const stages = await loadStageNames(ctx.db);
      return orderStages(cur.rows, stages).map((r) => row(r.key, stages.names.get(r.key) ?? (r.key || '（无）'), measureOf(metric, r, settings),
        r.key ? { stage: r.key } : null));
    }
    case 'day': case 'week': case 'month': {
      return [...measured].sort((a, b) => a.r.key.localeCompare(b.r.key)).map(({ r, m }) => {
        const from = r.key;
        const to = groupBy === 'day' ? addDays(from, 1) : groupBy === 'week' ? addDays(from, 7) : nextMonth(from);
        const clipped = { from: from < period.from ? period.from : from, to: to > period.to ? period.to : to };
        const label = groupBy === 'month' ? `${from.slice(0, 4)}年${Number(from.slice(5, 7))}月` : groupBy === 'week' ? `${from} 当周` : from;
        return row(r.key, label, m, clipped);
      });
    }
  }
}

function sortByVolume(rows: Array<{ r: AggregateRow; m: Measure }>) {
  return [...rows].sort((a, b) => (b.m.denominator ?? 0) - (a.m.denominator ?? 0) || a.r.key.localeCompare(b.r.key));
}

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const nextMonth = (d: string) => {
  const y = Number(d.slice(0, 4));
  const m = Number(d.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

async function namesOf(db: Db, table: 'users' | 'product_lines', ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query(`SELECT id, name FROM ${table} WHERE id = ANY($1::bigint[])`, [ids]);
  return new Map(rows.map((r: any) => [Number(r.id), r.name as string]));
}

export interface StageNames { names: Map<string, string>; order: Map<string, number> }

/** Stage and sub-stage names of every pipeline ('negotiation/legal_review' → '商务谈判·法务审核'), in walk order. */
export async function loadStageNames(db: Db): Promise<StageNames> {
  const { rows } = await db.query('SELECT definition FROM pipelines ORDER BY is_default DESC, id');
  const names = new Map<string, string>();
  const order = new Map<string, number>();
  for (const r of rows) {
    const p = r.definition as Pipeline;
    for (const st of p.stages ?? []) {
      const set = (k: string, n: string) => {
        if (!names.has(k)) { names.set(k, n); order.set(k, order.size); }
      };
      set(st.key, st.name);
      for (const sub of st.subStages ?? []) set(`${st.key}/${sub.key}`, `${st.name}·${sub.name}`);
    }
  }
  return { names, order };
}

function orderStages(rows: AggregateRow[], s: StageNames): AggregateRow[] {
  const pos = (k: string) => s.order.get(k) ?? s.order.get(k.split('/')[0]) ?? 1e9;
  return [...rows].sort((a, b) => pos(a.key) - pos(b.key) || a.key.localeCompare(b.key));
}
