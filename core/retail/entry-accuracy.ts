/**
 * 数据填报准确率: the figures store clerks report themselves (新品上架 ③'s
 * first-day sales, and their daily 录入销量) against what the POS says for the
 * same store, product and day (imported, core/retail/sales-import.ts). A
 * report counts as accurate when it is within the setting's tolerance of the
 * imported figure (the wider of a share and a number of units); a report
 * with no imported figure yet is waiting, not wrong. Per store and per clerk,
 * with the reports that missed, for the inspector and the manager.
 *
 *   await recordClerkSales(db, clerk, { productId, day: '2026-12-06', units: 14 }, 'entry', now);
 *   const view = await entryAccuracy(db, manager, { from: '2026-11-07', to: '2026-12-07' });
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { readSetting } from '../settings/read.js';
import { salesData } from './sales-data.setting.js';
import type { ClerkSalesEntry } from './sales-schemas.js';
import { storeScopeSql } from './store-scope.js';

/** A store's day of one product above the setting's limit is a typing slip: refused with `message(limit)`. */
export async function assertPlausibleUnits(db: Db, units: number, path: string, message: (max: number) => string): Promise<void> {
  const { maxUnitsPerDay } = await readSetting(db, salesData);
  if (units > maxUnitsPerDay) throw new AppError('VALIDATION_FAILED', [{ path, message: message(maxUnitsPerDay) }]);
}

/** A clerk's own figure for their store; the latest report of a day replaces the earlier one. */
export async function recordClerkSales(db: Db, actor: Actor, entry: ClerkSalesEntry, source: 'launch' | 'entry', now: Date): Promise<{ day: string; units: number; productName: string }> {
  if (actor.role !== 'clerk') throw new AppError('FORBIDDEN', { reason: 'clerks enter store sales' }, '销量由门店店员填报');
  const { rows: [k] } = await db.query('SELECT store_id FROM retail_clerks WHERE user_id = $1', [actor.id]);
  if (!k) throw new AppError('STORE_NOT_FOUND', { userId: actor.id }, '你还没有绑定门店');
  const { rows: [p] } = await db.query('SELECT id, name FROM retail_products WHERE id = $1', [entry.productId]);
  if (!p) throw new AppError('PRODUCT_NOT_FOUND', { productId: entry.productId });
  const { entryBackDays } = await readSetting(db, salesData);
  const today = shanghaiDate(now);
  if (source === 'entry' && (entry.day > today || entry.day < addCalendarDays(today, -entryBackDays))) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'day', message: entryBackDays ? `只能填报今天和之前${entryBackDays}天的销量` : '只能填报今天的销量' }]);
  }
  await assertPlausibleUnits(db, entry.units, 'units', (max) => `单品一天超过${max}件，不合常理，请核对后再填`);
  await db.query(
    `INSERT INTO retail_clerk_sales (store_id, product_id, day, units, clerk_id, source, reported_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (store_id, product_id, day) DO UPDATE SET units = EXCLUDED.units, clerk_id = EXCLUDED.clerk_id,
       source = EXCLUDED.source, reported_at = EXCLUDED.reported_at`,
    [k.store_id, entry.productId, entry.day, entry.units, actor.id, source, now]);
  return { day: entry.day, units: entry.units, productName: p.name };
}

/** A clerk's figure (the expression `clerk`) within the tolerance of the imported one (`pos`): the wider of a share and a number of units. */
export function accurateEntrySql(sql: Sql, clerk: string, pos: string, tolerance: { percent: number; units: number }): string {
  return `abs(${clerk} - ${pos}) <= greatest(${sql.param(tolerance.units)}, ${pos} * ${sql.param(tolerance.percent)} / 100.0)`;
}

export interface AccuracyCounts { reported: number; matched: number; accurate: number; rate: number | null }
export interface EntryAccuracyView {
  from: string; to: string;
  tolerance: { percent: number; units: number };
  method: string;
  overall: AccuracyCounts;
  stores: Array<AccuracyCounts & { id: number; name: string; chain: string }>;
  clerks: Array<AccuracyCounts & { id: number; name: string; storeName: string }>;
  misses: Array<{ storeName: string; clerkName: string; productName: string; day: string; reported: number; imported: number; source: 'launch' | 'entry' }>;
}

