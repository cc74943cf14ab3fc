/**
 * Aggregates a metric's fact source over a period, within the caller's scope
 * and the drill-down filters, optionally grouped (by rep, department subtree,
 * product line, stage, day/week/month). One code path for every metric, so
 * the numbers behind a bar are always counted the way the bar was.
 *
 *   const rows = await aggregateMetric(db, { metric: METRICS.action_on_time, actor, period, filters, groupBy: 'owner', … });
 */
import type { Actor } from '../auth/actor.js';
import { isPathInSubtree } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { shanghaiDate } from '../flow/time.js';
import type { GroupBy, MetricDef, ProfileStateRow } from './metrics.js';
import type { Period } from './period.js';
import type { DashboardSettings } from './settings.js';
import { factPredicates, type DashboardFilters } from './sql.js';

export interface AggregateRow {
  /** Group key as text ('' when ungrouped). */
  key: string;
  /** ratio metrics */
  num: number;
  den: number;
  /** dwell: exits counted, mean and median days */
  count: number;
  mean: number | null;
  median: number | null;
  /** completeness: customers and per-field filled counts */
  customers: number;
  filled: number[];
}

export interface DepartmentGrouping {
  /** department id → group id (a child of the grouping root, or the root itself) */
  map: Map<number, number>;
}

export interface AggregateSpec {
  metric: MetricDef;
  actor: Actor;
  period: Period;
  now: Date;
  settings: DashboardSettings;
  filters: DashboardFilters;
  groupBy?: GroupBy | null;
  departmentGrouping?: DepartmentGrouping;
  snapshotAsOf?: string | null;
  liveProfileState?: ProfileStateRow[] | null;
  /** With a groupBy: also the ungrouped total, as the row with key TOTAL_KEY. */
  withTotal?: boolean;
}

export const TOTAL_KEY = '*total*';

/** Position of a stage exit: 'negotiation/legal_review' or 'contract'. */
const POSITION = 'f.position';

function groupExpr(spec: AggregateSpec, ps: Sql): { select: string; join: string } {
  const dayExpr = 'f.t';
  switch (spec.groupBy ?? null) {
    case null:
    case 'field':
      return { select: `''`, join: '' };
    case 'owner': return { select: `COALESCE(f.owner_id, 0)::text`, join: '' };
    case 'productLine': return { select: `COALESCE(f.product_line_id, 0)::text`, join: '' };
    case 'stage': return { select: spec.metric.kind === 'dwell' ? POSITION : `COALESCE(f.stage, '')`, join: '' };
    case 'day': return { select: `${dayExpr}::text`, join: '' };
    case 'week': return { select: `date_trunc('week', ${dayExpr}::timestamp)::date::text`, join: '' };
    case 'month': return { select: `date_trunc('month', ${dayExpr}::timestamp)::date::text`, join: '' };
    case 'department': {
      const map = spec.departmentGrouping?.map ?? new Map();
      const ids = [...map.keys()];
      const groups = ids.map((id) => map.get(id)!);
      return {
        select: `COALESCE(g.grp, 0)::text`,
        join: `LEFT JOIN unnest(${ps.param(ids)}::bigint[], ${ps.param(groups)}::bigint[]) AS g(dept_id, grp) ON g.dept_id = f.department_id`,
      };
    }
  }
}

function measures(spec: AggregateSpec): string {
  switch (spec.metric.kind) {
    case 'ratio': return 'sum(f.num)::float8 AS num, sum(f.den)::float8 AS den';
    case 'dwell':
      return `count(f.v)::int AS count, avg(f.v)::float8 AS mean,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY f.v)::float8 AS median`;
    case 'completeness':
      return [`sum(f.n)::float8 AS customers`, ...spec.settings.profileFields.map((_, i) => `sum(f.f${i})::float8 AS f${i}`)].join(', ');
  }
}

/**
 * A metric's facts within scope and filters, as `FROM … WHERE …` over rows `f`
 * (with the group key's join), plus the group key expression.
 */
