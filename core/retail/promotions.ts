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
import { addCalendarDays, chineseDay, shanghaiDate } from '../flow/time.js';
import type { CreatePromotionInput, EndPromotionInput, PromotionView, UpdatePromotionInput } from './promotion-schemas.js';
import { promotionUplift, UPLIFT_METHOD, type StoreFigures } from './promotion-uplift.js';
import { storeScopeSql } from './store-scope.js';

const STATUS_LABELS = { upcoming: '未开始', running: '进行中', ended: '已结束' } as const;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

function assertMayRun(actor: Actor): void {
  if (!['manager', 'director'].includes(actor.role)) {
    throw new AppError('FORBIDDEN', { resource: 'retail', verb: 'promote' }, '促销由区域主管或销售总监发起');
  }
}

/** The stores (all in the actor's reach) and products (all in the catalogue) a promotion names, each once. */
async function checkedStoresAndProducts(db: Db, actor: Actor, input: { storeIds: number[]; productIds: number[] }) {
  const storeIds = [...new Set(input.storeIds)];
  const productIds = [...new Set(input.productIds)];
  const sql = new Sql();
  const { rows: stores } = await db.query(sql.unprepared(
    `SELECT s.customer_id AS id FROM retail_stores s JOIN customers c ON c.id = s.customer_id
      WHERE s.customer_id = ANY(${sql.param(storeIds)}::bigint[]) AND ${storeScopeSql(actor, sql)}`));
  if (stores.length !== storeIds.length) throw new AppError('STORE_NOT_FOUND', { storeIds: storeIds.filter((id) => !stores.some((s) => Number(s.id) === id)) });
  const { rows: products } = await db.query('SELECT id FROM retail_products WHERE id = ANY($1::bigint[])', [productIds]);
  if (products.length !== productIds.length) throw new AppError('PRODUCT_NOT_FOUND', { productIds });
  return { storeIds, productIds };
}

async function setStoresAndProducts(db: Db, id: number, c: { storeIds: number[]; productIds: number[] }): Promise<void> {
  await db.query('DELETE FROM retail_promotion_stores WHERE promotion_id = $1', [id]);
  await db.query('DELETE FROM retail_promotion_products WHERE promotion_id = $1', [id]);
  await db.query('INSERT INTO retail_promotion_stores (promotion_id, store_id) SELECT $1, unnest($2::bigint[])', [id, c.storeIds]);
  await db.query('INSERT INTO retail_promotion_products (promotion_id, product_id) SELECT $1, unnest($2::bigint[])', [id, c.productIds]);
}

