/** The HTTP shapes of patrol plans (core/retail/patrol-plans.ts), shared by the API and the H5 app. */
import { z } from 'zod';
import { Id } from '../resources/schemas.js';

export const SavePatrolPlanSchema = z.strictObject({
  stores: z.array(z.strictObject({
    storeId: Id,
    everyDays: z.number({ message: '请填写巡店频率（天）' }).int('巡店频率应为整数天').min(1, '巡店频率应在1–90天之间').max(90, '巡店频率应在1–90天之间'),
  })).max(500, '一位督导最多500家门店')
    .refine((xs) => new Set(xs.map((x) => x.storeId)).size === xs.length, '同一家门店只能出现一次'),
});
export type SavePatrolPlanInput = z.output<typeof SavePatrolPlanSchema>;

export const InspectorPlanSchema = z.object({
  id: z.number(), name: z.string(), position: z.string().nullable(),
  stores: z.array(z.object({ storeId: z.number(), name: z.string(), everyDays: z.number(), lastPatrolAt: z.string().nullable() })),
});
export const PatrolPlansSchema = z.object({
  inspectors: z.array(InspectorPlanSchema),
  /** The stores the editor may put on a plan. */
  stores: z.array(z.object({ id: z.number(), name: z.string(), address: z.string().nullable() })),
});
export type PatrolPlansView = z.infer<typeof PatrolPlansSchema>;
