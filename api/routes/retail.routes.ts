import { z } from 'zod';
import type { CoreDeps } from '../../core/deps.js';
import { SubmissionResultSchema } from '../../core/actions/action-schemas.js';
import { createLaunch, getLaunchOrThrow, listLaunches, submitLaunchStep, type LaunchStepInput } from '../../core/retail/launches.js';
import { finishPatrol, getPatrolOrThrow, listPatrols, patrolRoute, startPatrol, tickPatrolItem } from '../../core/retail/patrols.js';
import {
  CreateLaunchesSchema, CreateLaunchSchema, LaunchPlanQuery, LaunchPlanSchema, LaunchSchema, LaunchStepBodySchemas, ListLaunchesQuery, ListPatrolsQuery, PatrolItemParams, PatrolRouteQuery,
  PatrolRouteSchema, PatrolSchema, ProductSchema, ReportStockoutSchema, StartPatrolSchema, StockoutSchema, StoreSchema, TickPatrolItemSchema,
} from '../../core/retail/retail-schemas.js';
import { createLaunches, launchPlan } from '../../core/retail/launch-plan.js';
import { reportStockout } from '../../core/retail/stockouts.js';
import { createInvitation, reissueInvitation } from '../../core/retail/invitations.js';
import { listProducts, listStores } from '../../core/retail/stores.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, HandlerResponse, type RouteKit } from '../route-kit.js';
import { registerRetailCatalogueRoutes } from './retail-catalogue.routes.js';
import { registerRetailLaunchBoardRoutes } from './retail-launch-board.routes.js';
import { registerRetailPatrolPlanRoutes } from './retail-patrol-plans.routes.js';
import { registerRetailPromotionRoutes } from './retail-promotions.routes.js';
import { registerRetailSalesRoutes } from './retail-sales.routes.js';
import { registerRetailScorecardRoutes } from './retail-scorecard.routes.js';

const flow = (deps: CoreDeps) => ({ now: deps.now(), publicUrl: deps.config.publicUrl });

const STEP_ROUTES = [
  { step: 'bind', path: 'bind', operationId: 'bindLaunchShelf', summary: '新品上架①：扫描货架位码和商品条码（货架位须属本店，条码须是本次新品）' },
  { step: 'display', path: 'display', operationId: 'fileLaunchDisplay', summary: '新品上架②：提交陈列全景照片（与拜访照片同样的真实性检查）' },
  { step: 'first_day_sales', path: 'first-day-sales', operationId: 'fileLaunchFirstDaySales', summary: '新品上架③：录入首日销量' },
  { step: 'enquiries', path: 'enquiries', operationId: 'fileLaunchEnquiries', summary: '新品上架④：上传消费者咨询记录' },
] as const;

