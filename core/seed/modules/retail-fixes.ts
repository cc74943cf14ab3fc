/**
 * The demo's 门店整改 history (#21): the weeks before today, each store's
 * failed patrol items and one weak scorecard metric became 整改 actions
 * through the real services (raiseStoreFixes as the patrol's inspector, the
 * scorecard's one-tap action as the region's manager), and the store's clerk
 * put them right with an after-photo — a well-run store within its deadline,
 * a weak one days late or not yet. What is still open past its deadline is
 * left to the overdue-escalation job the demo runs afterwards (detections),
 * which marks it overdue and escalates it to the manager: so 整改及时率 on the
 * 门店健康度评分卡 and 事项按时完成率 on the dashboards show real spread. Part of
 * the retail module, after the scorecard's patrols; the same seed, the same
 * history.
 */
import { loadActiveActor, type Actor } from '../../auth/actor.js';
import { submitVisitReport } from '../../actions/visit-report.js';
import { addCalendarDays, shanghaiDate } from '../../flow/time.js';
import { FIX_PHOTO_TAG } from '../../flow/retail-actions.js';
import { createScorecardAction } from '../../retail/scorecard.js';
import { raiseStoreFixes } from '../../retail/store-fixes.js';
import { storeScorecard } from '../../retail/scorecard.js';
import { uploadScenePhoto } from '../evidence/scene-photo.js';
import { prng } from '../prng.js';
import type { SeedContext, SeedCounts } from '../seed-module.js';
import { storeStanding } from './retail-scorecard.js';

export interface RetailFixKnobs {
  /** Weeks of 整改 history, ending today; 0 writes none. */
  weeks: number;
}

const HOUR = 3_600_000;
/** A store's latest patrols with a failed item that each leave one 整改 behind. */
const PATROL_FIXES_PER_STORE = 3;

interface Fix { actionId: number; storeId: number; clerk: Actor; raisedAt: Date; dueAt: Date; standing: number }

