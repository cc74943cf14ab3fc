import { z } from 'zod';
import type { Actor } from '../../core/auth/actor.js';
import { AppError } from '../../core/errors.js';
import { demoHistoryState } from '../../core/seed/demo-history.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

const StateSchema = z.object({
  /** Demo mode on the embedded database: the only place a reset may empty every table. */
  canReset: z.boolean(),
  /** The Shanghai day the history runs up to, when one was generated. */
  today: z.string().nullable(),
  generatedAt: z.string().nullable(),
});

const ResetSchema = z.object({ today: z.string(), seconds: z.number(), summary: z.string() });

/** 重置演示数据: admins start the demo over (demo mode on the embedded database only). */
export function registerDemoRoutes(kit: RouteKit): void {
  const tags = ['demo'];
  // only the process that owns the embedded database in demo mode is handed the reset (core/system.ts)
  const canReset = () => Boolean(kit.deps.resetDemo);
  const assertAdmin = (actor: Actor) => {
    if (actor.role !== 'admin') throw new AppError('FORBIDDEN', { resource: 'demo', verb: 'reset' }, '只有管理员可以重置演示数据');
  };
  defineRoute(kit, {
    method: 'get', path: '/api/demo', operationId: 'getDemoState', tags,
    summary: '演示数据的状态：能否重置、生成到哪一天（管理员）',
    response: StateSchema,
    handler: async ({ db, actor }) => {
      assertAdmin(actor);
      return { canReset: canReset(), ...(await demoHistoryState(db)) };
    },
  });
  defineRoute(kit, {
    method: 'post', path: '/api/demo/reset', operationId: 'resetDemo', tags, status: 200, ownStatement: true,
    summary: '重置演示数据：清空全部数据，重新安装演示组织并生成截至今天的近90天业务记录（管理员，演示模式且使用内置数据库）',
    response: ResetSchema,
    handler: async ({ actor }) => {
      assertAdmin(actor);
      if (!kit.deps.resetDemo) throw new AppError('DEMO_RESET_UNAVAILABLE', { demoMode: kit.deps.config.demoMode });
      const r = await kit.deps.resetDemo();
      const day = `${Number(r.today.slice(5, 7))}月${Number(r.today.slice(8, 10))}日`;
      return { today: r.today, seconds: Math.round(r.ms / 100) / 10, summary: `演示数据已重置：已生成截至${day}的近90天业务记录` };
    },
  });
}
