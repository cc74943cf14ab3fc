/**
 * 门店整改 actions: what a store has to put right — a patrol item that
 * failed, or a scorecard metric a manager picked — assigned to the store
 * (its first active clerk, else its rep) through the action engine, due in
 * the patrol rules' working days.
 *
 *   const ids = await raiseStoreFixes(db, inspector, storeId, ['整改：陈列（新品不在指定位）'], d);
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { STORE_FIX_CODE } from '../flow/retail-actions.js';
import { addWorkingDays } from '../flow/working-days.js';
import { readSetting } from '../settings/read.js';
import { loadActiveDefinitionOrThrow, loadWorkCalendar } from '../actions/definitions.js';
import { insertAction, type FlowDeps } from '../actions/dispatch.js';
import { patrolRules } from './patrol-rules.setting.js';

export async function raiseStoreFixes(db: Db, actor: Actor, storeId: number, titles: readonly string[], d: FlowDeps): Promise<number[]> {
  if (!titles.length) return [];
  const { rows: [who] } = await db.query(
    `SELECT u.id, u.department_id FROM users u
      WHERE u.active AND u.id = coalesce((SELECT k.user_id FROM retail_clerks k JOIN users x ON x.id = k.user_id WHERE k.store_id = $1 AND x.active ORDER BY k.user_id LIMIT 1),
                                         (SELECT owner_id FROM customers WHERE id = $1))`, [storeId]);
  if (!who) throw new AppError('CLERK_NOT_IN_STORE', { storeId }, '这家门店没有店员或负责人，整改事项无人接收');
  const def = await loadActiveDefinitionOrThrow(db, STORE_FIX_CODE);
  const calendar = await loadWorkCalendar(db);
  const { fixDueWorkingDays } = await readSetting(db, patrolRules, { departmentPath: actor.departmentPath });
  const dueAt = addWorkingDays(d.now, fixDueWorkingDays, calendar);
  const ids: number[] = [];
  for (const title of titles) {
    const { action } = await insertAction(db, {
      def, title, customerId: storeId, opportunityId: null,
      assignee: { id: Number(who.id), departmentId: who.department_id === null ? null : Number(who.department_id) }, assignerId: actor.id,
      requirements: [], dueAt,
    }, calendar, d);
    ids.push(action.id);
  }
  return ids;
}