export async function createPromotion(db: Db, actor: Actor, input: CreatePromotionInput, now: Date): Promise<PromotionView> {
  assertMayRun(actor);
  const checked = await checkedStoresAndProducts(db, actor, input);
  const { rows: [p] } = await db.query(
    `INSERT INTO retail_promotions (name, starts_on, ends_on, cost, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
    [input.name, input.startsOn, input.endsOn, input.cost, actor.id, now]);
  await setStoresAndProducts(db, Number(p.id), checked);
  return getPromotionOrThrow(db, actor, Number(p.id), now);
}

/** The promotion as an editor reads it, locked: in reach, its version current, not ended. */
async function editable(db: Db, actor: Actor, id: number, version: number, now: Date): Promise<PromotionView> {
  assertMayRun(actor);
  const { rows: [row] } = await db.query('SELECT version FROM retail_promotions WHERE id = $1 FOR UPDATE', [id]);
  const view = await getPromotionOrThrow(db, actor, id, now);
  if (!view.mayEdit && view.status !== 'ended') throw new AppError('FORBIDDEN', { promotionId: id }, '这个促销有门店不在你的管辖范围内，只能查看');
  if (view.status === 'ended') throw new AppError('PROMOTION_ENDED', { promotionId: id });
  if (row.version !== version) throw new AppError('CONFLICT', { promotionId: id, version: row.version });
  return view;
}

async function recordChange(db: Db, actor: Actor, id: number, summary: string, now: Date): Promise<void> {
  await db.query('UPDATE retail_promotions SET version = version + 1 WHERE id = $1', [id]);
  await db.query('INSERT INTO retail_promotion_changes (promotion_id, changed_by, changed_at, summary) VALUES ($1,$2,$3,$4)', [id, actor.id, now, summary]);
}

const sameSet = (a: number[], b: number[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * 修改促销: before it starts, anything; while it runs, its name, cost and end
 * (not before today) — its stores, products and start are what its figures
 * are measured on. Each edit is a line of the history (who, when, what).
 */
export async function updatePromotion(db: Db, actor: Actor, id: number, input: UpdatePromotionInput, now: Date): Promise<PromotionView> {
  const p = await editable(db, actor, id, input.version, now);
  const today = shanghaiDate(now);
  const next = {
    name: input.name ?? p.name, cost: input.cost ?? p.cost, startsOn: input.startsOn ?? p.startsOn, endsOn: input.endsOn ?? p.endsOn,
    storeIds: input.storeIds ?? p.stores.map((x) => x.id), productIds: input.productIds ?? p.products.map((x) => x.id),
  };
  if (p.status === 'running' && (next.startsOn !== p.startsOn || !sameSet(next.storeIds, p.stores.map((x) => x.id)) || !sameSet(next.productIds, p.products.map((x) => x.id)))) {
    throw new AppError('PROMOTION_STARTED', { promotionId: id });
  }
  if (next.endsOn < today && next.endsOn !== p.endsOn) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'endsOn', message: '结束日期不能早于今天；要提前结束请用「提前结束」' }]);
  }
  if (next.endsOn < next.startsOn) throw new AppError('VALIDATION_FAILED', [{ path: 'endsOn', message: '结束日期不能早于开始日期' }]);
  const changes: string[] = [];
  if (next.name !== p.name) changes.push(`名称「${p.name}」→「${next.name}」`);
  if (next.cost !== p.cost) changes.push(`费用 ${p.cost}元 → ${next.cost}元`);
  if (next.startsOn !== p.startsOn) changes.push(`开始日期 ${chineseDay(p.startsOn)} → ${chineseDay(next.startsOn)}`);
  if (next.endsOn !== p.endsOn) changes.push(`结束日期 ${chineseDay(p.endsOn)} → ${chineseDay(next.endsOn)}`);
  const storesChanged = !sameSet(next.storeIds, p.stores.map((x) => x.id));
  const productsChanged = !sameSet(next.productIds, p.products.map((x) => x.id));
  if (storesChanged) changes.push(`门店 ${p.stores.length}家 → ${new Set(next.storeIds).size}家`);
  if (productsChanged) changes.push(`商品 ${p.products.length}个 → ${new Set(next.productIds).size}个`);
  if (!changes.length) return p;
  if (storesChanged || productsChanged) await setStoresAndProducts(db, id, await checkedStoresAndProducts(db, actor, next));
  await db.query('UPDATE retail_promotions SET name = $2, cost = $3, starts_on = $4, ends_on = $5 WHERE id = $1',
    [id, next.name, next.cost, next.startsOn, next.endsOn]);
  await recordChange(db, actor, id, changes.join('；'), now);
  return getPromotionOrThrow(db, actor, id, now);
}

/** 提前结束: the promotion's last day becomes `lastDay` (today unless said; not before it started, not in the future). */
export async function endPromotion(db: Db, actor: Actor, id: number, input: EndPromotionInput, now: Date): Promise<PromotionView> {
  const p = await editable(db, actor, id, input.version, now);
  if (p.status === 'upcoming') throw new AppError('PROMOTION_NOT_STARTED', { promotionId: id });
  const today = shanghaiDate(now);
  const lastDay = input.lastDay ?? today;
  if (lastDay < p.startsOn || lastDay > today) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'lastDay', message: `最后一天应在${chineseDay(p.startsOn)}（开始日）到今天之间` }]);
  }
  await db.query('UPDATE retail_promotions SET ended_on = $2, ended_by = $3, ended_at = $4 WHERE id = $1', [id, lastDay, actor.id, now]);
  await recordChange(db, actor, id, `提前结束：最后一天 ${chineseDay(lastDay)}（原定 ${chineseDay(p.endsOn)}）`, now);
  return getPromotionOrThrow(db, actor, id, now);
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
    `SELECT p.id, p.name, p.starts_on::text AS starts_on, coalesce(p.ended_on, p.ends_on)::text AS ends_on, p.cost::float8 AS cost, p.version,
            CASE WHEN p.ended_on IS NOT NULL THEN p.ends_on::text END AS planned_ends_on, p.ended_at, eu.name AS ended_by,
            (SELECT jsonb_agg(jsonb_build_object('by', u.name, 'at', h.changed_at, 'summary', h.summary) ORDER BY h.changed_at, h.id)
               FROM retail_promotion_changes h JOIN users u ON u.id = h.changed_by WHERE h.promotion_id = p.id) AS history,
            NOT EXISTS (SELECT 1 FROM retail_promotion_stores ps JOIN retail_stores s ON s.customer_id = ps.store_id JOIN customers c ON c.id = s.customer_id
                         WHERE ps.promotion_id = p.id AND NOT (${storeScopeSql(actor, sql)})) AS all_in_reach,
            (SELECT jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name) ORDER BY c.name) FROM retail_promotion_stores ps JOIN customers c ON c.id = ps.store_id WHERE ps.promotion_id = p.id) AS stores,
            (SELECT jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name) ORDER BY r.name) FROM retail_promotion_products pp JOIN retail_products r ON r.id = pp.product_id WHERE pp.promotion_id = p.id) AS products
       FROM retail_promotions p LEFT JOIN users eu ON eu.id = p.ended_by
      WHERE p.id = ${sql.param(id)} AND EXISTS (SELECT 1 FROM retail_promotion_stores ps JOIN retail_stores s ON s.customer_id = ps.store_id JOIN customers c ON c.id = s.customer_id
                                                 WHERE ps.promotion_id = p.id AND ${storeScopeSql(actor, sql)})`));
  if (!p) throw new AppError('PROMOTION_NOT_FOUND', { id });
  const today = shanghaiDate(now);
  const status = today < p.starts_on ? 'upcoming' : today > p.ends_on || p.planned_ends_on ? 'ended' : 'running';
  const { rows: [last] } = await db.query(
    `SELECT max(r.day)::text AS day FROM retail_sales r
      WHERE r.store_id IN (SELECT store_id FROM retail_promotion_stores WHERE promotion_id = $1)
        AND r.product_id IN (SELECT product_id FROM retail_promotion_products WHERE promotion_id = $1)
        AND r.day BETWEEN $2 AND least($3::date, $4::date)`, [id, p.starts_on, p.ends_on, today]);
  const base = {
    id: Number(p.id), name: p.name, startsOn: p.starts_on, endsOn: p.ends_on, cost: p.cost, status, statusLabel: p.planned_ends_on ? '已提前结束' : STATUS_LABELS[status],
    stores: p.stores ?? [], products: p.products ?? [], method: UPLIFT_METHOD, version: p.version, plannedEndsOn: p.planned_ends_on,
    endedBy: p.ended_by ? { name: p.ended_by, at: new Date(p.ended_at).toISOString() } : null,
    history: (p.history ?? []).map((h: any) => ({ by: h.by, at: new Date(h.at).toISOString(), summary: h.summary })),
    mayEdit: ['manager', 'director'].includes(actor.role) && p.all_in_reach && status !== 'ended',
  } as const;
  if (!last.day) {
    return { ...base, dataThrough: null, days: 0, preFrom: null, preTo: null, prePeriod: null, matched: null, unmatched: [], unitPrice: null, perStore: [], excludedControls: [] };
  }
  const days = daysBetween(p.starts_on, last.day);
  const preFrom = addCalendarDays(p.starts_on, -days);
  const preTo = addCalendarDays(p.starts_on, -1);
  const { stores, sales, excludedControls } = await figures(db, id, { from: p.starts_on, to: last.day, preFrom, preTo });
  const r = promotionUplift(stores, sales, p.cost);
  return { ...base, dataThrough: last.day, days, preFrom, preTo, ...r, excludedControls };
}

/**
 * Per promoted store, its units of the promoted products in the promotion's
 * days and the pre-period, and the same for its matched stores (same chain,
 * format and region, not in this promotion, and not running a promotion of
 * their own of any of these products in those days: their sales would be
 * another promotion's); and the promoted stores' 销售额 with the units it
 * covers. One statement.
 */
async function figures(db: Db, id: number, w: { from: string; to: string; preFrom: string; preTo: string }) {
  const { rows } = await db.query(
    `WITH p AS (SELECT ps.store_id, s.chain, s.format, s.region_id FROM retail_promotion_stores ps JOIN retail_stores s ON s.customer_id = ps.store_id WHERE ps.promotion_id = $1),
          alike AS (SELECT p.store_id AS for_store, c.customer_id AS store_id FROM p JOIN retail_stores c
                      ON c.chain = p.chain AND c.format = p.format AND c.region_id IS NOT DISTINCT FROM p.region_id
                     WHERE c.customer_id NOT IN (SELECT store_id FROM p)),
          busy AS (SELECT os.store_id, min(o.name) AS promotion FROM retail_promotions o JOIN retail_promotion_stores os ON os.promotion_id = o.id
                    WHERE o.id <> $1 AND o.starts_on <= $3 AND coalesce(o.ended_on, o.ends_on) >= $4
                      AND EXISTS (SELECT 1 FROM retail_promotion_products op WHERE op.promotion_id = o.id
                                     AND op.product_id IN (SELECT product_id FROM retail_promotion_products WHERE promotion_id = $1))
                    GROUP BY os.store_id),
          ctrl AS (SELECT * FROM alike WHERE store_id NOT IN (SELECT store_id FROM busy)),
          excluded AS (SELECT DISTINCT cc.name, b.promotion FROM alike JOIN busy b ON b.store_id = alike.store_id JOIN customers cc ON cc.id = alike.store_id),
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
            coalesce(m.names, '{}') AS controls, coalesce(m.during, 0) AS ctrl_during, coalesce(m.pre, 0) AS ctrl_pre,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('name', x.name, 'promotion', x.promotion) ORDER BY x.name), '[]') FROM excluded x) AS excluded
       FROM p JOIN customers c ON c.id = p.store_id LEFT JOIN sales sp ON sp.store_id = p.store_id LEFT JOIN matched m ON m.for_store = p.store_id
      ORDER BY c.name`,
    [id, w.from, w.to, w.preFrom]);
  const stores: StoreFigures[] = rows.map((r) => ({
    storeId: Number(r.store_id), name: r.name, during: Number(r.during), pre: Number(r.pre),
    controls: { names: r.controls, during: Number(r.ctrl_during), pre: Number(r.ctrl_pre) },
  }));
  const sales = rows.reduce((a, r) => ({ amount: a.amount + Number(r.amount), units: a.units + Number(r.priced_units) }), { amount: 0, units: 0 });
  return { stores, sales, excludedControls: (rows[0]?.excluded ?? []) as Array<{ name: string; promotion: string }> };
}
