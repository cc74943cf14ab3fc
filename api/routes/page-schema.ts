import { z, type ZodType } from 'zod';

/** The OpenAPI shape of a cursor page of `item`. */
export function pageOf(item: ZodType) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable(), total: z.number() });
}
