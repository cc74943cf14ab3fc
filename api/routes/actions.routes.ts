import { z } from 'zod';
import {
  ActionDetailSchema, ActionSchema, DispatchActionSchema, DownstreamActionSchema, DraftSchema, FollowUpResultSchema,
  FollowUpStatsQuery, FollowUpStatsSchema, InstantiateProcessSchema, ListActionsQuery, PhoneOnlyBodySchema,
  ProcessInstanceSchema, ReassignBodySchema, RejectBodySchema, ReopenBodySchema, SubmissionResultSchema,
  SubmitFollowUpSchema, TransitionBodySchema, VerifyBodySchema, VisitDraftSchema, VisitReportSchema,
} from '../../core/actions/action-schemas.js';
import { getActionDetail, listActions, listTodayOf, TodayItemSchema } from '../../core/actions/action-queries.js';
import { lockActionOrThrow, toActionView } from '../../core/actions/action-repo.js';
import { createDownstreamAction, dispatchAction } from '../../core/actions/dispatch.js';
import { followUpStats, submitFollowUp } from '../../core/actions/followups.js';
import { archiveAction, rejectActionByManager, startAction, verifyAction } from '../../core/actions/lifecycle.js';
import { instantiateProcess } from '../../core/actions/process-templates.js';
import {
  cancelProcess, getProcessOrThrow, listProcesses, ListProcessesQuery, listProcessTemplates, pauseProcess, ProcessDecisionSchema,
  ProcessTemplateListSchema, ProcessViewSchema, resumeProcess, ResumeProcessSchema,
} from '../../core/actions/processes.js';
import { reassignAction, reopenAction } from '../../core/actions/reopen-reassign.js';
import { completeByPhone, saveVisitDraft, submitVisitReport } from '../../core/actions/visit-report.js';
import type { CoreDeps } from '../../core/deps.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, HandlerResponse, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

const flow = (deps: CoreDeps) => ({ now: deps.now(), publicUrl: deps.config.publicUrl });

