import { z } from 'zod';
import { listOpenSessions, OpenSessionSchema, OpenSessionsQuery, signOutEverywhere } from '../../core/sessions/sessions.js';
import { AuthLogEntrySchema, AuthLogQuery, listAuthLog } from '../../core/sessions/sign-in-log.js';
import { IdParams } from '../../core/resources/schemas.js';
import { clientInfo } from '../middleware/authenticate.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

/** Admins' view of who is signed in, the sign-in log, and "sign out this member everywhere". */
export function registerSessionRoutes(kit: RouteKit): void {
  const tags = ['auth'];
  defineRoute(kit, {
    method: 'get', path: '/api/sessions', operationId: 'listOpenSessions', tags,
    summary: '当前有效的登录会话（管理员），最新的在前',
    query: OpenSessionsQuery, response: pageOf(OpenSessionSchema),
    handler: ({ db, actor, query, deps }) => listOpenSessions(db, actor, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/users/{id}/sign-out-everywhere', operationId: 'signOutEverywhere', tags, status: 200,
    summary: '让该成员在所有设备上退出登录（管理员）：现有会话立即失效，并记入登录记录',
    params: IdParams, response: z.object({ revoked: z.number(), userName: z.string() }),
    handler: ({ db, actor, params, ctx, deps }) => signOutEverywhere(db, actor, params.id, { now: deps.now(), client: clientInfo(ctx) }),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/auth-log', operationId: 'listAuthLog', tags,
    summary: '登录记录（管理员）：登录、登录失败、退出与强制退出，含来源地址与浏览器',
    query: AuthLogQuery, response: pageOf(AuthLogEntrySchema),
    handler: ({ db, actor, query }) => listAuthLog(db, actor, query),
  });
}