/** Retail store execution: stores, catalogue, 新品上架, patrols, stock-outs; sales data and promotions in their own files. */
export function registerRetailRoutes(kit: RouteKit): void {
  const tags = ['retail'];
  registerRetailSalesRoutes(kit);
  registerRetailPromotionRoutes(kit);
  registerRetailCatalogueRoutes(kit);
  registerRetailPatrolPlanRoutes(kit);
  registerRetailScorecardRoutes(kit);
  defineRoute(kit, {
    method: 'get', path: '/api/retail/stores', operationId: 'listStores', tags,
    summary: '门店列表（店员看本店，巡店督导看巡店路线上的门店，业务员看自己负责的，主管看本区域）',
    response: z.object({ items: z.array(StoreSchema) }),
    handler: ({ db, actor }) => listStores(db, actor),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/products', operationId: 'listProducts', tags, summary: '商品目录',
    response: z.object({ items: z.array(ProductSchema) }),
    handler: ({ db, actor }) => listProducts(db, actor),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/launches', operationId: 'listLaunches', tags, summary: '新品上架任务（未完成的在前）',
    query: ListLaunchesQuery, response: z.object({ items: z.array(LaunchSchema) }),
    handler: ({ db, actor, query, deps }) => listLaunches(db, actor, query, deps.now()),
  });
  registerRetailLaunchBoardRoutes(kit);
  defineRoute(kit, {
    method: 'get', path: '/api/retail/launches/{id}', operationId: 'getLaunch', tags, summary: '一次新品上架：四个步骤、期限、每步记录',
    params: IdParams, response: LaunchSchema,
    handler: ({ db, actor, params, deps }) => getLaunchOrThrow(db, actor, params.id, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/launches', operationId: 'createLaunch', tags, idempotent: true,
    summary: '发起新品上架：四个步骤派给门店店员，期限从上架日按工作日计算',
    body: CreateLaunchSchema, response: LaunchSchema,
    handler: ({ db, actor, body, deps }) => createLaunch(db, actor, body, flow(deps)),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/launch-plan', operationId: 'getLaunchPlan', tags,
    summary: '发起新品上架前预览：按上架日算出的四步期限，以及哪些门店可以发起（没有店员或已有该商品上架的门店注明原因）',
    query: LaunchPlanQuery, response: LaunchPlanSchema,
    handler: ({ db, actor, query }) => launchPlan(db, actor, query),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/launches/batch', operationId: 'createLaunches', tags, idempotent: true,
    summary: '在多家门店同时发起同一商品的新品上架；有门店不能发起时一家也不发起，并逐店说明原因',
    body: CreateLaunchesSchema, response: z.object({ items: z.array(LaunchSchema) }),
    handler: ({ db, actor, body, deps }) => createLaunches(db, actor, body, flow(deps)),
  });
  for (const r of STEP_ROUTES) {
    defineRoute(kit, {
      method: 'post', path: `/api/retail/launches/{id}/${r.path}`, operationId: r.operationId, tags, idempotent: true, status: 200,
      summary: `${r.summary}；上一步未完成时 409 ACTION_LOCKED 并指出缺哪一步`,
      params: IdParams, body: LaunchStepBodySchemas[r.step] as z.ZodType<Omit<LaunchStepInput, 'step'>>,
      response: z.object({ launch: LaunchSchema, submission: SubmissionResultSchema }),
      handler: async ({ db, actor, params, body, deps }) => {
        const { result, launch } = await submitLaunchStep(db, actor, params.id, { step: r.step, ...body } as LaunchStepInput, flow(deps));
        if (!result.ok) return new HandlerResponse(422, result.error);
        return { launch, submission: result.body };
      },
    });
  }
  defineRoute(kit, {
    method: 'get', path: '/api/retail/patrol-route', operationId: 'getPatrolRoute', tags,
    summary: '巡店督导今天的巡店路线：到期的门店按距离排序（传当前位置则从这里出发）',
    query: PatrolRouteQuery, response: PatrolRouteSchema,
    handler: ({ db, actor, query, deps }) =>
      patrolRoute(db, actor, query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : null, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/patrols', operationId: 'listPatrols', tags, summary: '巡店记录：得分、是否走过场、生成的整改事项',
    query: ListPatrolsQuery, response: z.object({ items: z.array(PatrolSchema) }),
    handler: ({ db, actor, query }) => listPatrols(db, actor, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/patrols/{id}', operationId: 'getPatrol', tags, summary: '一次巡店',
    params: IdParams, response: PatrolSchema,
    handler: ({ db, actor, params }) => getPatrolOrThrow(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/patrols', operationId: 'startPatrol', tags, idempotent: true,
    summary: '开始巡店（同一门店未结束的巡店继续使用），检查表按门店业态',
    body: StartPatrolSchema, response: PatrolSchema,
    handler: ({ db, actor, body, deps }) => startPatrol(db, actor, body.storeId, deps.now()),
  });
  defineRoute(kit, {
    method: 'put', path: '/api/retail/patrols/{id}/items/{key}', operationId: 'tickPatrolItem', tags,
    summary: '填写一个检查项：合格与否、照片（必需）、不合格时的问题说明',
    params: PatrolItemParams, body: TickPatrolItemSchema, response: PatrolSchema,
    handler: ({ db, actor, params, body, deps }) => tickPatrolItem(db, actor, params.id, params.key, body, deps.now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/patrols/{id}/finish', operationId: 'finishPatrol', tags, idempotent: true, status: 200,
    summary: '结束巡店：打分；用时过短或照片未通过核验标记为走过场；不合格项生成门店整改事项',
    params: IdParams, response: PatrolSchema,
    handler: ({ db, actor, params, deps }) => finishPatrol(db, actor, params.id, flow(deps)),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/stockouts', operationId: 'reportStockout', tags, idempotent: true,
    summary: '店员一键上报缺货：门店负责的业务员收到缺货处理事项（重复上报同一商品不重复派发）',
    body: ReportStockoutSchema, response: StockoutSchema,
    handler: ({ db, actor, body, deps }) => reportStockout(db, actor, body.productId, flow(deps)),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/stores/{id}/invitations', operationId: 'inviteClerk', tags, idempotent: true,
    summary: '为门店生成店员邀请链接（一次有效，有效期见设置）',
    params: IdParams, response: z.object({ url: z.string(), expiresAt: z.string(), storeName: z.string() }),
    handler: ({ db, actor, params, deps }) => createInvitation(db, actor, params.id, flow(deps)),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/clerks/{id}/invitations', operationId: 'reissueClerkInvitation', tags, idempotent: true,
    summary: '为已有店员重新生成登录链接（店员换了手机或不用微信时）：该店员此前未用的链接随即作废',
    params: IdParams, response: z.object({ url: z.string(), expiresAt: z.string(), clerkName: z.string(), revoked: z.number() }),
    handler: ({ db, actor, params, deps }) => reissueInvitation(db, actor, params.id, flow(deps)),
  });
}

