import { z } from 'zod';
import type { CoreDeps } from '../../core/deps.js';
import { SubmissionResultSchema } from '../../core/actions/action-schemas.js';
import { createLaunch, getLaunchOrThrow, listLaunches, submitLaunchStep, type LaunchStepInput } from '../../core/retail/launches.js';
import {
  CreateLaunchSchema, LaunchSchema, LaunchStepBodySchemas, ListLaunchesQuery, ProductSchema, StoreSchema,
} from '../../core/retail/retail-schemas.js';
import { listProducts, listStores } from '../../core/retail/stores.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, HandlerResponse, type RouteKit } from '../route-kit.js';

const flow = (deps: CoreDeps) => ({ now: deps.now(), publicUrl: deps.config.publicUrl });

const STEP_ROUTES = [
  { step: 'bind', path: 'bind', operationId: 'bindLaunchShelf', summary: '新品上架①：扫描货架位码和商品条码（货架位须属本店，条码须是本次新品）' },
  { step: 'display', path: 'display', operationId: 'fileLaunchDisplay', summary: '新品上架②：提交陈列全景照片（与拜访照片同样的真实性检查）' },
  { step: 'first_day_sales', path: 'first-day-sales', operationId: 'fileLaunchFirstDaySales', summary: '新品上架③：录入首日销量' },
  { step: 'enquiries', path: 'enquiries', operationId: 'fileLaunchEnquiries', summary: '新品上架④：上传消费者咨询记录' },
] as const;

/** Retail store execution: stores, catalogue, 新品上架. */
export function registerRetailRoutes(kit: RouteKit): void {
  const tags = ['retail'];
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
}
