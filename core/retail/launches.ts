/**
 * 新品上架 (shelf launches): a launch is one 'shelf_launch' process instance
 * at a store for one product, its four steps the process's actions, assigned
 * to the store's clerk with deadlines counted in working days from the launch
 * date. Steps are filed through the action engine (core/actions), which
 * enforces their order with its state lock; this module adds what only retail
 * knows (which shelf codes are the store's, which barcode is the new product's).
 *
 *   const launch = await createLaunch(db, manager, { storeId, productId, launchDate: '2026-12-07' }, { now, publicUrl });
 *   const r = await submitLaunchStep(db, clerk, launch.id, { step: 'bind', shelfCode, barcode }, { now, publicUrl });
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { describeStatus } from '../flow/action-machine.js';
import { DAY_MS, shanghaiInstant } from '../flow/time.js';
import type { ActionStatus } from '../flow/types.js';
import type { IdempotencyRequest } from '../resources/idempotency.js';
import { instantiateProcess } from '../actions/process-templates.js';
import type { FlowDeps } from '../actions/dispatch.js';
import { loadActiveDefinitionOrThrow } from '../actions/definitions.js';
import { assertUnlocked } from '../actions/state-lock.js';
import { submitVisitReport, type SubmissionResult } from '../actions/visit-report.js';
import { LAUNCH_STEPS, LAUNCH_TEMPLATE_CODE, stepLabel, type LaunchStepKey } from '../flow/launch-steps.js';
import type { CreateLaunchInput, LaunchView } from './retail-schemas.js';
import { storeScopeSql } from './store-scope.js';
import { assertPlausibleUnits, recordClerkSales } from './entry-accuracy.js';

/** A step counts as done once filed with its checks passed. */
export const LAUNCH_DONE_STATUSES: readonly ActionStatus[] = ['submitted', 'verified', 'archived'];

/** Whole days a step is past its deadline, at least one. */
export const daysLate = (dueAt: Date, now: Date): number => Math.max(1, Math.floor((now.getTime() - dueAt.getTime()) / DAY_MS));

const SELECT = `l.id, l.store_id, l.product_id, l.launch_date::text AS launch_date, l.process_instance_id,
  c.name AS store_name, s.chain, p.sku, p.barcode, p.name AS product_name, p.category, p.launch_date::text AS product_launch_date,
  sp.code AS shelf_code, sp.label AS shelf_label`;
const FROM = `retail_launches l JOIN retail_stores s ON s.customer_id = l.store_id JOIN customers c ON c.id = s.customer_id
  JOIN retail_products p ON p.id = l.product_id LEFT JOIN retail_shelf_positions sp ON sp.id = l.shelf_position_id`;

async function stepsOf(db: Db, processIds: number[]): Promise<Map<number, any[]>> {
  const { rows } = await db.query(
    `SELECT a.id, a.process_instance_id, a.node_key, a.status, a.due_at, a.assignee_id, u.name AS assignee_name,
            COALESCE(a.verified_at, a.submitted_at, a.archived_at) AS done_at,
            (SELECT s.payload FROM submissions s WHERE s.action_id = a.id AND s.outcome = 'accepted' ORDER BY s.id DESC LIMIT 1) AS payload
       FROM actions a JOIN users u ON u.id = a.assignee_id
      WHERE a.process_instance_id = ANY($1::bigint[])`, [processIds]);
  const by = new Map<number, any[]>();
  for (const r of rows) {
    const list = by.get(Number(r.process_instance_id)) ?? [];
    list.push(r);
    by.set(Number(r.process_instance_id), list);
  }
  return by;
}

function recordOf(payload: any): LaunchView['steps'][number]['record'] {
  if (!payload) return {};
  const f = payload.fields ?? {};
  return {
    ...(typeof f.shelfCode === 'string' ? { shelfCode: f.shelfCode } : {}),
    ...(typeof f.barcode === 'string' ? { barcode: f.barcode } : {}),
    ...(typeof f.firstDaySales === 'number' ? { firstDaySales: f.firstDaySales } : {}),
    ...(Array.isArray(f.enquiries) ? { enquiries: f.enquiries } : {}),
    ...(Array.isArray(payload.attachmentIds) && payload.attachmentIds.length ? { photoIds: payload.attachmentIds.map(Number) } : {}),
  };
}

