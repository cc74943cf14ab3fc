import { z } from 'zod';
import { EXPORT_MAX_ROWS } from '../../core/dashboards/export.js';
import { METRICS } from '../../core/dashboards/metrics.js';
import { WeekQuery } from '../../core/dashboards/period.js';
import { exportMetricRecords, listMetricRecords } from '../../core/dashboards/records.js';
import {
  DashboardOverviewSchema, DashboardQuery, ExportQuery, MetricBreakdownSchema, MetricParams, MetricQuery, RecordsPageSchema, RecordsQuery,
} from '../../core/dashboards/schemas.js';
import { getDashboardOverview, getMetricBreakdown } from '../../core/dashboards/service.js';
import { loadDashboardSettings } from '../../core/dashboards/dashboard.setting.js';
import { DashboardSettingsSchema } from '../../core/dashboards/settings.js';
import type { ClusterWeek } from '../../core/obstacles/cluster-week.js';
import { listTopics, obstacleHeatmap, topicReports } from '../../core/obstacles/heatmap.js';
import { IdParam } from '../../core/resources/schemas.js';
import { defineFileRoute, defineTableExportRoutes } from '../file-route.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { registerHeatmapImageRoutes } from './heatmap-image.routes.js';

/**
 * Dashboards (过程水位线 and 过程健康度), their records and exports, and the
 * obstacle heatmap. Every metric answers with its one-line `definition`.
 * The CSV/XLSX/SVG/PNG routes answer files, not JSON: they are registered by
 * hand with the same OpenAPI conventions (as the attachment content route).
 */
export function registerDashboardRoutes(kit: RouteKit): void {
  registerDashboardJson(kit);
  registerExports(kit);
  registerObstacles(kit);
  // the pushed heatmap PNG, as the outbox holds it
  registerHeatmapImageRoutes(kit);
  registerSettings(kit);
}

