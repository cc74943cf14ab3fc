/**
 * Creating actions: a manager dispatching to a rep in scope, a rep creating
 * their own, a downstream action from an upstream one, and (processes.ts)
 * one action per process node. Each gets a due time in working days, its
 * escalation plan, an 'action.dispatched' event and, when someone else
 * assigned it, a WeCom card to the assignee — all in the caller's transaction.
 *
 *   await dispatchAction(db, actor, { definitionCode: 'visit', customerId, assigneeId }, { now, publicUrl });
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import type { EscalationPolicy } from '../flow/escalation.js';
import { addWorkingDays, type WorkCalendar } from '../flow/working-days.js';
import { actionUrl, dispatchedCard } from './action-cards.js';
import { enqueueMessage } from '../outbox/enqueue.js';
import { recordEvent } from '../resources/events.js';
import { resolveOwner } from '../resources/ownership.js';
import { getActionRowOrThrow, loadActionRow, toActionView, type ActionRow } from './action-repo.js';
import type { ActionView, DispatchActionInput, DownstreamActionInput, Requirement } from './action-schemas.js';
import { loadActiveDefinitionOrThrow, loadWorkCalendar, type StoredDefinition } from './definitions.js';
import { dispatchDueDays } from './dispatch-rules.setting.js';
import { writeEscalationSteps, type WrittenStep } from './escalation-steps.js';
import { assertUnlocked } from './state-lock.js';

export interface FlowDeps { now: Date; publicUrl: string }

export interface NewAction {
  def: StoredDefinition;
  title: string;
  customerId: number;
  opportunityId: number | null;
  assignee: { id: number; departmentId: number | null };
  assignerId: number;
  requirements: Requirement[];
  dueAt: Date;
  processInstanceId?: number;
  nodeKey?: string;
  parentActionId?: number;
  /** A node's own policy; the definition's otherwise. */
  escalation?: EscalationPolicy;
}

/** Inserts the row, its escalation plan, the event and the assignee's card. */
export async function insertAction(
  db: Db, n: NewAction, calendar: WorkCalendar, d: FlowDeps,
): Promise<{ action: ActionRow; escalationSteps: WrittenStep[] }> {
  const { rows } = await db.query(
    `INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, opportunity_id,
       assignee_id, assigner_id, department_id, process_instance_id, node_key, parent_action_id, requirements,
       escalation, due_at, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16) RETURNING id`,
    [n.def.id, n.def.code, n.def.version, n.title, n.customerId, n.opportunityId, n.assignee.id, n.assignerId,
      n.assignee.departmentId, n.processInstanceId ?? null, n.nodeKey ?? null, n.parentActionId ?? null,
      JSON.stringify(n.requirements), n.escalation ? JSON.stringify(n.escalation) : null, n.dueAt, d.now],
  );
  const action = await loadActionRow(db, rows[0].id);
  const escalationSteps = await writeEscalationSteps(db, action, n.escalation ?? n.def.escalation, n.dueAt, calendar);
  await recordEvent(db, {
    actorId: n.assignerId, entityType: 'action', entityId: action.id, type: 'action.dispatched', at: d.now,
    data: {
      to: 'dispatched', version: 1, title: n.title, definitionCode: n.def.code, definitionVersion: n.def.version,
      customerId: n.customerId, assigneeId: n.assignee.id, dueAt: n.dueAt.toISOString(), requirements: n.requirements,
      selfAssigned: n.assignee.id === n.assignerId,
      ...(n.processInstanceId ? { processInstanceId: n.processInstanceId, nodeKey: n.nodeKey } : {}),
      ...(n.parentActionId ? { parentActionId: n.parentActionId } : {}),
    },
  });
  if (n.assignee.id !== n.assignerId) await notifyAssignee(db, action, n.assignerId, d.publicUrl);
  return { action, escalationSteps };
}

async function notifyAssignee(db: Db, a: ActionRow, assignerId: number, publicUrl: string): Promise<void> {
  const { rows } = await db.query('SELECT name FROM users WHERE id = $1', [assignerId]);
  const need = a.requirements.map((r) => `${r.tag}×${r.min}`);
  await enqueueMessage(db, {
    dedupeKey: `action:${a.id}:dispatched`, recipient: a.assigneeWecomUserid,
    ...dispatchedCard(a, rows[0]?.name ?? '', need, actionUrl(publicUrl, a.id)),
  });
}

/** The customer (and opportunity) must be the actor's to work on; 422 otherwise, as for other references. */
export async function assertCustomerReference(db: Db, actor: Actor, customerId: number, opportunityId?: number | null): Promise<string> {
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT c.name FROM customers c WHERE c.id = ${sql.param(customerId)} AND ${scopeSql(actor, { ownerCol: 'c.owner_id', deptCol: 'c.department_id' }, sql)}`));
  if (!rows[0]) throw new AppError('REFERENCE_INVALID', { customerId });
  if (opportunityId) {
    const opp = await db.query('SELECT 1 FROM opportunities WHERE id = $1 AND customer_id = $2', [opportunityId, customerId]);
    if (!opp.rows[0]) throw new AppError('REFERENCE_INVALID', { opportunityId, customerId }, '商机不存在或不属于该客户');
  }
  return rows[0].name;
}

export async function dispatchAction(
  db: Db, actor: Actor, input: DispatchActionInput, d: FlowDeps, parentActionId?: number,
): Promise<ActionView> {
  assertCan(actor, 'actions', 'create');
  const def = await loadActiveDefinitionOrThrow(db, input.definitionCode);
  const customerName = await assertCustomerReference(db, actor, input.customerId, input.opportunityId);
  const assignee = await resolveOwner(db, actor, input.assigneeId);
  const opportunityId = input.opportunityId ?? null;
  await assertUnlocked(db, def, { customerId: input.customerId, opportunityId }, d.now);
  const calendar = await loadWorkCalendar(db);
  // the dispatcher's own days, else the assignee's department's rule (派发时限), else the type's default
  const dueWorkingDays = input.dueWorkingDays ?? await dispatchDueDays(db, def.code, assignee.departmentId) ?? def.dueWorkingDays;
  const { action } = await insertAction(db, {
    def, title: input.title ?? `${def.name}：${customerName}`, customerId: input.customerId, opportunityId,
    assignee, assignerId: actor.id, requirements: input.requirements ?? [], parentActionId,
    dueAt: addWorkingDays(d.now, dueWorkingDays, calendar),
  }, calendar, d);
  return toActionView(action, d.now);
}

/** The next step of a piece of work (quote after a visit …) for the same customer and opportunity. */
export async function createDownstreamAction(
  db: Db, actor: Actor, upstreamId: number, input: DownstreamActionInput, d: FlowDeps,
): Promise<ActionView> {
  const up = await getActionRowOrThrow(db, actor, upstreamId);
  return dispatchAction(db, actor, {
    ...input, customerId: up.customerId, opportunityId: up.opportunityId ?? undefined,
    assigneeId: input.assigneeId ?? up.assigneeId,
  }, d, up.id);
}
