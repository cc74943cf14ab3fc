/** The HTTP shapes of promotions (core/retail/promotions.ts), shared by the API and the H5 app. */
import { z } from 'zod';
import { Id, Money } from '../resources/schemas.js';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 年-月-日')
  .refine((d) => { const t = Date.parse(`${d}T00:00:00Z`); return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d); }, '日期不存在，请核对');

export const CreatePromotionSchema = z.strictObject({
  name: z.string().trim().min(1, '请填写促销名称').max(100, '名称不能超过100个字符'),
  storeIds: z.array(Id).min(1, '请至少选择一家门店').max(2000, '一次最多2000家门店'),
  productIds: z.array(Id).min(1, '请至少选择一个商品').max(200, '最多200个商品'),
  startsOn: Day,
  endsOn: Day,
  cost: Money.refine((v) => v > 0, '促销费用应大于0'),
}).refine((p) => p.endsOn >= p.startsOn, { message: '结束日期不能早于开始日期', path: ['endsOn'] });
export type CreatePromotionInput = z.output<typeof CreatePromotionSchema>;

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
});
export type PromotionView = z.infer<typeof PromotionSchema>;
