/**
 * An earlier 新品上架 the demo's stores have worked through (#21 item 2): a
 * product launched some working days ago at several stores, each store's
 * clerk filing the four steps through the real service — a well-run store
 * within each deadline, a weak one late, the weakest stuck at a step — so the
 * 新品上架看板 shows the launch's stores at every step, an on-time rate that
 * differs by region, and overdue steps the overdue-escalation job (run by the
 * demo afterwards) escalates to the manager. Part of the retail module; the
 * same seed, the same history.
 */
import { loadActiveActor } from '../../auth/actor.js';
import { shanghaiInstant } from '../../flow/time.js';
import { PANORAMA_TAG } from '../../flow/launch-steps.js';
import { createLaunch, submitLaunchStep, type LaunchStepInput } from '../../retail/launches.js';
import { uploadScenePhoto } from '../evidence/scene-photo.js';
import { prng } from '../prng.js';
import type { SeedContext, SeedCounts } from '../seed-module.js';
import { storeStanding } from './retail-scorecard.js';

export interface RetailLaunchHistoryKnobs {
  /** The product launched (its SKU); null writes none. */
  sku: string | null;
  /** How many working days before today it was launched. */
  workingDaysAgo: number;
  /** At how many stores (lowest ids first). */
  stores: number;
}

const MINUTE = 60_000;
const ENQUIRIES = [{ question: '有没有大包装', count: 3 }, { question: '是不是新口味', count: 2 }];

export async function seedRetailLaunchHistory(ctx: SeedContext, k: RetailLaunchHistoryKnobs): Promise<SeedCounts> {
  if (!k.sku || !k.stores || !ctx.storage) return {};
  const { window } = ctx;
  const rand = prng(20261210);
  const publicUrl = ctx.system?.config.publicUrl ?? 'http://localhost';
  const launchDay = window.days[Math.max(0, window.days.length - 1 - k.workingDaysAgo)]!;
  const { rows: stores } = await ctx.pool.query(`
    SELECT s.customer_id AS id, c.owner_id, p.id AS product_id, p.barcode,
           (SELECT min(k.user_id) FROM retail_clerks k WHERE k.store_id = s.customer_id) AS clerk_id,
           (SELECT sp.code FROM retail_shelf_positions sp WHERE sp.store_id = s.customer_id ORDER BY sp.code OFFSET 1 LIMIT 1) AS shelf_code
      FROM retail_stores s JOIN customers c ON c.id = s.customer_id JOIN retail_products p ON p.sku = $2
     WHERE c.owner_id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM retail_launches l WHERE l.store_id = s.customer_id AND l.product_id = p.id)
     ORDER BY s.customer_id`, [ctx.scope.repIds, k.sku]);
  let launches = 0;
  let steps = 0;
  let late = 0;
  for (const [rank, s] of stores.entries()) {
    if (launches >= k.stores) break;
    const rep = await loadActiveActor(ctx.pool, { id: Number(s.owner_id) });
    const clerk = s.clerk_id === null ? null : await loadActiveActor(ctx.pool, { id: Number(s.clerk_id) });
    if (!rep || !clerk) continue;
    const standing = storeStanding(rank);
    const launch = await createLaunch(ctx.pool, rep, { storeId: Number(s.id), productId: Number(s.product_id), launchDate: launchDay },
      { now: shanghaiInstant(launchDay, 8, rank % 50), publicUrl });
    launches++;
    // the weakest stores stop at a step: what is left is overdue, for the escalation job
    const stopsAt = standing < 0.25 ? 1 + (rank % 3) : 4;
    let at = shanghaiInstant(launchDay, 9, 30 + (rank % 20));
    for (const step of launch.steps.slice(0, stopsAt)) {
      const due = new Date(step.dueAt!);
      const onTime = rand() < 0.35 + standing;
      const next = onTime
        ? new Date(Math.min(at.getTime() + (30 + rand() * 300) * MINUTE, due.getTime() - 60 * MINUTE))
        : new Date(due.getTime() + (240 + rand() * 2_400) * MINUTE);
      at = new Date(Math.max(next.getTime(), at.getTime() + 10 * MINUTE));
      if (at > window.now) break;
      const input = await stepInput(ctx, step.key, s, clerk, at, rank);
      const r = await submitLaunchStep(ctx.pool, clerk, launch.id, input, { now: at, publicUrl });
      if (!r.result.ok) break;
      steps++;
      if (at > due) late++;
    }
  }
  return { launch_history_stores: launches, launch_history_steps: steps, launch_history_steps_late: late };
}

async function stepInput(
  ctx: SeedContext, key: string, s: { id: string; barcode: string; shelf_code: string }, clerk: NonNullable<Awaited<ReturnType<typeof loadActiveActor>>>, at: Date, rank: number,
): Promise<LaunchStepInput> {
  switch (key) {
    case 'bind': return { step: 'bind', shelfCode: s.shelf_code, barcode: s.barcode };
    case 'display': {
      const photo = await uploadScenePhoto(ctx, clerk, { seed: ctx.seed * 9_000 + Number(s.id), at: new Date(at.getTime() - 5 * MINUTE), uniqueId: `LAUNCH${s.id}`, tags: [PANORAMA_TAG] });
      return { step: 'display', attachmentIds: [photo] };
    }
    case 'first_day_sales': return { step: 'first_day_sales', firstDaySales: 4 + (rank * 7) % 23 };
    default: return { step: 'enquiries', enquiries: ENQUIRIES };
  }
}
