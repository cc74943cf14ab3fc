/**
 * 日报: one per member and Shanghai day — 今日完成, 今日关键障碍 (read by the
 * obstacle clustering, core/obstacles), 明日计划 and, optionally, 需要的支持.
 * Submitting again the same day replaces the report (an upsert), so the bot
 * and the H5 app can both file it and a retry changes nothing.
 *
 *   const r = await submitDailyReport(tx, actor, { summary, obstacles: '耗材编码还没下来', plan }, now);
 *
 * The bot's DailyReportPort (bot/engine/daily-report-port.ts) is this function:
 * `{ submit: submitDailyReport }`.
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { recordEvent } from '../resources/events.js';
import { PageQuerySchema, runList, type Page } from '../resources/pagination.js';
import { IdParam, OperationalDate } from '../resources/schemas.js';
import { readSetting } from '../settings/read.js';
import { dailyReportRules } from './daily-report.setting.js';

/** A calendar day PostgreSQL can hold and a report can be about. */
const Day = OperationalDate;

const text = (max: number, label: string) => z.string().trim().max(max, `${label}不能超过${max}个字`);

export const SubmitDailyReportSchema = z.object({
  /** Shanghai day 'YYYY-MM-DD'; today when omitted. */
  day: Day.optional(),
  summary: text(2000, '今日完成').default(''),
  obstacles: text(2000, '今日关键障碍').min(1, '今日关键障碍不能为空，没有就写“无”'),
  plan: text(2000, '明日计划').default(''),
  support: text(500, '需要的支持').nullish(),
}).strict();
export type SubmitDailyReportInput = z.input<typeof SubmitDailyReportSchema>;

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
    day: r.day, summary: r.summary, obstacles: r.obstacles, plan: r.plan, support: r.support ?? null,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}

/** Files (or replaces) the actor's report for one day; records `daily_report.submitted` / `.updated`. */
export async function submitDailyReport(
  db: Db, actor: Actor, input: SubmitDailyReportInput, now: Date = new Date(),
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
  const { rows } = await db.query(
    `INSERT INTO daily_reports AS r (user_id, department_id, day, summary, obstacles, plan, support, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     ON CONFLICT (user_id, day) DO UPDATE SET
       department_id = EXCLUDED.department_id, summary = EXCLUDED.summary, obstacles = EXCLUDED.obstacles,
       plan = EXCLUDED.plan, support = EXCLUDED.support, updated_at = EXCLUDED.updated_at
     RETURNING r.id, (xmax = 0) AS created`,
    [actor.id, actor.departmentId, day, v.summary, v.obstacles, v.plan, v.support ?? null, now],
  );
  const { id, created } = rows[0];
  await recordEvent(db, {
    actorId: actor.id, entityType: 'daily_report', entityId: id, type: created ? 'daily_report.submitted' : 'daily_report.updated',
    data: { day, departmentId: actor.departmentId, obstaclesChars: v.obstacles.length }, at: now,
  });
  const out = await db.query(`SELECT ${SELECT} FROM ${FROM} WHERE r.id = $1`, [id]);
  return toReport(out.rows[0]);
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
