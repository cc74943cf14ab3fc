import type { Context } from 'koa';
import type { ZodType } from 'zod';
import type { Actor } from '../core/auth/actor.js';
import { attachmentHeader, type Sheet } from '../core/dashboards/export.js';
import type { HeavyRunner } from '../core/heavy/heavy-runner.js';
import { requireActor } from './middleware/authenticate.js';
import { heavyGate, parse, routeErrorResponses, type RouteKit } from './route-kit.js';

/**
 * A GET answering a file (an export, an image) rather than JSON: the same
 * session, validation, error envelope and `heavy` declaration as defineRoute,
 * documented with the file's content type.
 *
 *   defineFileRoute(kit, { path: '/api/obstacles/heatmap.png', operationId: 'getObstacleHeatmapPng', heavy: true,
 *     query: HeatmapQuery, contentType: 'image/png', tags, summary,
 *     handler: async (ctx, { actor, query, render }) => { ctx.type = 'image/png'; ctx.body = await render('obstacles.heatmap.png', …); } });
 */
export interface FileRouteSpec<P, Q> {
  path: string;
  operationId: string;
  tags: string[];
  summary: string;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  contentType: string;
  /** Error statuses it documents in its own words (a 404 that says what was not found). */
  errors?: Record<number, string>;
  /** See RouteSpec.heavy (api/route-kit.ts). */
  heavy?: boolean;
  handler(ctx: Context, input: { actor: Actor; params: P; query: Q; render: HeavyRunner['render'] }): Promise<void>;
}

export function defineFileRoute<P, Q>(kit: RouteKit, spec: FileRouteSpec<P, Q>): void {
  kit.registry.registerPath({
    method: 'get', path: spec.path, operationId: spec.operationId, summary: spec.summary, tags: spec.tags,
    security: [{ session: [] }],
    ...(spec.heavy ? { 'x-heavy': true } : {}),
    request: { params: spec.params as any, query: spec.query as any },
    responses: {
      200: { description: '文件', content: { [spec.contentType.split(';')[0]]: { schema: { type: 'string', format: 'binary' } } } },
      ...routeErrorResponses(spec, spec.errors),
    },
  });
  const gate = heavyGate(kit, spec);
  kit.router.get(spec.operationId, spec.path.replace(/\{(\w+)\}/g, ':$1'), async (ctx: Context) => {
    const actor = requireActor(ctx);
    const params = parse(spec.params, ctx.params, 'params');
    const query = parse(spec.query, ctx.query, 'query');
    await gate(actor, (render) => spec.handler(ctx, { actor, params, query, render }));
  });
}

const TABLE_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
type TableFormat = keyof typeof TABLE_TYPES;

/** What a table export answers: the file's name without its extension, and `truncatedAt` rows when it was cut. */
export interface TableExport extends Omit<Sheet, 'note'> { filename: string; truncatedAt: number | null }

/**
 * One table as CSV (UTF-8 with BOM) and as Excel: a route per format with the same file name, the same
 * private caching and the same X-Export-Truncated header and note when the rows were cut.
 */
export function defineTableExportRoutes<P, Q>(kit: RouteKit, spec: Omit<FileRouteSpec<P, Q>, 'path' | 'operationId' | 'summary' | 'contentType' | 'handler'> & {
  path(format: TableFormat): string;
  operationId: Record<TableFormat, string>;
  summary(format: TableFormat): string;
  load(input: { actor: Actor; params: P; query: Q }): Promise<TableExport>;
}): void {
  for (const format of ['csv', 'xlsx'] as const) {
    defineFileRoute(kit, {
      ...spec, path: spec.path(format), operationId: spec.operationId[format], summary: spec.summary(format), contentType: TABLE_TYPES[format],
      handler: async (ctx, { actor, params, query, render }) => {
        const t = await spec.load({ actor, params, query });
        ctx.set('Content-Disposition', attachmentHeader(`${t.filename}.${format}`));
        ctx.set('Cache-Control', 'private, no-cache');
        if (t.truncatedAt !== null) ctx.set('X-Export-Truncated', String(t.truncatedAt));
        ctx.type = TABLE_TYPES[format];
        const sheet = { title: t.title, columns: t.columns, rows: t.rows, ...(t.truncatedAt !== null ? { note: `仅导出前 ${t.truncatedAt} 行` } : {}) };
        ctx.body = await render(format === 'csv' ? 'dashboards.records.csv' : 'dashboards.records.xlsx', sheet);
      },
    });
  }
}