function registerDashboardJson(kit: RouteKit): void {
  const tags = ['dashboards'];
  defineRoute(kit, {
    method: 'get', path: '/api/dashboards', operationId: 'getDashboards', tags,
    summary: '过程水位线（线索→商机、商机→合同、客户资料完整度）与过程健康度：数值、状态色、环比、口径；阶段停留时长',
    query: DashboardQuery, response: DashboardOverviewSchema,
    handler: ({ db, actor, query, deps }) => getDashboardOverview(db, actor, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/dashboards/{metric}', operationId: 'getDashboardMetric', tags,
    summary: '一个指标按业务员、区域（部门子树）、产品线、阶段或日/周/月细分；每一行带下钻参数',
    params: MetricParams, query: MetricQuery, response: MetricBreakdownSchema,
    handler: ({ db, actor, params, query, deps }) => getMetricBreakdown(db, actor, params.metric, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/dashboards/{metric}/records', operationId: 'listDashboardRecords', tags,
    summary: '指标背后的明细记录（线索、商机、客户、阶段变更、事项或跟进），与指标同口径筛选；outcome=hit 为计入分子的记录',
    params: MetricParams, query: RecordsQuery, response: RecordsPageSchema,
    handler: ({ db, actor, params, query, deps }) => listMetricRecords(db, actor, params.metric, query, deps.now()),
  });
}

function registerExports(kit: RouteKit): void {
  defineTableExportRoutes(kit, {
    path: (format) => `/api/dashboards/{metric}/records.${format}`,
    operationId: { csv: 'exportDashboardRecordsCsv', xlsx: 'exportDashboardRecordsXlsx' },
    tags: ['dashboards'],
    summary: (format) => format === 'csv'
      ? `导出指标明细为 CSV（UTF-8 带 BOM，Excel 可直接打开；中文表头；最多 ${EXPORT_MAX_ROWS} 行）`
      : `导出指标明细为 Excel（xlsx；中文表头；最多 ${EXPORT_MAX_ROWS} 行）`,
    params: MetricParams, query: ExportQuery, heavy: true,
    load: async ({ actor, params, query }) => {
      const r = await exportMetricRecords(kit.deps.pool, actor, params.metric, query, kit.deps.now(), EXPORT_MAX_ROWS);
      return {
        filename: `${METRICS[params.metric].name.replace(/→/g, '-')}明细_${r.period.from}_${r.period.to}`,
        title: METRICS[params.metric].name, columns: r.columns, rows: r.rows, truncatedAt: r.truncated ? EXPORT_MAX_ROWS : null,
      };
    },
  });
}

const HeatmapQuery = z.object({ week: WeekQuery.optional(), departmentId: IdParam.optional() }).strict();

const HeatmapSchema = z.object({
  week: z.string(), from: z.string(), to: z.string(), definition: z.string(), reportCount: z.number(), withObstacles: z.number(),
  departments: z.array(z.object({ id: z.number(), name: z.string(), reports: z.number() })),
  topics: z.array(z.object({ key: z.string(), label: z.string(), keywords: z.array(z.string()), reports: z.number() })),
  cells: z.array(z.object({ departmentId: z.number(), topicKey: z.string(), count: z.number() })),
  max: z.number(),
}).openapi('ObstacleHeatmap');

const TopicSchema = z.object({ key: z.string(), label: z.string(), keywords: z.array(z.string()), reports: z.number() });

function registerObstacles(kit: RouteKit): void {
  const tags = ['obstacles'];
  // a week's texts are clustered (jieba) in a heavy-work thread, on a miss of the week's cache only;
  // reading a heatmap is a page view, so these routes are not counted against fair use
  const cluster: ClusterWeek = (t) => kit.heavy.render('obstacles.cluster', t);
  defineRoute(kit, {
    method: 'get', path: '/api/obstacles/heatmap', operationId: 'getObstacleHeatmap', tags,
    summary: '跨部门协同堵点热力图（部门 × 堵点主题，数值为提及该主题的日报篇数）',
    query: HeatmapQuery, response: HeatmapSchema,
    handler: ({ db, actor, query, deps }) => obstacleHeatmap(db, actor, query, deps.now(), cluster),
  });
  for (const format of ['svg', 'png'] as const) {
    const type = format === 'svg' ? 'image/svg+xml' : 'image/png';
    defineFileRoute(kit, {
      path: `/api/obstacles/heatmap.${format}`,
      operationId: format === 'svg' ? 'getObstacleHeatmapSvg' : 'getObstacleHeatmapPng',
      tags, summary: `堵点热力图图片（${format.toUpperCase()}，服务端渲染）`,
      query: HeatmapQuery, contentType: type, heavy: true,
      handler: async (ctx, { actor, query, render }) => {
        const h = await obstacleHeatmap(kit.deps.pool, actor, query, kit.deps.now(), cluster);
        ctx.set('Cache-Control', 'private, no-cache');
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
        ctx.type = type;
        ctx.body = await render(format === 'svg' ? 'obstacles.heatmap.svg' : 'obstacles.heatmap.png', h);
      },
    });
  }
  defineRoute(kit, {
    method: 'get', path: '/api/obstacles/topics', operationId: 'listObstacleTopics', tags,
    summary: '本周全部堵点主题（含热力图未展示的）',
    query: HeatmapQuery, response: z.object({ week: z.string(), items: z.array(TopicSchema) }),
    handler: ({ db, actor, query, deps }) => listTopics(db, actor, query, deps.now(), cluster),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/obstacles/topics/{key}/reports', operationId: 'listObstacleTopicReports', tags,
    summary: '一个堵点主题背后的日报（可按热力图的一行 departmentId 筛选）',
    params: z.object({ key: z.string().min(1).max(100).regex(/^[^\u0000-\u001f]+$/, '主题标识无效') }),
    query: HeatmapQuery.extend({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }).strict(),
    response: z.object({
      week: z.string(), topic: TopicSchema, total: z.number(),
      items: z.array(z.object({
        id: z.number(), userId: z.number(), userName: z.string(), departmentId: z.number().nullable(), departmentName: z.string().nullable(),
        day: z.string(), obstacles: z.string(), matched: z.array(z.string()),
      })),
    }),
    handler: ({ db, actor, params, query, deps }) => topicReports(db, actor, { ...query, key: params.key }, deps.now(), cluster),
  });
}

function registerSettings(kit: RouteKit): void {
  const tags = ['dashboards'];
  defineRoute(kit, {
    method: 'get', path: '/api/dashboard-settings', operationId: 'getDashboardSettings', tags,
    summary: '看板阈值（状态色）与客户资料关键字段权重（在设置中修改：dashboards.thresholds、dashboards.profile-fields）',
    response: DashboardSettingsSchema,
    handler: ({ db }) => loadDashboardSettings(db),
  });
}
