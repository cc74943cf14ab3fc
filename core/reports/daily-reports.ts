/**
 * 日报: one per member and Shanghai day — 今日完成, 今日关键障碍 (read by the
 * obstacle clustering, core/obstacles), 明日计划 and, optionally, 需要的支持.
 * The bot and the H5 app edit the SAME report: a submission carries the
 * fields it changes, each field keeps its latest value together with where
 * it came from (app or bot) and when, and a field not sent is left as it
 * is — a report written in the app is never wiped by one finished in the
 * chat. A retry changes nothing. 今日关键障碍 must name a blocker:
 * 「没问题」「无」 are refused (obstacle-answer.ts).
 *
 *   const r = await submitDailyReport(tx, actor, { obstacles: '耗材编码还没下来' }, now, 'bot');
 *
 * The bot's DailyReportPort (bot/engine/daily-report-port.ts) is this
 * module: `{ submit: submitDailyReport, today: dailyReportOf }`.
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { scopeSql } from '../auth/scope.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { recordEvent } from '../resources/events.js';
import { PageQuerySchema, runList, type Page } from '../resources/pagination.js';
import { IdParam, OperationalDate } from '../resources/schemas.js';
import { readSetting } from '../settings/read.js';
import { dailyReportRules } from './daily-report.setting.js';
import { isContentFreeObstacle, OBSTACLE_PROMPT } from './obstacle-answer.js';

/** A calendar day PostgreSQL can hold and a report can be about. */
const Day = OperationalDate;

const text = (max: number, label: string) => z.string().trim().max(max, `${label}不能超过${max}个字`);

export const DAILY_REPORT_FIELDS = ['summary', 'obstacles', 'plan', 'support'] as const;
export type DailyReportField = (typeof DAILY_REPORT_FIELDS)[number];
export const DAILY_REPORT_LABELS: Record<DailyReportField, string> = {
  summary: '今日完成', obstacles: '今日关键障碍', plan: '明日计划', support: '需要的支持',
};

/** Where a field's value was written: the H5 app's form, or the bot (WeCom chat, the app's chat page). */
export const DailyReportVia = z.enum(['app', 'bot']);
export type DailyReportVia = z.infer<typeof DailyReportVia>;

export const SubmitDailyReportSchema = z.object({
  /** Shanghai day 'YYYY-MM-DD'; today when omitted. */
  day: Day.optional(),
  /** Only the fields sent are changed; the others keep their value (and where it came from). */
  summary: text(2000, '今日完成').optional(),
  obstacles: text(2000, '今日关键障碍').min(1, OBSTACLE_PROMPT)
    .refine((t) => !isContentFreeObstacle(t), OBSTACLE_PROMPT).optional(),
  plan: text(2000, '明日计划').optional(),
  support: text(500, '需要的支持').nullish(),
}).strict().refine((o) => DAILY_REPORT_FIELDS.some((f) => o[f] !== undefined), '至少填写一项');
export type SubmitDailyReportInput = z.input<typeof SubmitDailyReportSchema>;

const FieldSource = z.object({ via: DailyReportVia, at: z.string(), byName: z.string() });
export type DailyReportFieldSource = z.infer<typeof FieldSource>;

