/**
 * Patrol plans (巡店计划): each inspector's stores and how often each is due
 * (every N days), kept by whoever manages them — the region's manager for
 * their inspectors and stores, a director or admin for all. A plan is saved
 * whole; a store out of the editor's reach or a frequency outside 1–90 days
 * is refused and nothing changes. The route (patrols.ts) reads the plan.
 *
 *   const { inspectors, stores } = await listPatrolPlans(db, manager);
 *   await savePatrolPlan(db, manager, inspectorId, { stores: [{ storeId, everyDays: 7 }] });
 */
import type { Actor } from '../auth/actor.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import type { PatrolPlansView, SavePatrolPlanInput } from './patrol-plan-schemas.js';
import { storeScopeSql } from './store-scope.js';

function assertMayPlan(actor: Actor): void {
  if (!['manager', 'director', 'admin'].includes(actor.role)) {
    throw new AppError('FORBIDDEN', { resource: 'retail', verb: 'plan' }, '巡店计划由区域主管、销售总监或管理员安排');
  }
}

/** Inspectors the actor manages: a manager's department subtree's, everyone's for a director or admin. */
function inspectorScope(actor: Actor, sql: Sql): string {
  if (actor.role !== 'manager') return 'TRUE';
  return actor.departmentPath ? inDepartmentSubtree(sql, 'u.department_id', { path: actor.departmentPath }) : 'FALSE';
}

const storeScope = (actor: Actor, sql: Sql) => (actor.role === 'admin' ? 'TRUE' : storeScopeSql(actor, sql));

export async function listPatrolPlans(db: Db, actor: Actor): Promise<PatrolPlansView> {
  assertMayPlan(actor);
  const sql = new Sql();
  const { rows: inspectors } = await db.query(sql.unprepared(
    `SELECT u.id, u.name, u.position,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('storeId', c.id, 'name', c.name, 'everyDays', r.every_days,
                      'lastPatrolAt', (SELECT max(p.finished_at) FROM retail_patrols p WHERE p.store_id = c.id)) ORDER BY c.name), '[]')
               FROM retail_inspector_stores r JOIN customers c ON c.id = r.store_id WHERE r.inspector_id = u.id) AS stores
       FROM users u WHERE u.role = 'inspector' AND u.active AND ${inspectorScope(actor, sql)} ORDER BY u.id LIMIT 200`));
  const sq = new Sql();
  const { rows: stores } = await db.query(sq.unprepared(
    `SELECT c.id, c.name, c.address FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE ${storeScope(actor, sq)} ORDER BY c.name LIMIT 1000`));
  return {
    inspectors: inspectors.map((r) => ({ id: Number(r.id), name: r.name, position: r.position, stores: r.stores })),
    stores: stores.map((r) => ({ id: Number(r.id), name: r.name, address: r.address })),
  };
}

/** Replaces the inspector's plan with `input.stores` (each once, its frequency in days). */
export async function savePatrolPlan(db: Db, actor: Actor, inspectorId: number, input: SavePatrolPlanInput): Promise<PatrolPlansView['inspectors'][number]> {
  assertMayPlan(actor);
  const sql = new Sql();
  const { rows: [inspector] } = await db.query(sql.unprepared(
    `SELECT u.id FROM users u WHERE u.id = ${sql.param(inspectorId)} AND u.role = 'inspector' AND u.active AND ${inspectorScope(actor, sql)} FOR UPDATE`));
  if (!inspector) throw new AppError('INSPECTOR_NOT_FOUND', { inspectorId });
  const ids = input.stores.map((s) => s.storeId);
  const sq = new Sql();
  const { rows: reach } = await db.query(sq.unprepared(
    `SELECT s.customer_id AS id FROM retail_stores s JOIN customers c ON c.id = s.customer_id
      WHERE s.customer_id = ANY(${sq.param(ids)}::bigint[]) AND ${storeScope(actor, sq)}`));
  const missing = ids.filter((id) => !reach.some((r) => Number(r.id) === id));
  if (missing.length) throw new AppError('STORE_NOT_FOUND', { storeIds: missing }, '有门店不存在或不在你的管辖范围内，巡店计划未保存');
  await db.query('DELETE FROM retail_inspector_stores WHERE inspector_id = $1 AND NOT (store_id = ANY($2::bigint[]))', [inspectorId, ids]);
  await db.query(
    `INSERT INTO retail_inspector_stores (inspector_id, store_id, every_days) SELECT $1, x.s, x.d FROM unnest($2::bigint[], $3::int[]) AS x(s, d)
     ON CONFLICT (inspector_id, store_id) DO UPDATE SET every_days = EXCLUDED.every_days`,
    [inspectorId, ids, input.stores.map((s) => s.everyDays)]);
  const { inspectors } = await listPatrolPlans(db, actor);
  return inspectors.find((i) => i.id === inspectorId)!;
}