/** The action flow: dispatch, lifecycle, visit reports, follow-ups, mandatory processes. */
export function registerActionRoutes(kit: RouteKit): void {
  const tags = ['actions'];
  defineRoute(kit, {
    method: 'post', path: '/api/actions', operationId: 'dispatchAction', tags, idempotent: true,
    summary: '派发事项（主管派给下属，或业务员给自己建事项）；截止时间按工作日计算',
    body: DispatchActionSchema, response: ActionSchema,
    handler: ({ db, actor, body, deps }) => dispatchAction(db, actor, body, flow(deps)),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/actions', operationId: 'listActions', tags, summary: '事项列表（业务员看自己的，主管看下属的）',
    query: ListActionsQuery, response: pageOf(ActionSchema),
    handler: ({ db, actor, query, deps }) => listActions(db, actor, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/today', operationId: 'listToday', tags,
    summary: '今日：本人未完成的事项（逾期在前），每项附还缺什么（一次请求）',
    response: z.object({ items: z.array(TodayItemSchema) }),
    handler: ({ db, actor, deps }) => listTodayOf(db, actor, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/actions/{id}', operationId: 'getAction', tags, summary: '事项详情：还缺什么、历史记录、上次提交未通过的原因',
    params: IdParams, response: ActionDetailSchema,
    handler: ({ db, actor, params, deps }) => getActionDetail(db, actor, params.id, deps.now()),
  });
  const transition = (path: string, operationId: string, summary: string, body: z.ZodType<any>,
    run: (i: { db: any; actor: any; a: any; d: ReturnType<typeof flow>; body: any }) => Promise<any>) =>
    defineRoute(kit, {
      method: 'post', path: `/api/actions/{id}/${path}`, operationId, tags, summary, status: 200,
      params: IdParams, body, response: ActionSchema,
      handler: async ({ db, actor, params, body: b, deps }) => {
        const d = flow(deps);
        const a = await lockActionOrThrow(db, actor, params.id);
        return toActionView(await run({ db, actor, a, d, body: b }), d.now);
      },
    });
  transition('start', 'startAction', '开始办理', TransitionBodySchema.optional(),
    ({ db, actor, a, d, body }) => startAction(db, actor, a, d, body?.expectedVersion));
  transition('verify', 'verifyAction', '主管核验通过', VerifyBodySchema,
    ({ db, actor, a, d, body }) => verifyAction(db, actor, a, d, body));
  transition('reject-by-manager', 'rejectActionByManager', '主管驳回（必须填写原因）', RejectBodySchema,
    ({ db, actor, a, d, body }) => rejectActionByManager(db, actor, a, d, body));
  transition('archive', 'archiveAction', '归档已核验的事项', TransitionBodySchema.optional(),
    ({ db, actor, a, d, body }) => archiveAction(db, actor, a, d, body?.expectedVersion));
  defineRoute(kit, {
    method: 'post', path: '/api/actions/{id}/reopen', operationId: 'reopenAction', tags, status: 200,
    summary: '主管重新打开已核验的事项（必须填写原因，负责人会收到通知）',
    params: IdParams, body: ReopenBodySchema, response: ActionSchema,
    handler: ({ db, actor, params, body, deps }) => reopenAction(db, actor, params.id, body, flow(deps)),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/actions/{id}/reassign', operationId: 'reassignAction', tags, status: 200,
    summary: '主管把未完成的事项转派给本范围内的其他在职业务员（新负责人收到事项，原负责人收到通知）',
    params: IdParams, body: ReassignBodySchema, response: ActionSchema,
    handler: ({ db, actor, params, body, deps }) => reassignAction(db, actor, params.id, body, flow(deps)),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/actions/{id}/complete-by-phone', operationId: 'completeActionByPhone', tags, status: 200,
    summary: '仅电话完成：记为“已提交（仅电话完成）”，不计有效跟进，由主管核实',
    params: IdParams, body: PhoneOnlyBodySchema, response: ActionSchema,
    handler: ({ db, actor, params, body, deps }) => completeByPhone(db, actor, params.id, body, flow(deps)),
  });
  defineRoute(kit, {
    method: 'put', path: '/api/actions/{id}/draft', operationId: 'saveVisitDraft', tags, summary: '保存拜访报告草稿（不做校验）',
    params: IdParams, body: VisitDraftSchema, response: DraftSchema,
    handler: async ({ db, actor, params, body, deps }) => {
      const { actionId, payload, updatedAt } = await saveVisitDraft(db, actor, params.id, body, flow(deps));
      return { actionId, payload, updatedAt };
    },
  });
  defineRoute(kit, {
    method: 'post', path: '/api/actions/{id}/visit-report', operationId: 'submitVisitReport', tags, idempotent: true, ownStatement: true, status: 200,
    summary: '提交拜访报告：一次列出全部未通过项（422 VISIT_REPORT_REJECTED，草稿保留）',
    params: IdParams, body: VisitReportSchema, response: SubmissionResultSchema,
    handler: async ({ db, actor, params, body, deps, idempotency }) => {
      const r = await submitVisitReport(db, actor, params.id, body, flow(deps), idempotency);
      if (!r.ok) return new HandlerResponse(422, r.error);
      return r.replayed ? new HandlerResponse(200, r.body, true) : r.body;
    },
  });
  defineRoute(kit, {
    method: 'post', path: '/api/actions/{id}/downstream', operationId: 'createDownstreamAction', tags, idempotent: true,
    summary: '从当前事项创建下游事项（报价、样品、合同需先有已核验的拜访）',
    params: IdParams, body: DownstreamActionSchema, response: ActionSchema,
    handler: ({ db, actor, params, body, deps }) => createDownstreamAction(db, actor, params.id, body, flow(deps)),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/followups', operationId: 'submitFollowUp', tags: ['followups'], idempotent: true,
    summary: '记录一次跟进，并按客户类型的有效跟进标准判定是否有效',
    body: SubmitFollowUpSchema, response: FollowUpResultSchema,
    handler: ({ db, actor, body, deps }) => submitFollowUp(db, actor, body, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/followups/stats', operationId: 'getFollowUpStats', tags: ['followups'],
    summary: '有效跟进率（有效跟进/总跟进）与伪跟进数（按权限范围）',
    query: FollowUpStatsQuery, response: FollowUpStatsSchema,
    handler: ({ db, actor, query, deps }) => followUpStats(db, actor, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/processes', operationId: 'instantiateProcess', tags: ['processes'], idempotent: true,
    summary: '为客户启动强制流程（如入院准入），每个节点生成一个带截止时间和升级规则的事项',
    body: InstantiateProcessSchema, response: ProcessInstanceSchema,
    handler: ({ db, actor, body, deps }) => instantiateProcess(db, actor, body, flow(deps)),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/processes', operationId: 'listProcesses', tags: ['processes'],
    summary: '强制流程列表（按客户的权限范围）：进度、逾期节点数', query: ListProcessesQuery,
    response: z.object({ items: z.array(ProcessViewSchema) }),
    handler: ({ db, actor, query, deps }) => listProcesses(db, actor, query, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/process-templates', operationId: 'listProcessTemplates', tags: ['processes'],
    summary: '可启动的流程模板', response: ProcessTemplateListSchema,
    handler: ({ db, actor }) => listProcessTemplates(db, actor),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/processes/{id}', operationId: 'getProcess', tags: ['processes'],
    summary: '流程详情：每个节点的截止时间、负责人、谁逾期了几天、还要什么证据', params: IdParams, response: ProcessViewSchema,
    handler: ({ db, actor, params, deps }) => getProcessOrThrow(db, actor, params.id, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/processes/{id}/pause', operationId: 'pauseProcess', tags: ['processes'], status: 200,
    summary: '暂停流程（必须填写原因）：节点截止时间停止计算，不再逾期升级', params: IdParams, body: ProcessDecisionSchema, response: ProcessViewSchema,
    handler: ({ db, actor, params, body, deps }) => pauseProcess(db, actor, params.id, body.reason, flow(deps)),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/processes/{id}/resume', operationId: 'resumeProcess', tags: ['processes'], status: 200,
    summary: '恢复流程：未完成节点的截止时间顺延暂停的时长', params: IdParams, body: ResumeProcessSchema, response: ProcessViewSchema,
    handler: ({ db, actor, params, deps }) => resumeProcess(db, actor, params.id, flow(deps)),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/processes/{id}/cancel', operationId: 'cancelProcess', tags: ['processes'], status: 200,
    summary: '取消流程（必须填写原因）：未完成的节点归档，负责人收到通知', params: IdParams, body: ProcessDecisionSchema, response: ProcessViewSchema,
    handler: ({ db, actor, params, body, deps }) => cancelProcess(db, actor, params.id, body.reason, flow(deps)),
  });
}
