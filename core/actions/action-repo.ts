/**
 * Reading actions: one SELECT, one row mapper, one scope predicate. A rep sees
 * the actions assigned to them; a manager those of their department subtree
 * (the assignee's department, kept on the row); director and admin all.
 * Anything outside the scope is a 404, so ids do not leak.
 *
 *   const row = await lockActionOrThrow(db, actor, id); // SELECT … FOR UPDATE inside the request's transaction
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeSql } from '../auth/scope.js';
import { prepared, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { describeStatus, OPEN_STATUSES } from '../flow/action-machine.js';
import type { ActionStatus } from '../flow/types.js';
import type { ActionView, Requirement } from './action-schemas.js';

/** The action row as services use it (dates as Date, ids as numbers). */
export interface ActionRow {
  id: number;
  definitionId: number;
  definitionCode: string;
  definitionVersion: number;
  definitionName: string;
  title: string;
  customerId: number;
  customerName: string;
  opportunityId: number | null;
  assigneeId: number;
  assigneeName: string;
  assigneeWecomUserid: string;
  assigneeManagerId: number | null;
  assignerId: number | null;
  departmentId: number | null;
  processInstanceId: number | null;
  nodeKey: string | null;
  parentActionId: number | null;
  status: ActionStatus;
  requirements: Requirement[];
  escalation: unknown;
  dueAt: Date | null;
  completionMode: 'evidence' | 'phone_only' | null;
  completionNote: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  verifiedAt: Date | null;
  archivedAt: Date | null;
  /**
   * Single-row reads only: the assignee's active direct manager, and which
   * definition version the rules come from (its id and a digest of the row,
   * so definitions.ts can serve it from memory without another query).
   */
  manager?: { userId: number; name: string; wecomUserid: string } | null;
  rulesDefinition?: { id: number; digest: string };
}

/** The actions table's columns by name: prepared statements select them (a `*` would break them when a column is added). */
const ACTION_COLUMNS = ['id', 'definition_id', 'definition_code', 'definition_version', 'title', 'customer_id', 'opportunity_id',
  'assignee_id', 'assigner_id', 'department_id', 'process_instance_id', 'node_key', 'parent_action_id', 'status', 'requirements',
  'escalation', 'due_at', 'completion_mode', 'completion_note', 'version', 'created_at', 'updated_at', 'submitted_at', 'verified_at',
  'archived_at'];
export const ACTION_RETURNING = ACTION_COLUMNS.join(', ');

export const ACTION_SELECT = `${ACTION_COLUMNS.map((c) => `a.${c}`).join(', ')}, c.name AS customer_name, u.name AS assignee_name, u.wecom_userid AS assignee_wecom_userid,
  u.manager_id AS assignee_manager_id, d.name AS definition_name`;
export const ACTION_FROM = `actions a JOIN customers c ON c.id = a.customer_id JOIN users u ON u.id = a.assignee_id
  JOIN action_definitions d ON d.id = a.definition_id`;

/** What a service working on ONE action needs besides the row: saves it a query for each. */
const ONE_ACTION_SELECT = `${ACTION_SELECT}, m.id AS active_manager_id, m.name AS active_manager_name, m.wecom_userid AS active_manager_wecom_userid,
  rd.id AS rules_definition_id, rd.digest AS rules_definition_digest`;
// the rules come from the ACTIVE version of the code (an admin's fix applies to open
// actions), else from the version the action was created with (definitions.ts)
const ONE_ACTION_FROM = `${ACTION_FROM}
  LEFT JOIN users m ON m.id = u.manager_id AND m.active
  LEFT JOIN LATERAL (SELECT x.id, md5(x::text) AS digest FROM action_definitions x
                      WHERE (x.code = a.definition_code AND x.active) OR x.id = a.definition_id
                      ORDER BY x.active DESC LIMIT 1) rd ON true`;


export function actionScope(actor: Actor, sql: Sql): string {
  return scopeSql(actor, { ownerCol: 'a.assignee_id', deptCol: 'a.department_id' }, sql);
}

export function toActionRow(r: any): ActionRow {
  return {
    id: r.id, definitionId: r.definition_id, definitionCode: r.definition_code, definitionVersion: r.definition_version,
    definitionName: r.definition_name, title: r.title, customerId: r.customer_id, customerName: r.customer_name,
    opportunityId: r.opportunity_id, assigneeId: r.assignee_id, assigneeName: r.assignee_name,
    assigneeWecomUserid: r.assignee_wecom_userid, assigneeManagerId: r.assignee_manager_id, assignerId: r.assigner_id,
    departmentId: r.department_id, processInstanceId: r.process_instance_id, nodeKey: r.node_key,
    parentActionId: r.parent_action_id, status: r.status, requirements: r.requirements, escalation: r.escalation,
    dueAt: r.due_at, completionMode: r.completion_mode, completionNote: r.completion_note, version: r.version,
    createdAt: r.created_at, updatedAt: r.updated_at, submittedAt: r.submitted_at, verifiedAt: r.verified_at,
    archivedAt: r.archived_at,
    ...(r.rules_definition_id === undefined ? {} : {
      manager: r.active_manager_id === null ? null : { userId: r.active_manager_id, name: r.active_manager_name, wecomUserid: r.active_manager_wecom_userid },
      rulesDefinition: { id: r.rules_definition_id, digest: r.rules_definition_digest },
    }),
  };
}

