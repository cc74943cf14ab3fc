import { z } from 'zod';
import { assertCan } from '../../core/auth/permissions.js';
import { IdParams } from '../../core/resources/schemas.js';
import { LearnedExampleSchema, listExamples, setExampleRemoved } from '../../core/understanding/learned/org-examples.js';
import { listTrainings, retrainOrgReader } from '../../core/understanding/learned/org-reader.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

const TrainingSchema = z.object({
  id: z.number(), trainedAt: z.string(), trigger: z.enum(['nightly', 'on_demand']), publicLines: z.number(), examples: z.number(),
  trainMs: z.number(), cvMs: z.number(), cvAccuracy: z.number(), cvActed: z.number(), cvActedRight: z.number(), cvAsked: z.number(),
});

/** 机器人学到的说法 (admins): what reps answered the bot's questions, removing a wrong one, and retraining. */
export function registerUnderstandingRoutes(kit: RouteKit): void {
  const tags = ['understanding'];
  defineRoute(kit, {
    method: 'get', path: '/api/understanding/examples', operationId: 'listLearnedExamples', tags,
    summary: '机器人从业务员的回答里学到的说法（管理员）：原话、选定的读法、谁、何时，含已移除的',
    response: z.object({ items: z.array(LearnedExampleSchema), trainings: z.array(TrainingSchema) }),
    handler: async ({ db, actor }) => ({ items: await listExamples(db, actor), trainings: await listTrainings(db) }),
  });
  for (const [verb, removed, summary] of [['remove', true, '移除一条学错的说法（管理员）：不再参与训练，记录保留'], ['restore', false, '恢复一条移除的说法（管理员）']] as const) {
    defineRoute(kit, {
      method: 'post', path: `/api/understanding/examples/{id}/${verb}`, operationId: `${verb}LearnedExample`, tags, status: 200,
      summary, params: IdParams, response: LearnedExampleSchema,
      handler: ({ db, actor, params }) => setExampleRemoved(db, actor, params.id, removed, kit.deps.now()),
    });
  }
  defineRoute(kit, {
    method: 'post', path: '/api/understanding/retrain', operationId: 'retrainLearnedReader', tags, status: 200, heavy: true,
    summary: '立即用公开语料和本组织学到的说法重新训练机器人的学习模型（管理员；每晚也会自动训练），返回用时和交叉验证结果',
    response: TrainingSchema,
    handler: ({ db, actor }) => {
      assertCan(actor, 'config', 'update');
      return retrainOrgReader(db, { now: kit.deps.now(), trigger: 'on_demand', by: actor.id });
    },
  });
}
