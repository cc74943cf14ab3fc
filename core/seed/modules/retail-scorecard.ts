/**
 * What the demo's 门店健康度评分卡 counts (#21 item 6), beyond the launches and
 * sales the retail module already made: the last weeks of store patrols (the
 * inspector's weekly round, checklist ticks), clerks' one-tap 缺货 answered
 * by the store's rep through the real services sooner or later, and clerks'
 * daily 会员推荐. Each store has a standing (some run well, some badly), so
 * the ranking shows real spread — some stores 优, some 差 — and the same seed
 * gives the same stores the same scores. Part of the retail module.
 */
import { loadActiveActor } from '../../auth/actor.js';
import { withTransaction } from '../../db/pool.js';
import { addCalendarDays, shanghaiInstant } from '../../flow/time.js';
import { submitVisitReport } from '../../actions/visit-report.js';
import { patrolChecklist } from '../../retail/patrol-checklist.setting.js';
import { reportStockout } from '../../retail/stockouts.js';
import { readSetting } from '../../settings/read.js';
import { prng } from '../prng.js';
import type { SeedContext, SeedCounts } from '../seed-module.js';

export interface RetailScorecardKnobs {
  /** Weeks of patrols, referrals and stock-outs, ending yesterday; 0 writes none. */
  weeks: number;
}

/** A store's standing 0.1–0.95 by its rank: how often it passes, answers in time and converts. */
export const storeStanding = (rank: number) => 0.1 + (((rank * 7) % 10) / 9) * 0.85;

const HOUR = 3_600_000;

