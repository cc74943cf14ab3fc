import { attributionFilename, attributionWorkbook, repsTable, actionsTable } from '../../core/attribution/export.js';
import { getAttributionReport } from '../../core/attribution/report.js';
import { AttributionExportQuery, AttributionQuery, AttributionReportSchema } from '../../core/attribution/schemas.js';
import { attachmentHeader } from '../../core/dashboards/export.js';
import { defineFileRoute } from '../file-route.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** 结果归因报告 (managers: their team; the director: everyone) and its CSV/XLSX exports. */
export function registerAttributionRoutes(kit: RouteKit): void {
  const tags = ['attribution'];
  defineRoute(kit, {
    method: 'get', path: '/api/attribution', operationId: 'getAttributionReport', tags,
    summary: '结果归因：统计期内赢单与输单商机中各类动作（按阶段）的频次、发生时点、有无该动作的赢率（Wilson 95% 区间）与差值（Newcombe 区间），以及各业务员动作结构与前四分之一的对比；可按业务员、部门、产品线下钻',
    query: AttributionQuery, response: AttributionReportSchema,
    handler: ({ db, actor, query }) => getAttributionReport(db, actor, query, kit.deps.now()),
  });
  for (const format of ['csv', 'xlsx'] as const) {
    const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    defineFileRoute(kit, {
      path: `/api/attribution.${format}`,
      operationId: format === 'csv' ? 'exportAttributionCsv' : 'exportAttributionXlsx',
      tags,
      summary: format === 'csv'
        ? '导出结果归因为 CSV（UTF-8 带 BOM；中文表头；table=actions 动作归因，table=reps 业务员动作结构）'
        : '导出结果归因为 Excel（三个工作表：动作归因、业务员动作结构、说明）',
      query: AttributionExportQuery, contentType: type, heavy: true,
      handler: async (ctx, { actor, query, render }) => {
        const { table, ...q } = query;
        const now = kit.deps.now();
        const report = await getAttributionReport(kit.deps.pool, actor, q, now);
        ctx.set('Cache-Control', 'private, no-cache');
        ctx.type = type;
        if (format === 'csv') {
          const sheet = table === 'reps' ? repsTable(report) : actionsTable(report);
          ctx.set('Content-Disposition', attachmentHeader(attributionFilename(report, sheet.title, 'csv')));
          ctx.body = await render('dashboards.records.csv', sheet);
        } else {
          ctx.set('Content-Disposition', attachmentHeader(attributionFilename(report, '报告', 'xlsx')));
          ctx.body = await render('workbook.xlsx', attributionWorkbook(report, now));
        }
      },
    });
  }
}
