import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { IdParams } from '../../core/resources/schemas.js';
import {
  answerWecomMatch, AnswerWecomMatchResultSchema, AnswerWecomMatchSchema, listWecomMatches, ListWecomMatchesQuery, WecomMatchSchema,
} from '../../core/wecom-contacts/confirm.js';
import { lastWecomContactSync, LastWecomContactSyncSchema, syncWecomContacts } from '../../core/wecom-contacts/sync.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

const SyncResultSchema = z.object({
  members: z.number(), externalContacts: z.number(), bound: z.number(), asked: z.number(), alreadyBound: z.number(), unmatched: z.number(),
});

/** 客户联系: the admin's 立即同步, and the reps' answers to the matches a sync could not decide. */
export function registerWecomContactRoutes(kit: RouteKit, wecom: WecomClient): void {
  const tags = ['contacts'];
  defineRoute(kit, {
    method: 'get', path: '/api/wecom-contact-matches', operationId: 'listWecomContactMatches', tags,
    summary: '待确认的企业微信客户：同步时没能确定是哪位联系人的（按客户权限范围）',
    query: ListWecomMatchesQuery, response: z.object({ items: z.array(WecomMatchSchema) }),
    handler: ({ db, actor, query }) => listWecomMatches(db, actor, query),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/wecom-contact-matches/{id}/answer', operationId: 'answerWecomContactMatch', tags, status: 200,
    summary: '回答“企业微信客户X是这位联系人吗”：是（对应上）、不是（不再问）、新建联系人',
    params: IdParams, body: AnswerWecomMatchSchema, response: AnswerWecomMatchResultSchema,
    handler: ({ db, actor, params, body }) => answerWecomMatch(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/wecom-contacts/sync', operationId: 'getWecomContactSync', tags,
    summary: '企业微信客户同步：上次结果（失败时的原因）和待业务员确认的条数（管理员）',
    response: LastWecomContactSyncSchema,
    handler: ({ db, actor }) => {
      if (actor.role !== 'admin') throw new AppError('FORBIDDEN', { role: actor.role }, '只有管理员可以查看企业微信客户同步');
      return lastWecomContactSync(db, wecom.connected);
    },
  });
  defineRoute(kit, {
    method: 'post', path: '/api/wecom-contacts/sync', operationId: 'syncWecomContacts', tags, status: 200,
    summary: '立即从企业微信同步客户联系（管理员；每晚也会自动同步）：按手机号、姓名和客户对应联系人，拿不准的交给业务员确认',
    response: SyncResultSchema,
    handler: ({ actor }) => {
      if (actor.role !== 'admin') throw new AppError('FORBIDDEN', { role: actor.role }, '只有管理员可以同步企业微信客户');
      if (!wecom.connected) throw new AppError('WECOM_NOT_CONFIGURED', {}, '未配置企业微信（演示模式），不能同步企业微信客户');
      // its own transaction, after every page is read: a WeCom error leaves nothing half-written
      return syncWecomContacts(kit.deps.pool, wecom, { now: kit.deps.now(), logger: kit.deps.logger, actorId: actor.id });
    },
  });
}
