import { attachmentHeader } from '../../core/dashboards/export.js';
import { LaunchBoardQuery, LaunchBoardSchema } from '../../core/retail/launch-board.js';
import { BoardStoresFilter, BoardStoresPageSchema, BoardStoresQuery } from '../../core/retail/launch-board-stores.js';
import { launchBoard, launchBoardStores, launchBoardStoresTable } from '../../core/retail/launch-board.setting.js';
import { defineFileRoute } from '../file-route.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** 新品上架看板: its figures per product and region, and its stores under its filters — page by page, and as CSV or Excel (every page). */
export function registerRetailLaunchBoardRoutes(kit: RouteKit): void {
  const tags = ['retail'];
  defineRoute(kit, {
    method: 'get', path: '/api/retail/launch-board', operationId: 'getLaunchBoard', tags,
    summary: '新品上架看板：某月（默认本月，含仍未完成的）各新品按区域的门店步骤分布、按时完成率、逾期与即将逾期的步骤、升级预警',
    query: LaunchBoardQuery, response: LaunchBoardSchema,
    handler: ({ db, actor, query, deps }) => launchBoard(db, actor, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/launch-board/stores', operationId: 'listLaunchBoardStores', tags,
    summary: '新品上架看板的门店明细（按新品、区域、状态筛选；逾期最久的在前；limit/offset 分页，返回总数与下一页的 offset）',
    query: BoardStoresQuery, response: BoardStoresPageSchema,
    handler: ({ db, actor, query, deps }) => launchBoardStores(db, actor, query, deps.now()),
  });
  for (const format of ['csv', 'xlsx'] as const) {
    const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    defineFileRoute(kit, {
      path: `/api/retail/launch-board/stores.${format}`,
      operationId: format === 'csv' ? 'exportLaunchBoardStoresCsv' : 'exportLaunchBoardStoresXlsx',
      tags,
      summary: `导出新品上架看板的门店明细为 ${format === 'csv' ? 'CSV（UTF-8 带 BOM）' : 'Excel（xlsx）'}：与看板相同的筛选，全部页；中文表头，时间为北京时间`,
      query: BoardStoresFilter, contentType: type, heavy: true,
      handler: async (ctx, { actor, query, render }) => {
        const t = await launchBoardStoresTable(kit.deps.pool, actor, query, kit.deps.now());
        ctx.set('Content-Disposition', attachmentHeader(`新品上架看板_${t.period.label}.${format}`));
        ctx.set('Cache-Control', 'private, no-cache');
        if (t.truncated) ctx.set('X-Export-Truncated', String(t.rows.length));
        ctx.type = type;
        const table = { title: '新品上架门店明细', columns: t.columns, rows: t.rows, ...(t.truncated ? { note: `仅导出前 ${t.rows.length} 行` } : {}) };
        ctx.body = await render(format === 'csv' ? 'dashboards.records.csv' : 'dashboards.records.xlsx', table);
      },
    });
  }
}
