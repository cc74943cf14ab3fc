/**
 * The records behind a figure or a bar: the leads, opportunities, customers,
 * stage moves, actions or follow-ups a metric counted, filtered exactly as the
 * aggregate was (same period, scope, rep/region/product line/stage filters),
 * with `outcome` splitting numerator (hit) from the rest (miss).
 *
 *   const page = await listMetricRecords(pool, actor, 'action_on_time', { ownerId: 7, outcome: 'miss' }, now);
 */
import type { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { shanghaiDate } from '../flow/time.js';
import { keyset, toPage } from '../resources/pagination.js';
import { leadBecameDeal, METRICS, profileFieldsSql, type MetricDef, type MetricKey } from './metrics.js';
import { periodOut, resolvePeriod, type Period } from './period.js';
import type { ExportQuery, RecordsQuery } from './schemas.js';
import { aggregateMetric } from './query.js';
import { assertMayReadDashboards, filtersOf, loadStageNames } from './service.js';
import { liveProfileState } from './snapshots.js';
import { loadDashboardSettings } from './dashboard.setting.js';
import type { DashboardSettings } from './settings.js';
import { departmentAt, factPredicates } from './sql.js';

export type ColumnType = 'text' | 'number' | 'datetime' | 'date' | 'boolean';
export interface Column { key: string; label: string; type: ColumnType }

interface RecordsCtx { ps: Sql; period: Period; now: Date; settings: DashboardSettings }

interface RecordsDef {
  columns(settings: DashboardSettings): Column[];
  /**
   * One row per fact: id, owner_id, department_id, product_line_id, stage, sort_at (sort key),
   * hit (counted in the numerator) and the columns' keys (snake_case of the column key).
   */
  sql(ctx: RecordsCtx): string;
  /** Newest first (completeness: newest customers first). */
  sort: 'desc' | 'asc';
}

const c = (key: string, label: string, type: ColumnType = 'text'): Column => ({ key, label, type });
const owner = c('ownerName', '负责人');
const dept = c('departmentName', '部门（发生时）');
const line = c('productLineName', '产品线');

const RECORDS: Record<MetricKey, RecordsDef> = {
  lead_conversion: {
    sort: 'desc',
    columns: () => [c('id', '线索ID', 'number'), c('title', '线索'), c('company', '公司'), owner, c('departmentName', '所属团队'),
      c('createdAt', '创建时间', 'datetime'), c('status', '状态'), c('convertedAt', '转化时间', 'datetime'), c('hit', '已产生商机', 'boolean')],
    sql: ({ ps, period }) => `
      SELECT l.id, l.assignee_id AS owner_id, l.department_id, NULL::bigint AS product_line_id, NULL::text AS stage,
             l.created_at AS sort_at, ${leadBecameDeal('l', ps.param(period.toTs))} AS hit,
             l.title, l.company, l.created_at, l.converted_at,
             CASE l.status WHEN 'new' THEN '新建' WHEN 'assigned' THEN '已分配' WHEN 'converted' THEN '已转化' ELSE '无效' END AS status
        FROM leads l WHERE l.created_at >= ${ps.param(period.fromTs)} AND l.created_at < ${ps.param(period.toTs)}`,
  },
  opportunity_win: {
    sort: 'desc',
    columns: () => [c('id', '商机ID', 'number'), c('name', '商机'), c('customerName', '客户'), owner, dept, line,
      c('amount', '金额（元）', 'number'), c('result', '结果'), c('closedAt', '关单时间', 'datetime'), c('hit', '赢单', 'boolean')],
    sql: ({ ps, period }) => {
      const d = departmentAt('o.owner_id', 'o.closed_at', 'od');
      return `
      SELECT o.id, o.owner_id, ${d.expr} AS department_id, o.product_line_id, NULL::text AS stage,
             o.closed_at AS sort_at, (o.status = 'won') AS hit,
             o.name, cu.name AS customer_name, o.amount, CASE o.status WHEN 'won' THEN '赢单' ELSE '输单' END AS result, o.closed_at
        FROM opportunities o JOIN customers cu ON cu.id = o.customer_id ${d.joins}
       WHERE o.status IN ('won','lost') AND o.closed_at >= ${ps.param(period.fromTs)} AND o.closed_at < ${ps.param(period.toTs)}`;
    },
  },
  profile_completeness: {
    // newest customers first: a page computes its rows' flags only (filters on a field or outcome probe per row)
    sort: 'desc',
    columns: (s) => [c('id', '客户ID', 'number'), c('name', '客户'), c('type', '类型'), owner, c('departmentName', '归属部门'), line,
      ...s.profileFields.map((f, i) => c(`f${i}`, f.label, 'boolean')), c('score', '完整度', 'number'), c('hit', '资料完整', 'boolean')],
    sql: ({ ps, settings }) => {
      const fields = settings.profileFields;
      const total = fields.reduce((a, f) => a + f.weight, 0);
      const { flags } = profileFieldsSql(fields, ps, 'exists');
      const score = `(${flags.map((x, i) => `CASE WHEN ${x} THEN ${fields[i].weight} ELSE 0 END`).join(' + ')})::float8 / ${total}`;
      return `
      SELECT x.*, x.id AS sort_at, (x.score >= 1) AS hit FROM (
        SELECT c.id, c.owner_id, c.department_id, c.product_line_id, NULL::text AS stage, c.name,
               CASE c.type WHEN 'ka' THEN 'KA连锁' WHEN 'hospital' THEN '医院' WHEN 'store' THEN '门店' ELSE '经销商' END AS type,
               ${flags.map((x, i) => `${x} AS f${i}`).join(', ')}, round((${score})::numeric, 4)::float8 AS score
          FROM customers c WHERE c.status = 'active') x`;
    },
  },
  stage_dwell: {
    sort: 'desc',
    columns: () => [c('id', '变更ID', 'number'), c('opportunityName', '商机'), c('stageName', '停留阶段'), c('dwellDays', '停留天数', 'number'),
      c('kind', '离开方式'), c('at', '离开时间', 'datetime'), owner, dept, line],
    sql: ({ ps, period }) => {
      const d = departmentAt('m.owner_id', 'm.at', 'md');
      return `
      SELECT m.id, m.owner_id, ${d.expr} AS department_id, o.product_line_id,
             m.from_stage || COALESCE('/' || m.from_sub_stage, '') AS stage, m.at AS sort_at, true AS hit,
             o.name AS opportunity_name, m.at,
             CASE m.kind WHEN 'advance' THEN '推进' WHEN 'skip' THEN '跳过推进' ELSE '退回' END AS kind,
             round((COALESCE(m.dwell_seconds::float8, EXTRACT(EPOCH FROM m.at - (SELECT max(p.at) FROM stage_moves p
                     WHERE p.opportunity_id = m.opportunity_id AND p.at < m.at))::float8) / 86400.0)::numeric, 2)::float8 AS dwell_days
        FROM stage_moves m JOIN opportunities o ON o.id = m.opportunity_id ${d.joins}
       WHERE m.kind <> 'create' AND m.from_stage IS NOT NULL AND m.at >= ${ps.param(period.fromTs)} AND m.at < ${ps.param(period.toTs)}
         AND (m.dwell_seconds IS NOT NULL OR EXISTS (SELECT 1 FROM stage_moves p WHERE p.opportunity_id = m.opportunity_id AND p.at < m.at))`;
    },
  },
  stage_skip_rate: {
    sort: 'desc',
    columns: () => [c('id', '变更ID', 'number'), c('opportunityName', '商机'), c('fromStageName', '从阶段'), c('toStageName', '到阶段'),
      c('skippedNames', '跳过的阶段'), c('reason', '原因'), c('at', '时间', 'datetime'), owner, dept, line, c('hit', '跨阶段', 'boolean')],
    sql: ({ ps, period }) => {
      const d = departmentAt('m.owner_id', 'm.at', 'md');
      return `
      SELECT m.id, m.owner_id, ${d.expr} AS department_id, o.product_line_id, m.from_stage AS stage, m.at AS sort_at,
             (m.kind = 'skip' OR jsonb_array_length(m.skipped) > 0) AS hit,
             o.name AS opportunity_name, m.from_stage || COALESCE('/' || m.from_sub_stage, '') AS from_position,
             m.to_stage || COALESCE('/' || m.to_sub_stage, '') AS to_position,
             (SELECT string_agg(e->>'name', '、') FROM jsonb_array_elements(m.skipped) e) AS skipped_names, m.reason, m.at
        FROM stage_moves m JOIN opportunities o ON o.id = m.opportunity_id ${d.joins}
       WHERE m.kind IN ('advance','skip') AND m.at >= ${ps.param(period.fromTs)} AND m.at < ${ps.param(period.toTs)}`;
    },
  },
  action_on_time: {
    sort: 'desc',
    columns: () => [c('id', '事项ID', 'number'), c('title', '事项'), c('customerName', '客户'), owner, c('departmentName', '部门（派发时）'), line,
      c('dueAt', '截止时间', 'datetime'), c('submittedAt', '提交时间', 'datetime'), c('status', '状态'), c('hit', '按时完成', 'boolean')],
    sql: ({ ps, period, now }) => {
      const to = new Date(Math.min(period.toTs.getTime(), now.getTime()));
      return `
      SELECT a.id, a.assignee_id AS owner_id, a.department_id, cu.product_line_id, NULL::text AS stage, a.due_at AS sort_at,
             dash_action_on_time(a.status, a.submitted_at, a.due_at) AS hit,
             a.title, cu.name AS customer_name, a.due_at, a.submitted_at,
             CASE a.status WHEN 'dispatched' THEN '已派发' WHEN 'in_progress' THEN '进行中' WHEN 'submitted' THEN '已提交'
                           WHEN 'verified' THEN '已核验' WHEN 'archived' THEN '已归档' WHEN 'rejected' THEN '已驳回'
                           WHEN 'overdue' THEN '已逾期' ELSE '已升级' END AS status
        FROM actions a JOIN customers cu ON cu.id = a.customer_id
       WHERE a.due_at >= ${ps.param(period.fromTs)} AND a.due_at < ${ps.param(to)}`;
    },
  },
  effective_followup: {
    sort: 'desc',
    columns: () => [c('id', '跟进ID', 'number'), c('customerName', '客户'), c('ownerName', '跟进人'), dept, line, c('channel', '方式'),
      c('at', '时间', 'datetime'), c('summary', '小结'), c('unmet', '未满足项'), c('hit', '有效跟进', 'boolean')],
    sql: ({ ps, period }) => `
      SELECT fu.id, fu.user_id AS owner_id, fu.department_id, cu.product_line_id, NULL::text AS stage, fu.at AS sort_at,
             fu.effective AS hit, cu.name AS customer_name, fu.channel, fu.at, fu.summary, array_to_string(fu.unmet, '、') AS unmet
        FROM followups fu JOIN customers cu ON cu.id = fu.customer_id
       WHERE fu.at >= ${ps.param(period.fromTs)} AND fu.at < ${ps.param(period.toTs)}`,
  },
};

const snake = (k: string) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

export interface RecordsResult {
  metric: MetricKey;
  name: string;
  recordNoun: string;
  definition: string;
  period: { from: string; to: string; label: string };
  columns: Column[];
  items: Array<Record<string, string | number | boolean | null>>;
  nextCursor: string | null;
  total: number;
  note: string | null;
}

interface Built {
  sql: string; ps: Sql; columns: Column[]; metric: MetricDef; period: Period; note: string | null; def: RecordsDef;
  settings: DashboardSettings; filtersEmpty: boolean;
}

async function build(db: Db, actor: Actor, key: MetricKey, q: z.infer<typeof ExportQuery>, now: Date): Promise<Built> {
  assertMayReadDashboards(actor);
  const metric = METRICS[key];
  const def = RECORDS[key];
  const period = resolvePeriod(q, now);
  const settings = await loadDashboardSettings(db);
  const ps = new Sql();
  const inner = def.sql({ ps, period, now, settings });
  const filters = filtersOf(q);
  const where = factPredicates(actor, filters, ps, { hasProductLine: metric.hasProductLine, hasStage: false });
  let note: string | null = null;
  if (filters.productLineId !== undefined && !metric.hasProductLine) { where.push('false'); note = `${metric.name}不区分产品线`; }
  if (filters.stage !== undefined && metric.hasStage) {
    const s = ps.param(filters.stage);
    where.push(key === 'stage_dwell' ? `(f.stage = ${s} OR split_part(f.stage, '/', 1) = ${s})` : `f.stage = ${s}`);
  }
  if (q.field !== undefined) {
    if (key !== 'profile_completeness') throw new AppError('VALIDATION_FAILED', [{ path: 'query.field', message: 'field 只用于客户资料完整度' }]);
    const i = settings.profileFields.findIndex((f) => f.key === q.field);
    if (i < 0) throw new AppError('VALIDATION_FAILED', [{ path: 'query.field', message: `没有资料字段「${q.field}」` }]);
    // customers having (outcome=hit) or missing (outcome=miss, the default) the field
    where.push(q.outcome === 'hit' ? `f.f${i}` : `NOT f.f${i}`);
  } else if (q.outcome) {
    where.push(q.outcome === 'hit' ? 'f.hit' : 'NOT f.hit');
  }
  if (key === 'profile_completeness' && period.to <= shanghaiDate(now)) note = '客户明细按当前资料列出（往期数值来自快照）';
  if (key === 'action_on_time' && period.toTs > now) note = `只列已到期的事项（截止时间早于 ${now.toISOString()}）`;
  const sql = `SELECT f.*, u.name AS owner_name, d.name AS department_name, pl.name AS product_line_name
                 FROM (${inner}) f
                 LEFT JOIN users u ON u.id = f.owner_id
                 LEFT JOIN departments d ON d.id = f.department_id
                 LEFT JOIN product_lines pl ON pl.id = f.product_line_id
                WHERE ${where.join(' AND ')}`;
  return { sql, ps, columns: def.columns(settings), metric, period, note, def, settings,
    filtersEmpty: note?.endsWith('不区分产品线') ?? false };
}

function toItem(row: any, columns: Column[], stageNames: Map<string, string>): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const col of columns) {
    let v = row[snake(col.key)];
    if (col.key === 'stageName') v = stageNames.get(row.stage) ?? row.stage;
    if (col.key === 'fromStageName') v = stageNames.get(row.from_position) ?? row.from_position;
    if (col.key === 'toStageName') v = stageNames.get(row.to_position) ?? row.to_position;
    if (v instanceof Date) v = v.toISOString();
    out[col.key] = v === undefined ? null : v;
  }
  return out;
}

