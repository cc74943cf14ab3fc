import { z } from 'zod';
import { definePublicRoute, type RouteKit } from '../route-kit.js';

export function registerHealthRoutes(kit: RouteKit): void {
  definePublicRoute(kit, {
    method: 'get', path: '/healthz', operationId: 'healthz', tags: ['ops'], summary: '进程存活',
    response: z.object({ ok: z.boolean() }),
    handler: async () => ({ ok: true }),
  });
  definePublicRoute(kit, {
    method: 'get', path: '/readyz', operationId: 'readyz', tags: ['ops'], summary: '数据库可用、迁移完成、各部分已启动',
    response: z.object({ ok: z.boolean(), demoMode: z.boolean() }),
    handler: async ({ deps, ctx }) => {
      try {
        await deps.pool.query('SELECT 1 FROM schema_migrations LIMIT 1');
        if (deps.isReady && !deps.isReady()) throw new Error('starting');
        return { ok: true, demoMode: deps.config.demoMode };
      } catch {
        ctx.status = 503;
        return { ok: false, demoMode: deps.config.demoMode };
      }
    },
  });
}
