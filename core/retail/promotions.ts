/**
 * Promotions (促销): stores × products over a period, at a cost. Their uplift
 * and ROI are worked out on every read from the imported sales
 * (core/retail/promotion-uplift.ts says how), so they are there from the
 * promotion's first imported day and move with each day's POS data.
 *
 *   const p = await createPromotion(db, manager, { name, storeIds, productIds, startsOn, endsOn, cost }, now);
 *   const view = await getPromotionOrThrow(db, manager, p.id, now);   // view.prePeriod.roi, view.matched.upliftPercent …
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import type { CreatePromotionInput, PromotionView } from './promotion-schemas.js';
import { promotionUplift, UPLIFT_METHOD, type StoreFigures } from './promotion-uplift.js';
import { storeScopeSql } from './store-scope.js';

const STATUS_LABELS = { upcoming: '未开始', running: '进行中', ended: '已结束' } as const;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

function assertMayRun(actor: Actor): void {
  if (!['manager', 'director'].includes(actor.role)) {
    throw new AppError('FORBIDDEN', { resource: 'retail', verb: 'promote' }, '促销由区域主管或销售总监发起');
  }
}

export async function createPromotion(db: Db, actor: Actor, input: CreatePromotionInput, now: Date): Promise<PromotionView> {
  assertMayRun(actor);
  const storeIds = [...new Set(input.storeIds)];
  const productIds = [...new Set(input.productIds)];
  const sql = new Sql();
  const { rows: stores } = await db.query(sql.unprepared(
    `SELECT s.customer_id AS id FROM retail_stores s JOIN customers c ON c.id = s.customer_id
      WHERE s.customer_id = ANY(${sql.param(storeIds)}::bigint[]) AND ${storeScopeSql(actor, sql)}`));
  if (stores.length !== storeIds.length) throw new AppError('STORE_NOT_FOUND', { storeIds: storeIds.filter((id) => !stores.some((s) => Number(s.id) === id)) });
  const { rows: products } = await db.query('SELECT id FROM retail_products WHERE id = ANY($1::bigint[])', [productIds]);
  if (products.length !== productIds.length) throw new AppError('PRODUCT_NOT_FOUND', { productIds });
  const { rows: [p] } = await db.query(
    `INSERT INTO retail_promotions (name, starts_on, ends_on, cost, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
    [input.name, input.startsOn, input.endsOn, input.cost, actor.id, now]);
  await db.query('INSERT INTO retail_promotion_stores (promotion_id, store_id) SELECT $1, unnest($2::bigint[])', [p.id, storeIds]);
  await db.query('INSERT INTO retail_promotion_products (promotion_id, product_id) SELECT $1, unnest($2::bigint[])', [p.id, productIds]);
  return getPromotionOrThrow(db, actor, Number(p.id), now);
}

/** Promotions with a store in the actor's reach, running ones first. */
export async function listPromotions(db: Db, actor: Actor, now: Date): Promise<{ items: PromotionView[] }> {
  if (!['manager', 'director', 'admin', 'rep', 'inspector'].includes(actor.role)) throw new AppError('FORBIDDEN', { resource: 'retail', verb: 'promotions' });
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(
    `SELECT p.id FROM retail_promotions p
      WHERE EXISTS (SELECT 1 FROM retail_promotion_stores ps JOIN retail_stores s ON s.customer_id = ps.store_id JOIN customers c ON c.id = s.customer_id
                     WHERE ps.promotion_id = p.id AND ${storeScopeSql(actor, sql)})
      ORDER BY p.ends_on DESC, p.id DESC LIMIT 50`));
  const items: PromotionView[] = [];
  for (const r of rows) items.push(await getPromotionOrThrow(db, actor, Number(r.id), now));
  const rank = { running: 0, upcoming: 1, ended: 2 } as const;
  return { items: items.sort((a, b) => rank[a.status] - rank[b.status]) };
}

