/**
 * The packs a deal's page offers: those pushed for it (with why), then the
 * published packs aimed at its customer's type or its stage (every target
 * the pack sets must fit; a pack aimed at nobody in particular is not offered
 * on every deal).
 *
 *   const { items } = await packsForDeal(db, rep, 12);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { opportunityRowOrThrow } from '../resources/opportunities.js';

export const DealPacksSchema = z.object({
  items: z.array(z.object({
    id: z.number(), title: z.string(), summary: z.string(),
    /** Why it was pushed to the owner (null: offered for the customer type or stage). */
    pushedFor: z.string().nullable(),
    pushedAt: z.string().nullable(),
  })),
});

export async function packsForDeal(db: Db, actor: Actor, opportunityId: number): Promise<z.infer<typeof DealPacksSchema>> {
  const o = await opportunityRowOrThrow(db, actor, opportunityId);
  const { rows } = await db.query(`
    SELECT p.id, p.title, p.summary, s.reason, s.pushed_at
      FROM talk_track_packs p
      JOIN customers c ON c.id = $2
      LEFT JOIN talk_track_pushes s ON s.pack_id = p.id AND s.opportunity_id = $1
     WHERE p.published AND (s.id IS NOT NULL OR (
           (cardinality(p.customer_types) > 0 OR cardinality(p.stage_codes) > 0)
       AND (cardinality(p.customer_types) = 0 OR c.type = ANY(p.customer_types))
       AND (cardinality(p.stage_codes) = 0 OR $3 = ANY(p.stage_codes))))
     ORDER BY s.pushed_at DESC NULLS LAST, p.title LIMIT 10`, [opportunityId, o.customer_id, o.stage_code]);
  return {
    items: rows.map((r) => ({
      id: Number(r.id), title: r.title, summary: r.summary, pushedFor: r.reason ?? null, pushedAt: r.pushed_at?.toISOString() ?? null,
    })),
  };
}