const counts = (r: any): AccuracyCounts => ({
  reported: r.reported, matched: r.matched, accurate: r.accurate, rate: r.matched ? Math.round((r.accurate / r.matched) * 1000) / 10 : null,
});

export async function entryAccuracy(db: Db, actor: Actor, q: { from?: string; to?: string }, now: Date): Promise<EntryAccuracyView> {
  assertCan(actor, 'retail', 'read');
  if (actor.role === 'clerk') throw new AppError('FORBIDDEN', { reason: 'accuracy is read by inspectors and managers' }, '填报准确率由巡店督导和主管查看');
  const to = q.to ?? shanghaiDate(now);
  const from = q.from ?? addCalendarDays(to, -29);
  const { tolerancePercent, toleranceUnits } = await readSetting(db, salesData);
  const sql = new Sql();
  const base = `
    SELECT k.store_id, k.clerk_id, k.product_id, k.day, k.units AS reported, k.source, r.units AS imported,
           (r.units IS NOT NULL AND ${accurateEntrySql(sql, 'k.units', 'r.units', { percent: tolerancePercent, units: toleranceUnits })}) AS accurate
      FROM retail_clerk_sales k JOIN retail_stores s ON s.customer_id = k.store_id JOIN customers c ON c.id = s.customer_id
      LEFT JOIN retail_sales r ON r.store_id = k.store_id AND r.product_id = k.product_id AND r.day = k.day
     WHERE k.day BETWEEN ${sql.param(from)} AND ${sql.param(to)} AND ${storeScopeSql(actor, sql)}`;
  const agg = `count(*)::int AS reported, count(b.imported)::int AS matched, count(*) FILTER (WHERE b.accurate)::int AS accurate`;
  const { rows } = await db.query(sql.unprepared(`
    WITH b AS (${base})
    SELECT 'store' AS kind, b.store_id AS id, c.name, s.chain, NULL AS store_name, ${agg}
      FROM b JOIN customers c ON c.id = b.store_id JOIN retail_stores s ON s.customer_id = b.store_id GROUP BY b.store_id, c.name, s.chain
    UNION ALL
    SELECT 'clerk', b.clerk_id, u.name, NULL, string_agg(DISTINCT c.name, '、'), ${agg}
      FROM b JOIN users u ON u.id = b.clerk_id JOIN customers c ON c.id = b.store_id GROUP BY b.clerk_id, u.name
    UNION ALL
    SELECT 'all', 0, NULL, NULL, NULL, ${agg} FROM b`));
  const { rows: misses } = await db.query(sql.unprepared(`
    WITH b AS (${base})
    SELECT c.name AS store_name, u.name AS clerk_name, p.name AS product_name, b.day::text AS day, b.reported, b.imported, b.source
      FROM b JOIN customers c ON c.id = b.store_id JOIN users u ON u.id = b.clerk_id JOIN retail_products p ON p.id = b.product_id
     WHERE b.imported IS NOT NULL AND NOT b.accurate ORDER BY b.day DESC, c.name LIMIT 50`));
  // worst first: the manager goes straight to the stores and clerks that need a word
  const worst = (a: AccuracyCounts, b: AccuracyCounts) => (a.rate ?? 101) - (b.rate ?? 101);
  return {
    from, to, tolerance: { percent: tolerancePercent, units: toleranceUnits },
    method: `店员填报的销量（新品上架③首日销量、每日录入销量）与 POS 导入的同一门店、同一商品、同一天的销量比对；相差不超过导入销量的${tolerancePercent}%或${toleranceUnits}件（取较宽者）算准确。准确率 = 准确条数 ÷ 已有导入数据可比对的条数；还没有导入数据的填报不计入。`,
    overall: counts(rows.find((r) => r.kind === 'all') ?? { reported: 0, matched: 0, accurate: 0 }),
    stores: rows.filter((r) => r.kind === 'store').map((r) => ({ id: Number(r.id), name: r.name, chain: r.chain, ...counts(r) })).sort(worst),
    clerks: rows.filter((r) => r.kind === 'clerk').map((r) => ({ id: Number(r.id), name: r.name, storeName: r.store_name, ...counts(r) })).sort(worst),
    misses: misses.map((m) => ({ storeName: m.store_name, clerkName: m.clerk_name, productName: m.product_name, day: m.day, reported: m.reported, imported: m.imported, source: m.source })),
  };
}