export async function listMetricRecords(
  db: Db, actor: Actor, key: MetricKey, q: z.infer<typeof RecordsQuery>, now: Date,
): Promise<RecordsResult> {
  const b = await build(db, actor, key, q, now);
  const pagePs = b.ps.fork();
  // completeness sorts by id: say so, so the planner walks the primary key and computes a page's flags only
  const sortExpr = key === 'profile_completeness' ? 'g.id' : 'g.sort_at';
  const ks = keyset({ limit: q.limit, cursor: q.cursor, order: b.def.sort }, sortExpr, 'g.id', pagePs);
  const [total, page, stages] = await Promise.all([
    totalOf(db, actor, key, q, now, b),
    db.query(`SELECT g.*, ${ks.sortSelect} FROM (${b.sql}) g WHERE ${ks.where} ${ks.orderLimit}`, pagePs.values).catch((err: unknown) => {
      if (q.cursor && /^22/.test(String((err as { code?: unknown })?.code ?? ''))) {
        throw new AppError('VALIDATION_FAILED', [{ path: ['cursor'], message: '分页游标无效' }]);
      }
      throw err;
    }),
    loadStageNames(db),
  ]);
  const p = toPage(page.rows as Array<{ id: number; _sort: string | null }>, q.limit, total, (r) => toItem(r, b.columns, stages.names));
  return {
    metric: key, name: b.metric.name, recordNoun: b.metric.recordNoun, definition: b.metric.definition(b.settings),
    period: periodOut(b.period), columns: b.columns, items: p.items, nextCursor: p.nextCursor, total: p.total, note: b.note,
  };
}