export async function getPromotionOrThrow(db: Db, actor: Actor, id: number, now: Date): Promise<PromotionView> {
  if (!['manager', 'director', 'admin', 'rep', 'inspector'].includes(actor.role)) throw new AppError('FORBIDDEN', { resource: 'retail', verb: 'promotions' });
  const sql = new Sql();
  const { rows: [p] } = await db.query(sql.unprepared(
    `SELECT p.id, p.name, p.starts_on::text AS starts_on, p.ends_on::text AS ends_on, p.cost::float8 AS cost,
            (SELECT jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name) ORDER BY c.name) FROM retail_promotion_stores ps JOIN customers c ON c.id = ps.store_id WHERE ps.promotion_id = p.id) AS stores,
            (SELECT jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name) ORDER BY r.name) FROM retail_promotion_products pp JOIN retail_products r ON r.id = pp.product_id WHERE pp.promotion_id = p.id) AS products
       FROM retail_promotions p
      WHERE p.id = ${sql.param(id)} AND EXISTS (SELECT 1 FROM retail_promotion_stores ps JOIN retail_stores s ON s.customer_id = ps.store_id JOIN customers c ON c.id = s.customer_id
                                                 WHERE ps.promotion_id = p.id AND ${storeScopeSql(actor, sql)})`));
  if (!p) throw new AppError('PROMOTION_NOT_FOUND', { id });
  const today = shanghaiDate(now);
  const status = today < p.starts_on ? 'upcoming' : today > p.ends_on ? 'ended' : 'running';
  const { rows: [last] } = await db.query(
    `SELECT max(r.day)::text AS day FROM retail_sales r
      WHERE r.store_id IN (SELECT store_id FROM retail_promotion_stores WHERE promotion_id = $1)
        AND r.product_id IN (SELECT product_id FROM retail_promotion_products WHERE promotion_id = $1)
        AND r.day BETWEEN $2 AND least($3::date, $4::date)`, [id, p.starts_on, p.ends_on, today]);
  const base = {
    id: Number(p.id), name: p.name, startsOn: p.starts_on, endsOn: p.ends_on, cost: p.cost, status, statusLabel: STATUS_LABELS[status],
    stores: p.stores ?? [], products: p.products ?? [], method: UPLIFT_METHOD,
  } as const;
  if (!last.day) {
    return { ...base, dataThrough: null, days: 0, preFrom: null, preTo: null, prePeriod: null, matched: null, unmatched: [], unitPrice: null, perStore: [] };
  }
  const days = daysBetween(p.starts_on, last.day);
  const preFrom = addCalendarDays(p.starts_on, -days);
  const preTo = addCalendarDays(p.starts_on, -1);
  const { stores, sales } = await figures(db, id, { from: p.starts_on, to: last.day, preFrom, preTo });
  const r = promotionUplift(stores, sales, p.cost);
  return { ...base, dataThrough: last.day, days, preFrom, preTo, ...r };
}

/**
 * Per promoted store, its units of the promoted products in the promotion's
 * days and the pre-period, and the same for its matched stores (same chain,
 * format and region, not in this promotion); and the promoted stores' 销售额
 * with the units it covers. One statement.
 */
async function figures(db: Db, id: number, w: { from: string; to: string; preFrom: string; preTo: string }) {
  const { rows } = await db.query(
    `WITH p AS (SELECT ps.store_id, s.chain, s.format, s.region_id FROM retail_promotion_stores ps JOIN retail_stores s ON s.customer_id = ps.store_id WHERE ps.promotion_id = $1),
          ctrl AS (SELECT p.store_id AS for_store, c.customer_id AS store_id FROM p JOIN retail_stores c
                     ON c.chain = p.chain AND c.format = p.format AND c.region_id IS NOT DISTINCT FROM p.region_id
                    WHERE c.customer_id NOT IN (SELECT store_id FROM p)),
          sales AS (SELECT r.store_id,
                           coalesce(sum(r.units) FILTER (WHERE r.day >= $2), 0)::float8 AS during,
                           coalesce(sum(r.units) FILTER (WHERE r.day < $2), 0)::float8 AS pre,
                           coalesce(sum(r.amount) FILTER (WHERE r.day >= $2), 0)::float8 AS amount,
                           coalesce(sum(r.units) FILTER (WHERE r.day >= $2 AND r.amount IS NOT NULL), 0)::float8 AS priced_units
                      FROM retail_sales r
                     WHERE r.product_id IN (SELECT product_id FROM retail_promotion_products WHERE promotion_id = $1)
                       AND r.day BETWEEN $4 AND $3
                       AND r.store_id IN (SELECT store_id FROM p UNION SELECT store_id FROM ctrl)
                     GROUP BY r.store_id),
          matched AS (SELECT ctrl.for_store, array_agg(cc.name ORDER BY cc.name) AS names,
                             coalesce(sum(sc.during), 0) AS during, coalesce(sum(sc.pre), 0) AS pre
                        FROM ctrl JOIN customers cc ON cc.id = ctrl.store_id LEFT JOIN sales sc ON sc.store_id = ctrl.store_id
                       GROUP BY ctrl.for_store)
     SELECT p.store_id, c.name, coalesce(sp.during, 0) AS during, coalesce(sp.pre, 0) AS pre,
            coalesce(sp.amount, 0) AS amount, coalesce(sp.priced_units, 0) AS priced_units,
            coalesce(m.names, '{}') AS controls, coalesce(m.during, 0) AS ctrl_during, coalesce(m.pre, 0) AS ctrl_pre
       FROM p JOIN customers c ON c.id = p.store_id LEFT JOIN sales sp ON sp.store_id = p.store_id LEFT JOIN matched m ON m.for_store = p.store_id
      ORDER BY c.name`,
    [id, w.from, w.to, w.preFrom]);
  const stores: StoreFigures[] = rows.map((r) => ({
    storeId: Number(r.store_id), name: r.name, during: Number(r.during), pre: Number(r.pre),
    controls: { names: r.controls, during: Number(r.ctrl_during), pre: Number(r.ctrl_pre) },
  }));
  const sales = rows.reduce((a, r) => ({ amount: a.amount + Number(r.amount), units: a.units + Number(r.priced_units) }), { amount: 0, units: 0 });
  return { stores, sales };
}