function toView(actor: Actor, r: any, actions: any[], now: Date): LaunchView {
  const byKey = new Map(actions.map((a) => [a.node_key, a]));
  let previousDone = true;
  let previousTitle = '';
  const steps: LaunchView['steps'] = [];
  for (const s of LAUNCH_STEPS) {
    const a = byKey.get(s.key);
    if (!a) continue;
    const done = LAUNCH_DONE_STATUSES.includes(a.status);
    const late = !done && a.due_at && a.due_at < now ? daysLate(a.due_at, now) : null;
    steps.push({
      key: s.key, no: s.no, title: s.title, actionId: Number(a.id), status: a.status, statusLabel: describeStatus(a.status),
      dueAt: a.due_at?.toISOString() ?? null, lateDays: late, done, doneAt: done ? a.done_at?.toISOString() ?? null : null,
      lockedBy: previousDone ? null : previousTitle, record: done ? recordOf(a.payload) : {},
    });
    previousDone = done;
    previousTitle = stepLabel(s);
  }
  const assignee = actions[0] ? { id: Number(actions[0].assignee_id), name: actions[0].assignee_name } : { id: 0, name: '' };
  return {
    id: Number(r.id),
    store: { id: Number(r.store_id), name: r.store_name, chain: r.chain },
    product: { id: Number(r.product_id), sku: r.sku, barcode: r.barcode, name: r.product_name, category: r.category, launchDate: r.product_launch_date },
    launchDate: r.launch_date,
    processInstanceId: Number(r.process_instance_id),
    shelfPosition: r.shelf_code ? { code: r.shelf_code, label: r.shelf_label } : null,
    assignee,
    mine: assignee.id === actor.id,
    done: steps.filter((s) => s.done).length,
    total: steps.length,
    late: steps.filter((s) => s.lateDays !== null).length,
    current: steps.find((s) => !s.done)?.key ?? null,
    steps,
  };
}

export async function listLaunches(db: Db, actor: Actor, q: { storeId?: number }, now: Date): Promise<{ items: LaunchView[] }> {
  assertCan(actor, 'retail', 'read');
  const sql = new Sql();
  const where = [storeScopeSql(actor, sql)];
  if (q.storeId) where.push(`l.store_id = ${sql.param(q.storeId)}`);
  const { rows } = await db.query(sql.unprepared(`SELECT ${SELECT} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY l.launch_date DESC, l.id DESC LIMIT 200`));
  const steps = await stepsOf(db, rows.map((r) => Number(r.process_instance_id)));
  const items = rows.map((r) => toView(actor, r, steps.get(Number(r.process_instance_id)) ?? [], now));
  // the work still open first: a clerk's list starts with what to do today
  return { items: items.sort((a, b) => Number(a.current === null) - Number(b.current === null)) };
}

export async function getLaunchOrThrow(db: Db, actor: Actor, id: number, now: Date): Promise<LaunchView> {
  assertCan(actor, 'retail', 'read');
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT ${SELECT} FROM ${FROM} WHERE l.id = ${sql.param(id)} AND ${storeScopeSql(actor, sql)}`));
  if (!rows[0]) throw new AppError('LAUNCH_NOT_FOUND', { id });
  const pid = Number(rows[0].process_instance_id);
  return toView(actor, rows[0], (await stepsOf(db, [pid])).get(pid) ?? [], now);
}

/** Starts a launch: the process's four actions go to the store's clerk, due from the launch date. */
export async function createLaunch(db: Db, actor: Actor, input: CreateLaunchInput, d: FlowDeps): Promise<LaunchView> {
  assertCan(actor, 'retail', 'create');
  const sql = new Sql();
  const { rows: [store] } = await db.query(sql.unprepared(
    `SELECT s.customer_id FROM retail_stores s JOIN customers c ON c.id = s.customer_id
      WHERE s.customer_id = ${sql.param(input.storeId)} AND ${storeScopeSql(actor, sql)}`));
  if (!store) throw new AppError('STORE_NOT_FOUND', { storeId: input.storeId });
  const { rows: [product] } = await db.query('SELECT id FROM retail_products WHERE id = $1', [input.productId]);
  if (!product) throw new AppError('PRODUCT_NOT_FOUND', { productId: input.productId });
  const { rows: clerks } = await db.query(
    `SELECT u.id, u.department_id FROM retail_clerks k JOIN users u ON u.id = k.user_id
      WHERE k.store_id = $1 AND u.active AND ($2::bigint IS NULL OR u.id = $2) ORDER BY u.id LIMIT 1`,
    [input.storeId, input.clerkId ?? null]);
  if (!clerks[0]) {
    throw new AppError('CLERK_NOT_IN_STORE', { storeId: input.storeId, clerkId: input.clerkId ?? null },
      input.clerkId ? '该店员不属于这家门店' : '这家门店还没有店员，请先邀请店员加入');
  }
  const { rows: existing } = await db.query('SELECT id FROM retail_launches WHERE store_id = $1 AND product_id = $2', [input.storeId, input.productId]);
  if (existing[0]) throw new AppError('LAUNCH_EXISTS', { launchId: Number(existing[0].id) });
  const process = await instantiateProcess(db, actor, { templateCode: LAUNCH_TEMPLATE_CODE, customerId: input.storeId }, d, {
    assignee: { id: Number(clerks[0].id), departmentId: clerks[0].department_id === null ? null : Number(clerks[0].department_id) },
    dueFrom: shanghaiInstant(input.launchDate, 9),
  });
  const { rows: [l] } = await db.query(
    `INSERT INTO retail_launches (store_id, product_id, launch_date, process_instance_id, created_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
    [input.storeId, input.productId, input.launchDate, process.id, actor.id, d.now]);
  return getLaunchOrThrow(db, actor, Number(l.id), d.now);
}