/**
 * How many records match: from the metric's own aggregate where it can say
 * (so the list's total is the bar's numerator or denominator by construction,
 * and comes from the rollup for actions and follow-ups), else a count.
 */
async function totalOf(db: Db, actor: Actor, key: MetricKey, q: z.infer<typeof RecordsQuery>, now: Date, b: Built): Promise<number> {
  if (b.filtersEmpty) return 0;
  const countQuery = async () => (await db.query(`SELECT count(*)::int AS n FROM (${b.sql}) g`, b.ps.values)).rows[0].n as number;
  const metric = METRICS[key];
  if (metric.kind === 'completeness' && (q.outcome || q.field !== undefined)) return countQuery();
  const [row] = await aggregateMetric(db, {
    metric, actor, period: b.period, now, settings: b.settings, filters: filtersOf(q), snapshotAsOf: null,
    // the customers now: the same (30 s) state the figure uses
    liveProfileState: metric.kind === 'completeness' ? await liveProfileState(db, b.settings) : null,
  });
  switch (metric.kind) {
    case 'ratio': return q.outcome === 'hit' ? row.num : q.outcome === 'miss' ? row.den - row.num : row.den;
    case 'dwell': return q.outcome === 'miss' ? 0 : row.count;
    case 'completeness': return row.customers;
  }
}

/** Rows for export, in list order, at most `max` (+1 to tell truncation). */
export async function exportMetricRecords(
  db: Db, actor: Actor, key: MetricKey, q: z.infer<typeof ExportQuery>, now: Date, max: number,
): Promise<{ metric: MetricDef; period: Period; columns: Column[]; rows: Array<Record<string, string | number | boolean | null>>; truncated: boolean }> {
  const b = await build(db, actor, key, q, now);
  const ps = b.ps.fork();
  const dir = b.def.sort === 'asc' ? 'ASC' : 'DESC';
  const [{ rows }, stages] = await Promise.all([
    db.query(ps.unprepared(`SELECT g.* FROM (${b.sql}) g ORDER BY g.sort_at ${dir}, g.id ${dir} LIMIT ${ps.param(max + 1)}`)),
    loadStageNames(db),
  ]);
  const truncated = rows.length > max;
  return { metric: b.metric, period: b.period, columns: b.columns, rows: rows.slice(0, max).map((r: any) => toItem(r, b.columns, stages.names)), truncated };
}