function factsSelection(spec: AggregateSpec) {
  const ps = new Sql();
  const source = spec.metric.source({
    period: spec.period, now: spec.now, today: shanghaiDate(spec.now), ps, settings: spec.settings, snapshotAsOf: spec.snapshotAsOf,
    liveProfileState: spec.liveProfileState,
    needsProductLine: spec.filters.productLineId !== undefined || spec.groupBy === 'productLine',
    monthGrain: spec.groupBy !== 'day' && spec.groupBy !== 'week',
  });
  const where = factPredicates(spec.actor, spec.filters, ps, { hasProductLine: spec.metric.hasProductLine, hasStage: false });
  if (spec.filters.stage !== undefined && spec.metric.hasStage) {
    const s = ps.param(spec.filters.stage);
    where.push(spec.metric.kind === 'dwell' ? `(f.stage = ${s} OR ${POSITION} = ${s})` : `f.stage = ${s}`);
  }
  const g = groupExpr(spec, ps);
  return { ps, key: g.select, fromWhere: `FROM (${source}) f ${g.join} WHERE ${where.join(' AND ')}` };
}

export async function aggregateMetric(db: Db, spec: AggregateSpec): Promise<AggregateRow[]> {
  if (spec.withTotal && spec.groupBy && spec.groupBy !== 'field') {
    // Two reads, not one GROUPING SETS scan: a month's stage exits come from an index in
    // (position, dwell) order for the groups and in dwell order for the total, so neither
    // sorts its ~140k values for the exact medians (migration 008); one scan sorted them twice.
    const [groups, total] = await Promise.all([
      aggregateMetric(db, { ...spec, withTotal: false }),
      aggregateMetric(db, { ...spec, groupBy: null, departmentGrouping: undefined, withTotal: false }),
    ]);
    return [...groups, { ...total[0], key: TOTAL_KEY }];
  }
  const { ps, key, fromWhere } = factsSelection(spec);
  // a ratio's group counts its facts (den); rollup rows can net to zero (an action moved to
  // another day, a month minus its other days): such a group has no facts and is left out
  const sql = `SELECT ${key} AS key, ${measures(spec)} ${fromWhere}
                GROUP BY 1
               ${spec.metric.kind === 'ratio' ? 'HAVING sum(f.den) <> 0' : ''}`;
  const { rows } = await db.query(sql, ps.values);
  const fields = spec.settings.profileFields;
  const out = rows.map((r: any): AggregateRow => ({
    key: r.key ?? '',
    num: r.num ?? 0,
    den: r.den ?? 0,
    count: r.count ?? 0,
    mean: r.mean ?? null,
    median: r.median ?? null,
    customers: r.customers ?? 0,
    filled: fields.map((_, i) => r[`f${i}`] ?? 0),
  }));
  // an ungrouped aggregate over no rows still has one (empty) total
  if (!spec.groupBy || spec.groupBy === 'field') {
    if (out.length === 0) out.push({ key: '', num: 0, den: 0, count: 0, mean: null, median: null, customers: 0, filled: fields.map(() => 0) });
  }
  return out;
}

/** The department tree with materialised paths (small: read whole). */
export interface Dept { id: number; name: string; parentId: number | null; path: string }

export async function loadDepartments(db: Db): Promise<Dept[]> {
  const { rows } = await db.query('SELECT id, name, parent_id, path FROM departments ORDER BY path, sort_order, id');
  return rows.map((r: any) => ({ id: r.id, name: r.name, parentId: r.parent_id, path: r.path }));
}

/**
 * Groups for "by region": every department in root's subtree maps to the
 * child of root it lies under (root's own rows stay on root). Departments
 * outside the subtree are left out (they fall into group 0).
 */
export function departmentGrouping(depts: Dept[], rootId: number | null): { grouping: DepartmentGrouping; labels: Map<number, string>; root: Dept | null } {
  const root = rootId === null ? null : depts.find((d) => d.id === rootId) ?? null;
  const map = new Map<number, number>();
  const labels = new Map<number, string>();
  if (!root) {
    // no root: group by top-level departments
    for (const d of depts) {
      const top = Number(d.path.split('/').filter(Boolean)[0] ?? d.id);
      map.set(d.id, top);
    }
    for (const d of depts) if (d.parentId === null) labels.set(d.id, d.name);
    return { grouping: { map }, labels, root: null };
  }
  for (const d of depts) {
    if (!isPathInSubtree(d.path, root.path)) continue;
    if (d.id === root.id) {
      map.set(d.id, root.id);
      continue;
    }
    const childId = Number(d.path.slice(root.path.length).split('/').filter(Boolean)[0]);
    map.set(d.id, childId);
  }
  labels.set(root.id, `${root.name}（本级）`);
  for (const d of depts) if (d.parentId === root.id) labels.set(d.id, d.name);
  return { grouping: { map }, labels, root };
}
