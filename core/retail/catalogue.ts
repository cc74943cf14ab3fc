/**
 * Editing the brand's catalogue (SKU, barcode, name, category, launch date)
 * and each store's shelf positions, for the people who keep them: the
 * catalogue by admins and directors and managers, a store's shelf positions
 * by whoever manages the store (its region's manager, a director, an admin).
 * A SKU, barcode or shelf code already taken is refused by name.
 *
 *   const p = await createProduct(db, admin, { sku: 'BEV-GT-1L', barcode: '6901234567953', name: '山野绿茶 1L', category: '饮料', launchDate: null });
 *   await addShelfPosition(db, manager, storeId, { label: '端架第1层' });
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import type { CreateProductInput, CreateShelfPositionInput, UpdateProductInput } from './catalogue-schemas.js';
import { storeScopeSql } from './store-scope.js';

const EDITORS = ['admin', 'director', 'manager'];

function assertMayEdit(actor: Actor, what: string): void {
  if (!EDITORS.includes(actor.role)) throw new AppError('FORBIDDEN', { resource: 'retail', verb: 'edit' }, `${what}由管理员、销售总监或区域主管维护`);
}

const PRODUCT = `SELECT id, sku, barcode, name, category, launch_date::text AS launch_date FROM retail_products`;
const productView = (r: any) => ({ id: Number(r.id), sku: r.sku, barcode: r.barcode, name: r.name, category: r.category, launchDate: r.launch_date });

/** The product holding this SKU or barcode, other than `exceptId`: named in the refusal. */
async function assertFree(db: Db, p: { sku?: string; barcode?: string }, exceptId: number | null): Promise<void> {
  const { rows: [taken] } = await db.query(
    `SELECT sku, barcode, name FROM retail_products WHERE (sku = $1 OR barcode = $2) AND id IS DISTINCT FROM $3 LIMIT 1`, [p.sku ?? null, p.barcode ?? null, exceptId]);
  if (!taken) return;
  if (p.sku !== undefined && taken.sku === p.sku) throw new AppError('PRODUCT_SKU_TAKEN', { sku: p.sku }, `商品编码 ${p.sku} 已是「${taken.name}」的`);
  throw new AppError('PRODUCT_BARCODE_TAKEN', { barcode: p.barcode }, `条码 ${p.barcode} 已是「${taken.name}」的`);
}

export async function createProduct(db: Db, actor: Actor, input: CreateProductInput) {
  assertMayEdit(actor, '商品目录');
  await assertFree(db, input, null);
  const { rows: [r] } = await db.query(
    `INSERT INTO retail_products (sku, barcode, name, category, launch_date) VALUES ($1,$2,$3,$4,$5)
     RETURNING id, sku, barcode, name, category, launch_date::text AS launch_date`,
    [input.sku, input.barcode, input.name, input.category, input.launchDate]);
  return productView(r);
}

export async function updateProduct(db: Db, actor: Actor, id: number, input: UpdateProductInput) {
  assertMayEdit(actor, '商品目录');
  const { rows: [now] } = await db.query(`${PRODUCT} WHERE id = $1 FOR UPDATE`, [id]);
  if (!now) throw new AppError('PRODUCT_NOT_FOUND', { id }, '商品不在商品目录中');
  await assertFree(db, input, id);
  const next = { ...productView(now), ...input };
  const { rows: [r] } = await db.query(
    `UPDATE retail_products SET sku = $2, barcode = $3, name = $4, category = $5, launch_date = $6 WHERE id = $1
     RETURNING id, sku, barcode, name, category, launch_date::text AS launch_date`,
    [id, next.sku, next.barcode, next.name, next.category, next.launchDate]);
  return productView(r);
}

/** The store, if the actor may change its shelf positions. */
async function managedStore(db: Db, actor: Actor, storeId: number): Promise<void> {
  assertMayEdit(actor, '货架位');
  const sql = new Sql();
  const scope = actor.role === 'admin' ? 'TRUE' : storeScopeSql(actor, sql);
  const { rows } = await db.query(sql.unprepared(
    `SELECT 1 FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE s.customer_id = ${sql.param(storeId)} AND ${scope}`));
  if (!rows[0]) throw new AppError('STORE_NOT_FOUND', { storeId });
}

const shelfView = (r: any) => ({ id: Number(r.id), code: r.code, label: r.label });

export async function addShelfPosition(db: Db, actor: Actor, storeId: number, input: CreateShelfPositionInput) {
  await managedStore(db, actor, storeId);
  await db.query('SELECT 1 FROM retail_stores WHERE customer_id = $1 FOR UPDATE', [storeId]);
  const { rows: [{ n }] } = await db.query('SELECT count(*)::int AS n FROM retail_shelf_positions WHERE store_id = $1', [storeId]);
  // the store's own prefix and the next free number: SH000011-4
  let code = input.code;
  for (let k = n + 1; !code; k++) {
    const c = `SH${String(storeId).padStart(6, '0')}-${k}`;
    if (!(await db.query('SELECT 1 FROM retail_shelf_positions WHERE code = $1', [c])).rows[0]) code = c;
  }
  const { rows: [taken] } = await db.query('SELECT 1 FROM retail_shelf_positions WHERE code = $1', [code]);
  if (taken) throw new AppError('SHELF_CODE_TAKEN', { code }, `货架位码 ${code} 已被使用，请换一个`);
  const { rows: [r] } = await db.query(
    'INSERT INTO retail_shelf_positions (store_id, code, label) VALUES ($1,$2,$3) RETURNING id, code, label', [storeId, code, input.label]);
  return shelfView(r);
}

export async function renameShelfPosition(db: Db, actor: Actor, id: number, label: string) {
  const { rows: [p] } = await db.query('SELECT store_id FROM retail_shelf_positions WHERE id = $1', [id]);
  if (!p) throw new AppError('SHELF_POSITION_NOT_FOUND', { id });
  await managedStore(db, actor, Number(p.store_id));
  const { rows: [r] } = await db.query('UPDATE retail_shelf_positions SET label = $2 WHERE id = $1 RETURNING id, code, label', [id, label]);
  return shelfView(r);
}
