/**
 * Starting 新品上架 from the app: what a launch of one product on a given day
 * would look like (each step's deadline, counted in working days from the
 * launch date by the template as edited in settings) and which of the actor's
 * stores can take it (a clerk to do the steps, no launch of that product
 * yet); then the launch at several stores at once, all or none.
 *
 *   const plan = await launchPlan(db, rep, { productId, launchDate: '2026-12-08' });
 *   const { items } = await createLaunches(db, rep, { storeIds: [3, 5], productId, launchDate: '2026-12-08' }, { now, publicUrl });
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { shanghaiInstant } from '../flow/time.js';
import { LAUNCH_TEMPLATE_CODE } from '../flow/launch-steps.js';
import { planProcessDeadlines } from '../actions/process-templates.js';
import type { FlowDeps } from '../actions/dispatch.js';
import { createLaunch } from './launches.js';
import type { CreateLaunchesInput, LaunchPlanView, LaunchView } from './retail-schemas.js';
import { storeScopeSql } from './store-scope.js';

/** The hour of the launch day the deadlines count from, as createLaunch counts them. */
const LAUNCH_HOUR = 9;

export async function launchPlan(db: Db, actor: Actor, q: { productId: number; launchDate: string }): Promise<LaunchPlanView> {
  assertCan(actor, 'retail', 'create');
  const { rows: [product] } = await db.query('SELECT id, name FROM retail_products WHERE id = $1', [q.productId]);
  if (!product) throw new AppError('PRODUCT_NOT_FOUND', { productId: q.productId });
  const steps = await planProcessDeadlines(db, LAUNCH_TEMPLATE_CODE, shanghaiInstant(q.launchDate, LAUNCH_HOUR));
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(
    `SELECT c.id, c.name, s.chain, s.format, d.name AS region_name,
            (SELECT u.name FROM retail_clerks k JOIN users u ON u.id = k.user_id WHERE k.store_id = c.id AND u.active ORDER BY u.id LIMIT 1) AS clerk_name,
            (SELECT l.id FROM retail_launches l WHERE l.store_id = c.id AND l.product_id = ${sql.param(q.productId)}) AS launch_id
       FROM retail_stores s JOIN customers c ON c.id = s.customer_id LEFT JOIN departments d ON d.id = s.region_id
      WHERE ${storeScopeSql(actor, sql)} ORDER BY s.chain, c.name LIMIT 500`));
  return {
    product: { id: Number(product.id), name: product.name },
    launchDate: q.launchDate,
    steps: steps.map((s, i) => ({ no: i + 1, title: s.title, dueAt: s.dueAt.toISOString() })),
    stores: rows.map((r) => ({
      id: Number(r.id), name: r.name, chain: r.chain, format: r.format, regionName: r.region_name, clerkName: r.clerk_name,
      launchId: r.launch_id === null ? null : Number(r.launch_id),
      refusal: r.launch_id !== null ? '已有该商品的上架任务' : r.clerk_name === null ? '还没有店员，请先邀请店员加入' : null,
    })),
  };
}

/**
 * Starts the launch at every store given, in the caller's transaction: one
 * store that cannot take it refuses the whole request (each store and why
 * named in the error), so nothing is half-started.
 */
export async function createLaunches(db: Db, actor: Actor, input: CreateLaunchesInput, d: FlowDeps): Promise<{ items: LaunchView[] }> {
  const items: LaunchView[] = [];
  const refused: Array<{ storeId: number; code: string; message: string }> = [];
  for (const storeId of new Set(input.storeIds)) {
    try {
      items.push(await createLaunch(db, actor, { storeId, productId: input.productId, launchDate: input.launchDate }, d));
    } catch (e) {
      // every check of createLaunch comes before its first write, so a refusal leaves the transaction usable
      if (!(e instanceof AppError) || e.code === 'PRODUCT_NOT_FOUND' || e.code === 'FORBIDDEN') throw e;
      refused.push({ storeId, code: e.code, message: e.message });
    }
  }
  if (refused.length) {
    // a store out of reach stays unnamed, as its 404 would
    const names = await storeNames(db, refused.filter((r) => r.code !== 'STORE_NOT_FOUND').map((r) => r.storeId));
    const lines = refused.map((r) => `${names.get(r.storeId) ?? `门店${r.storeId}`}：${r.message}`);
    throw new AppError('LAUNCH_STORES_REFUSED', { stores: refused }, `${lines.join('；')}。未发起任何上架，请去掉这些门店后再发起`);
  }
  return { items };
}

async function storeNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  const { rows } = await db.query('SELECT id, name FROM customers WHERE id = ANY($1::bigint[])', [ids]);
  return new Map(rows.map((r) => [Number(r.id), r.name as string]));
}
