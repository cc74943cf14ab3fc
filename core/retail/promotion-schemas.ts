/** The HTTP shapes of promotions (core/retail/promotions.ts), shared by the API and the H5 app. */
import { z } from 'zod';
import { Id, Money } from '../resources/schemas.js';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 年-月-日')
  .refine((d) => { const t = Date.parse(`${d}T00:00:00Z`); return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d); }, '日期不存在，请核对');

const Fields = {
  name: z.string().trim().min(1, '请填写促销名称').max(100, '名称不能超过100个字符'),
  storeIds: z.array(Id).min(1, '请至少选择一家门店').max(2000, '一次最多2000家门店'),
  productIds: z.array(Id).min(1, '请至少选择一个商品').max(200, '最多200个商品'),
  startsOn: Day,
  endsOn: Day,
  cost: Money.refine((v) => v > 0, '促销费用应大于0'),
};
const endAfterStart: [(p: { startsOn?: string; endsOn?: string }) => boolean, { message: string; path: string[] }] = [
  (p) => !p.startsOn || !p.endsOn || p.endsOn >= p.startsOn, { message: '结束日期不能早于开始日期', path: ['endsOn'] }];

export const CreatePromotionSchema = z.strictObject(Fields).refine(...endAfterStart);
export type CreatePromotionInput = z.output<typeof CreatePromotionSchema>;

/** An edit: the fields that change, and the version the form was read at. */
export const UpdatePromotionSchema = z.strictObject({ ...z.object(Fields).partial().shape, version: z.number().int().min(1) })
  .refine(...endAfterStart);
export type UpdatePromotionInput = z.output<typeof UpdatePromotionSchema>;

/** 提前结束: the last day it ran (today unless said), and the version the screen showed. */
export const EndPromotionSchema = z.strictObject({ lastDay: Day.optional(), version: z.number().int().min(1) });
export type EndPromotionInput = z.output<typeof EndPromotionSchema>;

const Method = z.object({
  baseline: z.number(), actual: z.number(), uplift: z.number(), upliftPercent: z.number().nullable(),
  incrementalRevenue: z.number().nullable(), roi: z.number().nullable(), stores: z.number(),
});

export const PromotionSchema = z.object({
  id: z.number(),
  name: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  cost: z.number(),
  status: z.enum(['upcoming', 'running', 'ended']),
  statusLabel: z.string(),
  stores: z.array(z.object({ id: z.number(), name: z.string() })),
  products: z.array(z.object({ id: z.number(), name: z.string() })),
  /** The last day of the promotion with imported sales (null: none yet); the figures cover startsOn…dataThrough. */
  dataThrough: z.string().nullable(),
  days: z.number(),
  /** The pre-period compared: as many days just before startsOn. */
  preFrom: z.string().nullable(),
  preTo: z.string().nullable(),
  prePeriod: Method.nullable(),
  matched: Method.nullable(),
  unmatched: z.array(z.string()),
  unitPrice: z.number().nullable(),
  perStore: z.array(z.object({
    storeId: z.number(), name: z.string(), actual: z.number(), preBaseline: z.number(), matchedBaseline: z.number().nullable(), controls: z.array(z.string()),
  })),
  method: z.array(z.string()),
  /** Stores of the same chain, format and region left out as matched stores: they ran their own promotion of these products in the compared days. */
  excludedControls: z.array(z.object({ name: z.string(), promotion: z.string() })),
  version: z.number(),
  /** The planned end when it was ended early (endsOn is then the last day it ran). */
  plannedEndsOn: z.string().nullable(),
  endedBy: z.object({ name: z.string(), at: z.string() }).nullable(),
  /** Who changed what and when, oldest first (creation is not a change). */
  history: z.array(z.object({ by: z.string(), at: z.string(), summary: z.string() })),
  /** The reader may edit and end it (a manager or director reaching all its stores, while it has not ended). */
  mayEdit: z.boolean(),
});
export type PromotionView = z.infer<typeof PromotionSchema>;
