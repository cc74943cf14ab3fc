import type { Context } from 'koa';
import type { ZodType } from 'zod';
import type { Actor } from '../core/auth/actor.js';
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