export async function seedRetailFixes(ctx: SeedContext, k: RetailFixKnobs): Promise<SeedCounts> {
  if (!k.weeks || !ctx.storage) return {};
  const { window } = ctx;
  const rand = prng(20261209);
  const publicUrl = ctx.system?.config.publicUrl ?? 'http://localhost';
  const since = addCalendarDays(window.today, -7 * k.weeks);
  const { rows: stores } = await ctx.pool.query(`
    SELECT s.customer_id AS id, c.department_id,
           (SELECT min(k.user_id) FROM retail_clerks k JOIN users u ON u.id = k.user_id AND u.active WHERE k.store_id = s.customer_id) AS clerk_id,
           (SELECT min(m.id) FROM users m WHERE m.department_id = c.department_id AND m.role = 'manager' AND m.active) AS manager_id
      FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE c.owner_id = ANY($1::bigint[]) ORDER BY s.customer_id`, [ctx.scope.repIds]);
  const fixes: Fix[] = [];
  const fromPatrols = { n: 0 };
  const fromScorecard = { n: 0 };
  for (const [rank, s] of stores.entries()) {
    const clerk = s.clerk_id === null ? null : await loadActiveActor(ctx.pool, { id: Number(s.clerk_id) });
    if (!clerk) continue;
    const standing = storeStanding(rank);
    const storeId = Number(s.id);
    // the inspector's findings: the store's latest patrols with a failed item, each its first failed item, raised at the patrol's end
    const { rows: patrols } = await ctx.pool.query(`
      SELECT p.id, p.inspector_id, p.finished_at,
             (SELECT i->>'label' FROM jsonb_array_elements(p.checklist) i WHERE (p.ticks->(i->>'key')->>'passed') = 'false' LIMIT 1) AS label,
             (SELECT p.ticks->(i->>'key')->>'note' FROM jsonb_array_elements(p.checklist) i WHERE (p.ticks->(i->>'key')->>'passed') = 'false' LIMIT 1) AS note
        FROM retail_patrols p
       WHERE p.store_id = $1 AND p.finished_at >= $2 AND NOT p.perfunctory AND cardinality(p.fix_action_ids) = 0
         AND EXISTS (SELECT 1 FROM jsonb_each(p.ticks) t WHERE (t.value->>'passed') = 'false')
       ORDER BY p.finished_at DESC LIMIT $3`, [storeId, since, PATROL_FIXES_PER_STORE]);
    for (const p of patrols) {
      const inspector = await loadActiveActor(ctx.pool, { id: Number(p.inspector_id) });
      if (!inspector) continue;
      const raisedAt = new Date(p.finished_at);
      const title = `整改：${String(p.label).split('：')[0]}（${p.note ?? '巡店不合格'}）`;
      const [actionId] = await raiseStoreFixes(ctx.pool, inspector, storeId, [title], { now: raisedAt, publicUrl });
      await ctx.pool.query('UPDATE retail_patrols SET fix_action_ids = ARRAY[$2::bigint] WHERE id = $1', [p.id, actionId]);
      fixes.push(await fixOf(ctx, actionId!, storeId, clerk, raisedAt, standing));
      fromPatrols.n++;
    }
    // the manager's one tap on the weakest item of a past week's card, at the stores that are not running well
    if (standing >= 0.6) continue;
    const manager = s.manager_id === null ? null : await loadActiveActor(ctx.pool, { id: Number(s.manager_id) });
    if (!manager) continue;
    const raisedAt = new Date(window.now.getTime() - (3 + (rank % 4) * 4) * 24 * HOUR);
    const week = addCalendarDays(shanghaiDate(raisedAt), -7);
    const card = await storeScorecard(ctx.pool, manager, storeId, { period: 'week', start: week }, raisedAt);
    const weakest = card.suggestions[0];
    if (!weakest) continue;
    const made = await createScorecardAction(ctx.pool, manager, storeId, { period: 'week', start: week, metric: weakest.code }, { now: raisedAt, publicUrl });
    if (made.repeated) continue;
    fixes.push(await fixOf(ctx, made.actionId, storeId, clerk, raisedAt, standing));
    fromScorecard.n++;
  }
  let onTime = 0;
  let late = 0;
  for (const f of fixes.sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime())) {
    // a well-run store puts it right the same or the next day; a weak one days after the deadline, or has not yet
    const r = rand();
    const doneAt = r < f.standing
      ? new Date(Math.min(f.raisedAt.getTime() + (3 + rand() * 20) * HOUR, f.dueAt.getTime() - HOUR))
      : r < 0.45 + f.standing ? new Date(f.dueAt.getTime() + (20 + rand() * 60) * HOUR) : null;
    if (!doneAt || doneAt > window.now) continue;
    const photoId = await uploadScenePhoto(ctx, f.clerk, {
      seed: ctx.seed * 7_000 + f.actionId, at: doneAt, uniqueId: `FIX${f.storeId}:${f.actionId}`, tags: [FIX_PHOTO_TAG],
    });
    const result = await submitVisitReport(ctx.pool, f.clerk, f.actionId, { fields: {}, attachmentIds: [photoId], linkedOrderIds: [] }, { now: doneAt, publicUrl });
    if (!result.ok) continue;
    if (doneAt <= f.dueAt) onTime++;
    else late++;
  }
  return {
    store_fixes_from_patrols: fromPatrols.n, store_fixes_from_scorecard: fromScorecard.n,
    store_fixes_on_time: onTime, store_fixes_late: late, store_fixes_open: fixes.length - onTime - late,
  };
}

async function fixOf(ctx: SeedContext, actionId: number, storeId: number, clerk: Actor, raisedAt: Date, standing: number): Promise<Fix> {
  const { rows: [a] } = await ctx.pool.query('SELECT due_at FROM actions WHERE id = $1', [actionId]);
  return { actionId, storeId, clerk, raisedAt, dueAt: new Date(a.due_at), standing };
}
