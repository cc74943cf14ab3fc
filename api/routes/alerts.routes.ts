import type { Context } from 'koa';
import { refreshAlertCards } from '../../core/alerts/card-events.js';
import {
  acknowledgeAlertInApp, getAlertByLink, getAlertDetail, listAlerts, resolveAlertInApp,
} from '../../core/alerts/alert-queries.js';
import {
  AcknowledgeAlertBody, AlertDetailSchema, AlertSummarySchema, ByLinkQuery, ListAlertsQuery, ResolveAlertBody,
} from '../../core/alerts/alert-schemas.js';
import type { CoreDeps } from '../../core/deps.js';
import { ListOutboxQuery, listOutbox, OutboxItemSchema } from '../../core/outbox/list-outbox.js';
import { IdParams } from '../../core/resources/schemas.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

/**
 * 预警中心 and 发件箱: the alert list and detail (with history), 认领 / 处理,
 * the signed card link's landing, and the outbox the H5 app shows (in demo
 * mode it is where messages arrive).
 */
export function registerAlertRoutes(kit: RouteKit, wecom: WecomClient): void {
  const tags = ['alerts'];
  defineRoute(kit, {
    method: 'get', path: '/api/alerts', operationId: 'listAlerts', tags,
    summary: '预警列表（主管看本区域，总监看全部，合规看抄送给自己的，业务员看自己客户的）',
    query: ListAlertsQuery, response: pageOf(AlertSummarySchema),
    handler: ({ db, actor, query }) => listAlerts(db, actor, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/alerts/{id}', operationId: 'getAlert', tags,
    summary: '预警详情：发生了什么、为什么、接收人与送达情况、处理经过（触发→认领→处理）及用时',
    params: IdParams, response: AlertDetailSchema,
    handler: ({ db, actor, params, deps }) => getAlertDetail(db, actor, params.id, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/alerts/{id}/by-link', operationId: 'getAlertByLink', tags,
    summary: '从预警卡片链接打开：校验链接签名（伪造则 403），已处理的显示由谁何时处理',
    params: IdParams, query: ByLinkQuery, response: AlertDetailSchema,
    handler: ({ db, actor, params, query, deps }) =>
      getAlertByLink(db, actor, params.id, query.sig, deps.config.sessionSecret, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/alerts/{id}/acknowledge', operationId: 'acknowledgeAlert', tags, status: 200,
    summary: '认领预警（已被他人认领或处理时 409，并说明是谁）',
    params: IdParams, body: AcknowledgeAlertBody, response: AlertDetailSchema,
    handler: async ({ ctx, db, actor, params, deps }) => {
      const r = await acknowledgeAlertInApp(db, actor, params.id, deps.now());
      refreshCardsAfterResponse(ctx, deps, wecom, params.id);
      return r;
    },
  });
  defineRoute(kit, {
    method: 'post', path: '/api/alerts/{id}/resolve', operationId: 'resolveAlert', tags, status: 200,
    summary: '处理完成（必须填写处理说明）',
    params: IdParams, body: ResolveAlertBody, response: AlertDetailSchema,
    handler: async ({ ctx, db, actor, params, body, deps }) => {
      const r = await resolveAlertInApp(db, actor, params.id, body.note, deps.now());
      refreshCardsAfterResponse(ctx, deps, wecom, params.id);
      return r;
    },
  });
  defineRoute(kit, {
    method: 'get', path: '/api/outbox', operationId: 'listOutbox', tags,
    summary: '发件箱：消息及其发送状态、失败原因（管理员看全部，其他人看发给自己的）',
    query: ListOutboxQuery, response: pageOf(OutboxItemSchema),
    handler: ({ db, actor, query }) => listOutbox(db, actor, query),
  });
}

/**
 * The response is written after the transaction commits, so by 'finish' the
 * new state is visible: update everyone's card then. A failure is retried by
 * the deliver-outbox job.
 */
function refreshCardsAfterResponse(ctx: Context, deps: CoreDeps, wecom: WecomClient, alertId: number): void {
  ctx.res.once('finish', () => {
    if (ctx.status >= 400) return;
    refreshAlertCards({ ...deps, wecom }, { alertIds: [alertId] })
      .catch((err: unknown) => deps.logger.warn({ err, alertId }, 'alert card refresh failed; the deliver job retries'));
  });
}