export function isOverdue(a: Pick<ActionRow, 'status' | 'dueAt'>, now: Date): boolean {
  if (a.status === 'overdue' || a.status === 'escalated') return true;
  return OPEN_STATUSES.includes(a.status) && a.dueAt !== null && a.dueAt.getTime() < now.getTime();
}

export function statusLabel(a: Pick<ActionRow, 'status' | 'completionMode'>): string {
  const label = describeStatus(a.status);
  // a phone-only completion must never pass for a documented one
  return a.completionMode === 'phone_only' && a.status !== 'archived' ? `${label}（仅电话完成）` : label;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toActionView(a: ActionRow, now: Date): ActionView {
  return {
    id: a.id, definitionCode: a.definitionCode, definitionVersion: a.definitionVersion, definitionName: a.definitionName,
    title: a.title, customerId: a.customerId, customerName: a.customerName, opportunityId: a.opportunityId,
    assigneeId: a.assigneeId, assigneeName: a.assigneeName, assignerId: a.assignerId, departmentId: a.departmentId,
    processInstanceId: a.processInstanceId, nodeKey: a.nodeKey, parentActionId: a.parentActionId, status: a.status,
    statusLabel: statusLabel(a), overdue: isOverdue(a, now), requirements: a.requirements, dueAt: iso(a.dueAt),
    completionMode: a.completionMode, completionNote: a.completionNote, version: a.version,
    createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString(), submittedAt: iso(a.submittedAt),
    verifiedAt: iso(a.verifiedAt), archivedAt: iso(a.archivedAt),
  };
}

/** More of one action's read, in the same query: columns and joins written against `st`, whose $1 is the action id. */
export type ActionReadExtra = (st: Sql) => { columns: string; joins: string };

/** One action in the caller's scope (404 outside it), locked if asked, with `extra` read in the same query; the whole row comes back too. */
export async function readActionWith(
  db: Db, actor: Actor, id: number, { lock, extra }: { lock: boolean; extra?: ActionReadExtra },
): Promise<{ action: ActionRow; row: any }> {
  assertCan(actor, 'actions', 'read');
  const st = new Sql();
  const where = `a.id = ${st.param(id)} AND ${actionScope(actor, st)}`;
  const more = extra?.(st);
  const read = () => db.query(st.prepared(
    `SELECT ${ONE_ACTION_SELECT}${more ? `, ${more.columns}` : ''} FROM ${ONE_ACTION_FROM} ${more?.joins ?? ''}
      WHERE ${where}${lock ? ' FOR UPDATE OF a' : ''}`));
  let { rows: [row] } = await read();
  // FOR UPDATE waits for a concurrent writer, then re-checks the row it waited for against the rows
  // it had joined before waiting: after a reassign the old assignee's row no longer joins, and an
  // action that exists would read as gone (404). A second statement sees the new row whole.
  if (!row && lock) ({ rows: [row] } = await read());
  if (!row) throw new AppError('ACTION_NOT_FOUND', { id });
  return { action: toActionRow(row), row };
}

export async function getActionRowOrThrow(db: Db, actor: Actor, id: number): Promise<ActionRow> {
  return (await readActionWith(db, actor, id, { lock: false })).action;
}

/** Locks the row for the rest of the transaction: concurrent writers on one action queue here. */
export async function lockActionOrThrow(db: Db, actor: Actor, id: number): Promise<ActionRow> {
  return (await readActionWith(db, actor, id, { lock: true })).action;
}

/** Unscoped read by id, for system paths (effects, state locks) that already checked access. */
export async function loadActionRow(db: Db, id: number): Promise<ActionRow> {
  const { rows } = await db.query(prepared(`SELECT ${ONE_ACTION_SELECT} FROM ${ONE_ACTION_FROM} WHERE a.id = $1`, [id]));
  if (!rows[0]) throw new AppError('ACTION_NOT_FOUND', { id });
  return toActionRow(rows[0]);
}

/** Unscoped read of several actions by id (a list the caller already scoped), in one query; missing ids are left out. */
export async function loadActionRows(db: Db, ids: readonly number[]): Promise<ActionRow[]> {
  const { rows } = await db.query(prepared(`SELECT ${ONE_ACTION_SELECT} FROM ${ONE_ACTION_FROM} WHERE a.id = ANY($1::bigint[])`, [ids]));
  return rows.map(toActionRow);
}

/** 409 CONFLICT when the client edited an older version than the one stored. */
export function assertVersion(a: Pick<ActionRow, 'id' | 'version'>, expected: number | undefined): void {
  if (expected !== undefined && expected !== a.version) {
    throw new AppError('CONFLICT', { actionId: a.id, expectedVersion: expected, currentVersion: a.version });
  }
}