export const DailyReportSchema = z.object({
  id: z.number(),
  userId: z.number(),
  userName: z.string(),
  departmentId: z.number().nullable(),
  departmentName: z.string().nullable(),
  day: z.string(),
  summary: z.string(),
  obstacles: z.string(),
  plan: z.string(),
  support: z.string().nullable(),
  /** Per field, where its current value was written and when (fields never written are absent). */
  sources: z.record(z.string(), FieldSource),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DailyReport = z.infer<typeof DailyReportSchema>;

export const ListDailyReportsQuery = PageQuerySchema.extend({
  /** First day, inclusive. */
  from: Day.optional(),
  /** Last day, inclusive (from=to=today: today's report). */
  to: Day.optional(),
  userId: IdParam.optional(),
  departmentId: IdParam.optional(),
}).strict();

const WRITERS = new Set(['rep', 'manager', 'director']);

const SELECT = `r.*, u.name AS user_name, d.name AS department_name`;
const FROM = `daily_reports r JOIN users u ON u.id = r.user_id LEFT JOIN departments d ON d.id = r.department_id`;

function toReport(r: any): DailyReport {
  return {
    id: r.id, userId: r.user_id, userName: r.user_name, departmentId: r.department_id, departmentName: r.department_name ?? null,
    day: r.day, summary: r.summary, obstacles: r.obstacles, plan: r.plan, support: r.support ?? null, sources: r.sources ?? {},
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}

/**
 * Files the actor's report for one day, or merges into the one already there:
 * each field sent replaces that field (and records `via`), fields not sent
 * are kept. Records `daily_report.submitted` / `.updated` with the fields
 * that changed.
 */
export async function submitDailyReport(
  db: Db, actor: Actor, input: SubmitDailyReportInput, now: Date = new Date(), via: DailyReportVia = 'app',
): Promise<DailyReport> {
  if (!WRITERS.has(actor.role)) {
    throw new AppError('FORBIDDEN', { resource: 'daily_reports', verb: 'create' }, '只有业务员、主管和总监需要写日报');
  }
  const parsed = SubmitDailyReportSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message })));
  }
  const v = parsed.data;
  const today = shanghaiDate(now);
  const day = v.day ?? today;
  if (day > today) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'body.day', message: '不能提交未来日期的日报' }]);
  }
  const { backfillDays } = await readSetting(db, dailyReportRules);
  if (day < addCalendarDays(today, -backfillDays)) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'body.day', message: `只能补交最近${backfillDays}天的日报` }]);
  }
  // one writer per member at a time: the app and the bot may file within the same second
  await db.query('SELECT pg_advisory_xact_lock($1, $2)', [DAILY_REPORT_LOCK, actor.id]);
  const { rows: [before] } = await db.query('SELECT * FROM daily_reports WHERE user_id = $1 AND day = $2', [actor.id, day]);
  if (!before && v.obstacles === undefined) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'body.obstacles', message: OBSTACLE_PROMPT }]);
  }
  const changed = DAILY_REPORT_FIELDS.filter((f) => v[f] !== undefined && (v[f] ?? null) !== (before?.[f] ?? (f === 'support' ? null : '')));
  if (before && changed.length === 0) return getDailyReportRow(db, before.id);
  const source = { via, at: now.toISOString(), byName: actor.name };
  const sources = { ...(before?.sources ?? {}), ...Object.fromEntries(changed.map((f) => [f, source])) };
  const value = (f: DailyReportField) => (changed.includes(f) ? v[f] ?? null : before?.[f] ?? (f === 'support' ? null : ''));
  const { rows: [{ id }] } = before
    ? await db.query(
      `UPDATE daily_reports SET department_id = $2, summary = $3, obstacles = $4, plan = $5, support = $6, sources = $7, updated_at = $8
        WHERE id = $1 RETURNING id`,
      [before.id, actor.departmentId, value('summary'), value('obstacles'), value('plan'), value('support'), JSON.stringify(sources), now])
    : await db.query(
      `INSERT INTO daily_reports (user_id, department_id, day, summary, obstacles, plan, support, sources, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
      [actor.id, actor.departmentId, day, value('summary'), value('obstacles'), value('plan'), value('support'), JSON.stringify(sources), now]);
  await recordEvent(db, {
    actorId: actor.id, entityType: 'daily_report', entityId: id, type: before ? 'daily_report.updated' : 'daily_report.submitted',
    data: { day, departmentId: actor.departmentId, via, fields: changed, obstaclesChars: String(value('obstacles')).length }, at: now,
  });
  return getDailyReportRow(db, id);
}

// any constant: it only has to differ from the other advisory locks of the system
const DAILY_REPORT_LOCK = 7_100_018;

async function getDailyReportRow(db: Db, id: number): Promise<DailyReport> {
  const out = await db.query(`SELECT ${SELECT} FROM ${FROM} WHERE r.id = $1`, [id]);
  return toReport(out.rows[0]);
}

/** The actor's own report for a day, or null: what the bot shows before asking, and the app's form starts from. */
export async function dailyReportOf(db: Db, actor: Actor, day: string): Promise<DailyReport | null> {
  const { rows } = await db.query(`SELECT ${SELECT} FROM ${FROM} WHERE r.user_id = $1 AND r.day = $2`, [actor.id, day]);
  return rows[0] ? toReport(rows[0]) : null;
}

function assertMayRead(actor: Actor): void {
  if (actor.role === 'compliance') throw new AppError('FORBIDDEN', { resource: 'daily_reports', verb: 'read' });
}

/** Reports the actor may see (own / department subtree / all), newest day first. */
export async function listDailyReports(db: Db, actor: Actor, q: z.infer<typeof ListDailyReportsQuery>): Promise<Page<DailyReport>> {
  assertMayRead(actor);
  const sql = new Sql();
  const where = [scopeSql(actor, { ownerCol: 'r.user_id', deptCol: 'r.department_id' }, sql)];
  if (q.from) where.push(`r.day >= ${sql.param(q.from)}::date`);
  if (q.to) where.push(`r.day <= ${sql.param(q.to)}::date`);
  if (q.userId) where.push(`r.user_id = ${sql.param(q.userId)}`);
  if (q.departmentId) where.push(inDepartmentSubtree(sql, 'r.department_id', { id: q.departmentId }));
  return runList(db, { select: SELECT, from: FROM, where, sql, sortExpr: `r.day::text`, idExpr: 'r.id', page: q }, toReport);
}