export async function seedRetailScorecard(ctx: SeedContext, k: RetailScorecardKnobs): Promise<SeedCounts> {
  if (!k.weeks) return { retail_patrols: 0, retail_stockouts: 0, retail_member_referrals: 0 };
  const { window } = ctx;
  const rand = prng(20261208);
  const { rows: stores } = await ctx.pool.query(`
    SELECT s.customer_id AS id, c.owner_id, (SELECT min(k.user_id) FROM retail_clerks k WHERE k.store_id = s.customer_id) AS clerk_id,
           (SELECT min(r.inspector_id) FROM retail_inspector_stores r WHERE r.store_id = s.customer_id) AS inspector_id
      FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE c.owner_id = ANY($1::bigint[]) ORDER BY s.customer_id`, [ctx.scope.repIds]);
  const { checklists } = await readSetting(ctx.pool, patrolChecklist);
  const checklist = checklists[0]!.items;
  const { rows: products } = await ctx.pool.query('SELECT id FROM retail_products ORDER BY sku');
  // an inspector whose patrols the demo already made through the real service (retail-patrols.ts) keeps that history alone
  const patrolled = new Set((await ctx.pool.query('SELECT DISTINCT inspector_id FROM retail_patrols')).rows.map((r) => Number(r.inspector_id)));
  const rounds = (s: { inspector_id: string | null }) => s.inspector_id !== null && !patrolled.has(Number(s.inspector_id));

  const patrols: unknown[] = [];
  const referrals: unknown[] = [];
  const d = { publicUrl: ctx.system?.config.publicUrl ?? 'http://localhost' };
  let stockouts = 0;
  for (const [rank, s] of stores.entries()) {
    const q = storeStanding(rank);
    // the inspector's weekly round: a weak store is skipped some weeks and its checklist passes less
    if (rounds(s)) {
      for (let w = 0; w < k.weeks; w++) {
        const day = addCalendarDays(window.today, -(2 + (rank % 3) + 7 * w));
        if (rand() > 0.35 + q) continue;
        const finished = new Date(shanghaiInstant(day, 10).getTime() + (rank % 5) * HOUR);
        const perfunctory = q < 0.3 && rand() < 0.3;
        const ticks = Object.fromEntries(checklist.map((i) => {
          const passed = rand() < 0.25 + 0.75 * q;
          return [i.key, { passed, note: passed ? null : '巡店发现问题', attachmentId: null, at: finished.toISOString() }];
        }));
        const failed = Object.values(ticks).filter((t) => !t.passed).length;
        patrols.push({
          store_id: s.id, inspector_id: s.inspector_id, started_at: new Date(finished.getTime() - (perfunctory ? 1 : 14) * 60_000), finished_at: finished,
          checklist, ticks, score: Math.round((100 * (checklist.length - failed)) / checklist.length), perfunctory,
          reasons: perfunctory ? [{ code: 'too_fast', message: '整张检查表1分钟内勾完' }] : [],
        });
      }
    }
    // 会员推荐 most days: a strong store converts about a third, a weak one a tenth
    for (let day = 1; day <= 7 * k.weeks; day++) {
      if (s.clerk_id === null || rand() < 0.2) continue;
      const recommended = 3 + Math.floor(rand() * 8);
      const joined = Math.min(recommended, Math.round(recommended * (0.05 + 0.35 * q * (0.6 + rand() * 0.8))));
      const date = addCalendarDays(window.today, -day);
      referrals.push({ store_id: s.id, day: date, recommended, joined, clerk_id: s.clerk_id, reported_at: shanghaiInstant(date, 21) });
    }
    // two stock-outs a fortnight, each answered by the rep: a strong store's within hours, a weak one's days later or not yet
    const clerk = s.clerk_id === null ? null : await loadActiveActor(ctx.pool, { id: Number(s.clerk_id) });
    const rep = await loadActiveActor(ctx.pool, { id: Number(s.owner_id) });
    if (!clerk || !rep) continue;
    for (let n = 0; n < k.weeks; n++) {
      const reportedAt = new Date(shanghaiInstant(addCalendarDays(window.today, -(3 + 7 * n)), 9).getTime() + (rank % 8) * HOUR);
      const product = products[(rank + n) % products.length]!;
      const report = await withTransaction(ctx.pool, (tx) => reportStockout(tx, clerk, Number(product.id), { ...d, now: reportedAt }));
      stockouts++;
      if (report.repeated || rand() > 0.4 + q) continue;
      const answeredAt = new Date(reportedAt.getTime() + (q > 0.6 ? 1 + rand() * 8 : 10 + rand() * 50) * HOUR);
      if (answeredAt > window.now) continue;
      await submitVisitReport(ctx.pool, rep, report.actionId, {
        fields: { restockAt: new Date(answeredAt.getTime() + 24 * HOUR).toISOString() }, attachmentIds: [], linkedOrderIds: [],
      }, { ...d, now: answeredAt });
    }
  }
  // the plan and the clerks date from when the history begins, not from the seeding
  const ids = stores.map((s) => Number(s.id));
  await ctx.pool.query(`UPDATE retail_inspector_stores SET created_at = $2 WHERE store_id = ANY($1::bigint[])`,
    [stores.filter(rounds).map((s) => Number(s.id)), shanghaiInstant(addCalendarDays(window.today, -7 * k.weeks), 9)]);
  await ctx.pool.query(`UPDATE retail_clerks k SET created_at = least(k.created_at, (SELECT min(s.reported_at) FROM retail_clerk_sales s WHERE s.clerk_id = k.user_id))
    WHERE k.store_id = ANY($1::bigint[])`, [ids]);
  // a weak store's clerk often enters the day's sales two days late (数据填报及时率)
  const late = stores.filter((_, rank) => storeStanding(rank) < 0.5).map((s) => Number(s.id));
  await ctx.pool.query(`UPDATE retail_clerk_sales SET reported_at = reported_at + interval '2 days'
    WHERE store_id = ANY($1::bigint[]) AND abs(hashtext(store_id::text || day::text)) % 3 = 0`, [late]);
  const p = await ctx.pool.query(`
    INSERT INTO retail_patrols (store_id, inspector_id, started_at, finished_at, checklist, ticks, score, perfunctory, perfunctory_reasons)
    SELECT x.store_id, x.inspector_id, x.started_at, x.finished_at, x.checklist, x.ticks, x.score, x.perfunctory, x.reasons
      FROM jsonb_to_recordset($1::jsonb) AS x(store_id bigint, inspector_id bigint, started_at timestamptz, finished_at timestamptz,
                                              checklist jsonb, ticks jsonb, score int, perfunctory boolean, reasons jsonb)`, [JSON.stringify(patrols)]);
  const r = await ctx.pool.query(`
    INSERT INTO retail_member_referrals (store_id, day, recommended, joined, clerk_id, reported_at)
    SELECT x.store_id, x.day, x.recommended, x.joined, x.clerk_id, x.reported_at
      FROM jsonb_to_recordset($1::jsonb) AS x(store_id bigint, day date, recommended int, joined int, clerk_id bigint, reported_at timestamptz)
    ON CONFLICT DO NOTHING`, [JSON.stringify(referrals)]);
  return { retail_patrols: p.rowCount ?? 0, retail_stockouts: stockouts, retail_member_referrals: r.rowCount ?? 0 };
}
