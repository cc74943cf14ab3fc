import { LaunchBoardQuery, LaunchBoardSchema } from '../../core/retail/launch-board.js';
import { BoardStoresFilter, BoardStoresPageSchema, BoardStoresQuery } from '../../core/retail/launch-board-stores.js';
import { launchBoard, launchBoardStores, launchBoardStoresTable } from '../../core/retail/launch-board.setting.js';
import { defineTableExportRoutes } from '../file-route.js';
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
  defineTableExportRoutes(kit, {
    path: (format) => `/api/retail/launch-board/stores.${format}`,
    operationId: { csv: 'exportLaunchBoardStoresCsv', xlsx: 'exportLaunchBoardStoresXlsx' },
    tags,
    summary: (format) => `导出新品上架看板的门店明细为 ${format === 'csv' ? 'CSV（UTF-8 带 BOM）' : 'Excel（xlsx）'}：与看板相同的筛选，全部页；中文表头，时间为北京时间`,
    query: BoardStoresFilter, heavy: true,
    load: async ({ actor, query }) => {
      const t = await launchBoardStoresTable(kit.deps.pool, actor, query, kit.deps.now());
      return { filename: `新品上架看板_${t.period.label}`, title: '新品上架门店明细', columns: t.columns, rows: t.rows, truncatedAt: t.truncated ? t.rows.length : null };
    },
  });
}
