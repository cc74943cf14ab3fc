/**
 * The demo's patrol history (#21 item 3): the first inspector has patrolled
 * some of their stores in the last days through the real service — photos
 * uploaded (each a picture of its own, stamped by the inspector's phone),
 * the checklist ticked item by item, finished — so 巡店 shows history, a
 * score, 门店整改 raised from a failed item and one patrol flagged 走过场 by
 * the product's own checks (the whole checklist ticked within a minute, one
 * photo used for two items). The stores left are today's route. Part of the
 * retail module (retail.seed.ts); the same seed, the same patrols.
 */
import { loadActiveActor } from '../../auth/actor.js';
import { addCalendarDays, shanghaiInstant } from '../../flow/time.js';
import { finishPatrol, startPatrol, tickPatrolItem } from '../../retail/patrols.js';
import { uploadScenePhoto } from '../evidence/scene-photo.js';
import type { SeedContext, SeedCounts } from '../seed-module.js';

export interface RetailPatrolKnobs {
  /** Which inspector's history (their login); null writes none. */
  inspectorLogin: string | null;
}

interface PatrolPlan {
  daysAgo: number;
  /** Minutes between two items' ticks: a real patrol takes minutes per item. */
  minutesPerItem: number;
  /** Items found wanting, each with what was seen. */
  failed: Record<string, string>;
  /** Reuse the first item's photo for the second (what a hurried inspector does). */
  reusePhoto: boolean;
}

/** Oldest first; each on one of the inspector's stores, nearest the route's start first. */
const PLANS: PatrolPlan[] = [
  { daysAgo: 9, minutesPerItem: 4, failed: {}, reusePhoto: false },
  { daysAgo: 5, minutesPerItem: 3, failed: { price_tags: '两个价签与系统价不符' }, reusePhoto: false },
  { daysAgo: 2, minutesPerItem: 0.2, failed: {}, reusePhoto: true },
  { daysAgo: 1, minutesPerItem: 5, failed: { promotion: '促销海报未张贴' }, reusePhoto: false },
];

export async function seedRetailPatrols(ctx: SeedContext, k: RetailPatrolKnobs): Promise<SeedCounts> {
  if (!k.inspectorLogin || !ctx.storage || !ctx.system) return {};
  const inspector = await loadActiveActor(ctx.pool, { wecomUserid: k.inspectorLogin });
  if (!inspector) return {};
  const { rows: stores } = await ctx.pool.query(
    `SELECT r.store_id AS id FROM retail_inspector_stores r JOIN customers c ON c.id = r.store_id
      WHERE r.inspector_id = $1 AND NOT EXISTS (SELECT 1 FROM retail_patrols p WHERE p.store_id = r.store_id)
      ORDER BY c.id LIMIT $2`, [inspector.id, PLANS.length]);
  const publicUrl = ctx.system.config.publicUrl;
  const photo = (storeId: number, seed: number, at: Date) =>
    uploadScenePhoto(ctx, inspector, { seed, at, uniqueId: `PATROL${storeId}:${seed}`, tags: ['巡店'] });
  let patrols = 0;
  let flagged = 0;
  for (const [n, s] of stores.entries()) {
    const plan = PLANS[n]!;
    const storeId = Number(s.id);
    let at = shanghaiInstant(addCalendarDays(ctx.window.today, -plan.daysAgo), 10, 5 + n * 7);
    const started = await startPatrol(ctx.pool, inspector, storeId, at);
    let first: number | null = null;
    for (const [i, item] of started.items.entries()) {
      at = new Date(at.getTime() + plan.minutesPerItem * 60_000);
      const attachmentId: number = plan.reusePhoto && i === 1 && first !== null ? first : await photo(storeId, ctx.seed * 1_000 + storeId * 20 + i, at);
      first ??= attachmentId;
      const note = plan.failed[item.key];
      await tickPatrolItem(ctx.pool, inspector, started.id, item.key, { passed: note === undefined, ...(note ? { note } : {}), attachmentId }, at);
    }
    const done = await finishPatrol(ctx.pool, inspector, started.id, { now: new Date(at.getTime() + 30_000), publicUrl });
    patrols++;
    if (done.perfunctory) flagged++;
  }
  return { inspector_patrols: patrols, inspector_patrols_perfunctory: flagged };
}
