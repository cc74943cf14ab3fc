import {
  createShareLink, CreateShareLinkSchema, listShareLinks, revokeShareLink, ShareLinkSchema, ShareLinksPageSchema,
} from '../../core/sharing/share-links.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** A deal's customer-facing document links: share, list with the customer's opens, revoke (the pages themselves: share-pages.routes.ts). */
export function registerShareLinkRoutes(kit: RouteKit): void {
  const tags = ['sharing'];
  const links = () => ({ secret: kit.deps.config.sessionSecret, publicUrl: kit.deps.config.publicUrl, now: kit.deps.now() });
  defineRoute(kit, {
    method: 'get', path: '/api/opportunities/{id}/share-links', operationId: 'listShareLinks', tags,
    summary: '商机的客户文档链接：客户打开、下载的次数和最近一次时间（本组织成员打开不计），以及可分享的文档',
    params: IdParams, response: ShareLinksPageSchema,
    handler: ({ db, actor, params }) => listShareLinks(db, actor, links(), params.id),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/opportunities/{id}/share-links', operationId: 'createShareLink', tags, idempotent: true,
    summary: '把客户的一份文档分享给客户：生成签名、可撤回、会过期的链接',
    params: IdParams, body: CreateShareLinkSchema, response: ShareLinkSchema,
    handler: ({ db, actor, params, body }) => createShareLink(db, actor, links(), params.id, body),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/share-links/{id}/revoke', operationId: 'revokeShareLink', tags, status: 200,
    summary: '撤回文档链接：之后打开只显示“链接已失效”', params: IdParams, response: ShareLinkSchema,
    handler: ({ db, actor, params }) => revokeShareLink(db, actor, links(), params.id),
  });
}
