/**
 * Each member's share of heavy operations (exports, server-rendered images;
 * imports and OCR as they arrive): how many a minute and how many at once,
 * as a setting admins edit. Past it the member gets 429 with the wait; nobody
 * else is slowed (core/heavy/fair-use.ts).
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';

export const FairUseLimitsSchema = z.strictObject({
  perMinute: wholeBetween(1, 1000, { title: '每人每分钟最多', unit: '次' }),
  atOnce: wholeBetween(1, 16, { title: '每人同时最多', unit: '个' }),
});
export type FairUseLimits = z.output<typeof FairUseLimitsSchema>;

export const heavyFairUse = defineSetting({
  key: 'heavy.fair-use',
  topic: 'security',
  label: '耗时操作限额',
  help: '导出 Excel/CSV、生成热力图图片等耗时操作，每人每分钟最多几次、同时最多几个。超出时提示稍后再试，其他人不受影响。',
  schema: FairUseLimitsSchema,
  default: { perMinute: 20, atOnce: 2 },
});