export type LaunchStepInput =
  | { step: 'bind'; shelfCode: string; barcode: string }
  | { step: 'display'; attachmentIds: number[] }
  | { step: 'first_day_sales'; firstDaySales: number }
  | { step: 'enquiries'; enquiries: Array<{ question: string; count: number }> };

/**
 * Step ①'s scans, checked against what only retail knows: the shelf code must
 * be one of this store's, the barcode the launched product's. Returns the
 * shelf position to bind.
 */
async function checkScans(db: Db, launch: LaunchView, shelfCode: string, barcode: string): Promise<number> {
  const { rows: [pos] } = await db.query(
    `SELECT sp.id, sp.store_id, c.name AS store_name FROM retail_shelf_positions sp JOIN customers c ON c.id = sp.store_id WHERE sp.code = $1`, [shelfCode]);
  if (!pos) throw new AppError('SHELF_CODE_UNKNOWN', { shelfCode }, `货架位码「${shelfCode}」不是本系统的货架位码，请扫描货架上的货架位标签`);
  if (Number(pos.store_id) !== launch.store.id) {
    throw new AppError('SHELF_CODE_OTHER_STORE', { shelfCode, storeId: Number(pos.store_id) },
      `货架位码「${shelfCode}」属于其他门店，请扫描本店（${launch.store.name}）的货架位`);
  }
  if (barcode === launch.product.barcode) return Number(pos.id);
  const { rows: [other] } = await db.query('SELECT name FROM retail_products WHERE barcode = $1', [barcode]);
  if (!other) throw new AppError('BARCODE_UNKNOWN', { barcode }, `条码 ${barcode} 不在商品目录中，请扫描新品「${launch.product.name}」包装上的条码`);
  throw new AppError('BARCODE_NOT_LAUNCHED', { barcode, expected: launch.product.barcode },
    `扫到的是「${other.name}」，本次上架的新品是「${launch.product.name}」（条码 ${launch.product.barcode}）`);
}

function reportOf(input: LaunchStepInput, launch: LaunchView): { fields: Record<string, unknown>; attachmentIds: number[] } {
  switch (input.step) {
    case 'bind': return { fields: { shelfCode: input.shelfCode, barcode: input.barcode, productName: launch.product.name }, attachmentIds: [] };
    case 'display': return { fields: {}, attachmentIds: input.attachmentIds };
    case 'first_day_sales': return { fields: { firstDaySales: input.firstDaySales }, attachmentIds: [] };
    case 'enquiries': return { fields: { enquiries: input.enquiries }, attachmentIds: [] };
  }
}

/**
 * Files one step through the action engine: its order (409 ACTION_LOCKED
 * naming the missing step) and its gate rules (422 VISIT_REPORT_REJECTED) are
 * the engine's; step ① binds the shelf position once accepted. Run in one
 * transaction, so a refused scan writes nothing.
 */
export async function submitLaunchStep(
  db: Db, actor: Actor, launchId: number, input: LaunchStepInput, d: FlowDeps, idempotency?: IdempotencyRequest | null,
): Promise<{ result: SubmissionResult; launch: LaunchView }> {
  assertCan(actor, 'retail', 'read');
  const launch = await getLaunchOrThrow(db, actor, launchId, d.now);
  const step = launch.steps.find((s) => s.key === (input.step satisfies LaunchStepKey))!;
  if (step.done) throw new AppError('LAUNCH_STEP_DONE', { launchId, step: step.key }, `「${step.title}」已经完成，无需重复提交`);
  // the order first: a step that cannot start says which one is missing, whatever else its body lacks
  const def = await loadActiveDefinitionOrThrow(db, LAUNCH_STEPS.find((s) => s.key === step.key)!.definitionCode);
  await assertUnlocked(db, def, { actionId: step.actionId, customerId: launch.store.id, opportunityId: null }, d.now);
  if (input.step === 'first_day_sales') {
    await assertPlausibleUnits(db, input.firstDaySales, 'firstDaySales', (max) => `首日销量超过${max}件，请核对后再填`);
  }
  const shelfPositionId = input.step === 'bind' ? await checkScans(db, launch, input.shelfCode, input.barcode) : null;
  const result = await submitVisitReport(db, actor, step.actionId, { ...reportOf(input, launch), linkedOrderIds: [] }, d, idempotency);
  if (result.ok && shelfPositionId !== null) await db.query('UPDATE retail_launches SET shelf_position_id = $2 WHERE id = $1', [launchId, shelfPositionId]);
  // ③ is the clerk's own figure for the launch day: 数据填报准确率 holds it against the POS's
  if (result.ok && input.step === 'first_day_sales' && actor.role === 'clerk') {
    await recordClerkSales(db, actor, { productId: launch.product.id, day: launch.launchDate, units: input.firstDaySales }, 'launch', d.now);
  }
  return { result, launch: await getLaunchOrThrow(db, actor, launchId, d.now) };
}
