/**
 * The demo's sales data (#21 items 4 and 5): a promotion running at half of
 * one chain's stores in a region (started by the region's manager through the
 * real service), then the POS export of the last weeks — every store ×
 * product × day, the promoted stores selling more of the promoted drinks
 * since it began — imported as a CSV file through the real import (as the
 * admin would upload it), and the clerks' own daily figures entered through
 * the real service on each day, most right, some off by more than the
 * tolerance. So 促销效果 and 数据填报准确率 show on a fresh start; the same
 * seed, the same figures. Part of the retail module (retail.seed.ts).
 */
import type pg from 'pg';
import { loadActiveActor } from '../../auth/actor.js';
import { withTransaction } from '../../db/pool.js';
import { addCalendarDays, shanghaiInstant, weekdayOf } from '../../flow/time.js';
import { recordClerkSales } from '../../retail/entry-accuracy.js';
import { DEMO_PRODUCTS, DEMO_PROMOTION } from '../../retail/demo-retail.data.js';
import { createPromotion } from '../../retail/promotions.js';
import { importSalesFile, SALES_COLUMNS } from '../../retail/sales-import.js';
import { prng } from '../prng.js';
import type { SeedContext, SeedCounts } from '../seed-module.js';

export interface RetailSalesKnobs {
  /** Days of POS history, ending yesterday. */
  days: number;
  /** The last days on which each clerk entered their store's sales. */
  entryDays: number;
  /** Of a clerk's entries, the share that are right (within the tolerance). */
  accurateShare: number;
}

/** A store's usual daily units of the nth catalogue product: stores differ, weekends sell more. */
export function demoUnits(rand: () => number, storeRank: number, productRank: number, day: string): number {
  const base = 4 + ((storeRank * 7 + productRank * 5) % 17);
  const weekend = [0, 6].includes(weekdayOf(day)) ? 1.4 : 1;
  return Math.max(0, Math.round(base * weekend * (0.75 + rand() * 0.5)));
}

/** Half of the chain's stores in the region with the most of them (the lower ids) get the promotion; the rest are its matched stores. */
async function startDemoPromotion(pool: pg.Pool, today: string, now: Date): Promise<{ storeIds: number[]; skus: readonly string[]; startsOn: string } | null> {
  const { rows } = await pool.query(`
    SELECT s.customer_id AS id, m.wecom_userid AS manager FROM retail_stores s JOIN customers c ON c.id = s.customer_id
      JOIN LATERAL (SELECT u.wecom_userid FROM users u WHERE u.department_id = s.region_id AND u.role = 'manager' AND u.active ORDER BY u.id LIMIT 1) m ON true
     WHERE s.chain = $1 AND (s.region_id, s.format) = (SELECT region_id, format FROM retail_stores WHERE chain = $1 GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1)
     ORDER BY s.customer_id`, [DEMO_PROMOTION.chain]);
  if (rows.length < 2) return null;
  const manager = await loadActiveActor(pool, { wecomUserid: rows[0].manager });
  const { rows: products } = await pool.query('SELECT id FROM retail_products WHERE sku = ANY($1) ORDER BY id', [DEMO_PROMOTION.skus]);
  if (!manager || !products.length) return null;
  const storeIds = rows.slice(0, Math.floor(rows.length / 2)).map((r) => Number(r.id));
  const startsOn = addCalendarDays(today, -DEMO_PROMOTION.daysAgo);
  await withTransaction(pool, (tx) => createPromotion(tx, manager, {
    name: DEMO_PROMOTION.name, storeIds, productIds: products.map((p) => Number(p.id)), startsOn,
    endsOn: addCalendarDays(today, DEMO_PROMOTION.daysLeft), cost: DEMO_PROMOTION.cost,
  }, now));
  return { storeIds, skus: DEMO_PROMOTION.skus, startsOn };
}

/** Runs as the last part of the retail module (core/seed/modules/retail.seed.ts), after the stores and clerks exist. */
export async function seedRetailSales(ctx: SeedContext, k: RetailSalesKnobs): Promise<SeedCounts> {
  const { window } = ctx;
  const rand = prng(20261207);
  const { rows: stores } = await ctx.pool.query(`
    SELECT s.customer_id AS id, s.code, (SELECT min(k.user_id) FROM retail_clerks k WHERE k.store_id = s.customer_id) AS clerk_id
      FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE c.owner_id = ANY($1::bigint[]) AND s.code IS NOT NULL ORDER BY s.customer_id`,
    [ctx.scope.repIds]);
  const { rows: products } = await ctx.pool.query('SELECT id, sku FROM retail_products ORDER BY sku');
  const admin = await loadActiveActor(ctx.pool, { wecomUserid: 'admin.lin' });
  if (!k.days || !admin || !stores.length || !products.length) return { retail_sales: 0, retail_clerk_sales: 0 };

  const promo = await startDemoPromotion(ctx.pool, window.today, window.now);
  const price = new Map<string, number>(DEMO_PRODUCTS.map((p) => [p.sku, p.price]));
  const C = SALES_COLUMNS;
  const lines = [[C.storeCode, C.sku, C.day, C.units, C.amount].join(',')];
  const pos = new Map<string, number>();
  for (let d = k.days; d >= 1; d--) {
    const day = addCalendarDays(window.today, -d);
    stores.forEach((s, si) => products.forEach((p, pi) => {
      const usual = demoUnits(rand, si, pi, day);
      const promoted = promo && day >= promo.startsOn && promo.storeIds.includes(Number(s.id)) && promo.skus.includes(p.sku);
      const units = promoted ? Math.round(usual * DEMO_PROMOTION.lift) : usual;
      pos.set(`${s.id}:${p.id}:${day}`, units);
      lines.push([s.code, p.sku, day, units, (units * (price.get(p.sku) ?? 5)).toFixed(2)].join(','));
    }));
  }
  const file = Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  const imported = await withTransaction(ctx.pool, (tx) =>
    importSalesFile(tx, admin, file, { fileName: 'POS销量导出.csv', mode: 'all' }, window.now));

  // each clerk enters two products a day, in the evening of that day
  let entries = 0;
  for (const s of stores) {
    const clerk = s.clerk_id === null ? null : await loadActiveActor(ctx.pool, { id: Number(s.clerk_id) });
    if (!clerk) continue;
    for (let d = k.entryDays; d >= 1; d--) {
      const day = addCalendarDays(window.today, -d);
      for (const p of products.slice(0, 2)) {
        const truth = pos.get(`${s.id}:${p.id}:${day}`) ?? 0;
        const units = rand() < k.accurateShare ? truth : Math.max(0, Math.round(truth * (rand() < 0.5 ? 0.5 : 1.6)) + 2);
        await recordClerkSales(ctx.pool, clerk, { productId: Number(p.id), day, units }, 'entry', shanghaiInstant(day, 21));
        entries++;
      }
    }
  }
  return { retail_sales: imported.inserted, retail_clerk_sales: entries };
}
