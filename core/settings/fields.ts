/**
 * The fields settings' schemas are made of, where one shape repeats: a bounded
 * number, refused outside its range with the range in its unit ('应在0–31天之间'),
 * titled for the generated form — so the bounds are written once, not once in
 * the check and again in each message.
 *
 *   backfillDays: wholeBetween(0, 31, { title: '可补交最近', unit: '天', description: '0 表示只能交当天的日报' }),
 */
import { z } from 'zod';

/** What the generated form shows for the field (see README: `.meta`). */
export type FieldMeta = { title: string; unit: string; description?: string; decimals?: number };

export const wholeBetween = (min: number, max: number, meta: FieldMeta) => bounded(z.number().int(), min, max, meta);
export const numberBetween = (min: number, max: number, meta: FieldMeta) => bounded(z.number(), min, max, meta);

function bounded(n: z.ZodNumber, min: number, max: number, meta: FieldMeta): z.ZodNumber {
  const message = `应在${min}–${max}${meta.unit}之间`;
  return n.min(min, message).max(max, message).meta(meta);
}
