import { z } from 'zod';
import {
  DailyReportSchema, ListDailyReportsQuery, listDailyReports, submitDailyReport, SubmitDailyReportSchema,
} from '../../core/reports/daily-reports.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** 日报: one per member and day; submitting again the same day replaces it. */
export function registerDailyReportRoutes(kit: RouteKit): void {
  const tags = ['daily-reports'];
  defineRoute(kit, {
    method: 'post', path: '/api/daily-reports', operationId: 'submitDailyReport', tags,
    summary: '提交日报（今日完成、今日关键障碍、明日计划）：同一天再次提交只更新送来的字段（与机器人写的合并），可带 Idempotency-Key',
    body: SubmitDailyReportSchema, response: DailyReportSchema, idempotent: true,
    handler: ({ db, actor, body, deps }) => submitDailyReport(db, actor, body, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/daily-reports', operationId: 'listDailyReports', tags,
    summary: '日报列表（本人 / 本部门及下属 / 全部，按权限），最新日期在前',
    query: ListDailyReportsQuery,
    response: z.object({ items: z.array(DailyReportSchema), nextCursor: z.string().nullable(), total: z.number() }),
    handler: ({ db, actor, query }) => listDailyReports(db, actor, query),
  });
}
