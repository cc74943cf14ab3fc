/**
 * 缺货 in one tap: a clerk names the product, and the store's rep gets a
 * 缺货处理 action (answer with the restock time) due by the definition's
 * working days. A second tap while that action is open is the same report.
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import { addWorkingDays } from '../flow/working-days.js';
import { loadActiveDefinitionOrThrow, loadWorkCalendar } from '../actions/definitions.js';
import { insertAction, type FlowDeps } from '../actions/dispatch.js';
import { STOCKOUT_CODE } from '../flow/retail-actions.js';

export interface StockoutView { id: number; productName: string; reportedAt: string; actionId: number; assigneeName: string; repeated: boolean }

export async function reportStockout(db: Db, actor: Actor, productId: number, d: FlowDeps): Promise<StockoutView> {
  if (actor.role !== 'clerk') throw new AppError('FORBIDDEN', { reason: 'clerks report stock-outs' }, '缺货由门店店员上报');
  const { rows: [store] } = await db.query(
    `SELECT c.id, c.name, c.owner_id, o.department_id, o.name AS owner_name FROM retail_clerks k JOIN customers c ON c.id = k.store_id
       JOIN users o ON o.id = c.owner_id WHERE k.user_id = $1`, [actor.id]);
  if (!store) throw new AppError('STORE_NOT_FOUND', { userId: actor.id }, '你还没有绑定门店');
  const { rows: [product] } = await db.query('SELECT id, name FROM retail_products WHERE id = $1', [productId]);
  if (!product) throw new AppError('PRODUCT_NOT_FOUND', { productId });
  const { rows: [open] } = await db.query(
    `SELECT s.id, s.reported_at, s.action_id FROM retail_stockouts s JOIN actions a ON a.id = s.action_id
      WHERE s.store_id = $1 AND s.product_id = $2 AND a.status = ANY($3) ORDER BY s.id DESC LIMIT 1`, [store.id, productId, OPEN_STATUSES]);
  if (open) {
    return { id: Number(open.id), productName: product.name, reportedAt: open.reported_at.toISOString(), actionId: Number(open.action_id), assigneeName: store.owner_name, repeated: true };
  }
  const def = await loadActiveDefinitionOrThrow(db, STOCKOUT_CODE);
  const calendar = await loadWorkCalendar(db);
  const { action } = await insertAction(db, {
    def, title: `缺货：${product.name}（${store.name}）`, customerId: Number(store.id), opportunityId: null,
    assignee: { id: Number(store.owner_id), departmentId: store.department_id === null ? null : Number(store.department_id) },
    assignerId: actor.id, requirements: [], dueAt: addWorkingDays(d.now, def.dueWorkingDays, calendar),
  }, calendar, d);
  const { rows: [s] } = await db.query(
    `INSERT INTO retail_stockouts (store_id, product_id, reported_by, reported_at, action_id) VALUES ($1,$2,$3,$4,$5) RETURNING id`,
    [store.id, productId, actor.id, d.now, action.id]);
  return { id: Number(s.id), productName: product.name, reportedAt: d.now.toISOString(), actionId: action.id, assigneeName: store.owner_name, repeated: false };
}
