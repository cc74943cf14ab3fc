/**
 * Mandatory processes once started (入院准入 …): the list in reach, one
 * process with its nodes — due dates, who is late and by how much, what each
 * node still needs — and the process-level decisions: pause (deadlines stop,
 * nothing escalates), resume (open nodes' deadlines move by the pause) and
 * cancel (open nodes archived with the reason, assignees told). A node is
 * completed as any action is: its evidence filed on the action page.
 *
 *   const p = await getProcessOrThrow(db, actor, id, now);
 *   await pauseProcess(tx, actor, id, '客户院内采购暂停，等待新院长到任', { now, publicUrl });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan, can } from '../auth/permissions.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { describeStatus } from '../flow/action-machine.js';
import type { ActionStatus } from '../flow/types.js';
import { recordEvent } from '../resources/events.js';
import { IdParam } from '../resources/schemas.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import { loadActionRow } from './action-repo.js';
import type { LifecycleDeps } from './lifecycle.js';
import { writeTransition } from './write-transition.js';

export const PROCESS_STATUSES = ['active', 'paused', 'cancelled'] as const;
export const PROCESS_STATUS_LABELS = { active: '进行中', paused: '已暂停', cancelled: '已取消', completed: '已完成' } as const;

const DONE: ActionStatus[] = ['submitted', 'verified', 'archived'];
const DAY = 86_400_000;

const NodeSchema = z.object({
  actionId: z.number(),
  nodeKey: z.string(),
  title: z.string(),
  definitionName: z.string(),
  assigneeId: z.number(),
  assigneeName: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  dueAt: z.string().nullable(),
  /** Past due and not filed: who is late, and by how many calendar days. */
  lateDays: z.number().nullable(),
  doneAt: z.string().nullable(),
  /** Evidence the node asks for, e.g. 签字版技术确认书. */
  requirements: z.array(z.object({ tag: z.string(), min: z.number(), kind: z.string().optional() })),
});

export const ProcessViewSchema = z.object({
  id: z.number(),
  templateCode: z.string(),
  templateName: z.string(),
  customerId: z.number(),
  customerName: z.string(),
  status: z.enum([...PROCESS_STATUSES, 'completed']),
  statusLabel: z.string(),
  statusReason: z.string().nullable(),
  statusBy: z.string().nullable(),
  statusAt: z.string().nullable(),
  startedBy: z.string(),
  startedAt: z.string(),
  done: z.number(),
  total: z.number(),
  late: z.number(),
  nodes: z.array(NodeSchema),
});
export type ProcessView = z.infer<typeof ProcessViewSchema>;

export const ListProcessesQuery = z.object({
  customerId: IdParam.optional(),
  status: z.enum(PROCESS_STATUSES).optional(),
}).strict();

export const ProcessDecisionSchema = z.strictObject({ reason: z.string().trim().min(1, '请填写原因').max(500, '不能超过500个字') });
export const ResumeProcessSchema = z.strictObject({ note: z.string().trim().max(500).optional() });

const SELECT = `p.*, t.name AS template_name, c.name AS customer_name, s.name AS started_by_name, b.name AS status_by_name`;
const FROM = `process_instances p JOIN process_templates t ON t.code = p.template_code JOIN customers c ON c.id = p.customer_id
  JOIN users s ON s.id = p.started_by LEFT JOIN users b ON b.id = p.status_by`;
// a process is seen by whoever sees its customer
const processScope = (actor: Actor, sql: Sql) => scopeSql(actor, { ownerCol: 'c.owner_id', deptCol: 'c.department_id' }, sql);

async function nodesOf(db: Db, ids: number[], now: Date): Promise<Map<number, ProcessView['nodes']>> {
  const { rows } = await db.query(
    `SELECT a.id, a.process_instance_id, a.node_key, a.title, a.assignee_id, u.name AS assignee_name, d.name AS definition_name,
            a.status, a.due_at, a.requirements, a.completion_mode, COALESCE(a.verified_at, a.submitted_at, a.archived_at) AS done_at
       FROM actions a JOIN users u ON u.id = a.assignee_id JOIN action_definitions d ON d.id = a.definition_id
      WHERE a.process_instance_id = ANY($1::bigint[]) ORDER BY a.process_instance_id, a.due_at NULLS LAST, a.id`, [ids]);
  const by = new Map<number, ProcessView['nodes']>();
  for (const r of rows) {
    const done = DONE.includes(r.status);
    // whole days past the deadline, at least 1 once it has passed
    const late = !done && r.due_at && r.due_at < now ? Math.max(1, Math.floor((now.getTime() - r.due_at.getTime()) / DAY)) : null;
    const list = by.get(Number(r.process_instance_id)) ?? [];
    list.push({
      actionId: r.id, nodeKey: r.node_key, title: r.title, definitionName: r.definition_name, assigneeId: r.assignee_id,
      assigneeName: r.assignee_name, status: r.status,
      statusLabel: r.completion_mode === 'phone_only' && r.status === 'submitted' ? '已提交（仅电话完成）' : describeStatus(r.status),
      dueAt: r.due_at?.toISOString() ?? null, lateDays: late, doneAt: done ? r.done_at?.toISOString() ?? null : null,
      requirements: r.requirements ?? [],
    });
    by.set(Number(r.process_instance_id), list);
  }
  return by;
}

function toView(r: any, nodes: ProcessView['nodes']): ProcessView {
  const done = nodes.filter((n) => DONE.includes(n.status as ActionStatus)).length;
  const status = r.status === 'active' && nodes.length > 0 && done === nodes.length ? 'completed' : r.status;
  return {
    id: r.id, templateCode: r.template_code, templateName: r.template_name, customerId: r.customer_id, customerName: r.customer_name,
    status, statusLabel: PROCESS_STATUS_LABELS[status as keyof typeof PROCESS_STATUS_LABELS], statusReason: r.status_reason,
    statusBy: r.status_by_name ?? null, statusAt: r.status_at?.toISOString() ?? null,
    startedBy: r.started_by_name, startedAt: r.created_at.toISOString(),
    done, total: nodes.length, late: nodes.filter((n) => n.lateDays !== null).length, nodes,
  };
}

export async function listProcesses(db: Db, actor: Actor, q: z.infer<typeof ListProcessesQuery>, now: Date): Promise<{ items: ProcessView[] }> {
  assertCan(actor, 'actions', 'read');
  const sql = new Sql();
  const where = [processScope(actor, sql)];
  if (q.customerId) where.push(`p.customer_id = ${sql.param(q.customerId)}`);
  if (q.status) where.push(`p.status = ${sql.param(q.status)}`);
  const { rows } = await db.query(sql.unprepared(`SELECT ${SELECT} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY p.id DESC LIMIT 100`));
  const nodes = await nodesOf(db, rows.map((r) => r.id), now);
  return { items: rows.map((r) => toView(r, nodes.get(Number(r.id)) ?? [])) };
}

async function rowOrThrow(db: Db, actor: Actor, id: number, lock = false): Promise<any> {
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(
    `SELECT ${SELECT} FROM ${FROM} WHERE p.id = ${sql.param(id)} AND ${processScope(actor, sql)}${lock ? ' FOR UPDATE OF p' : ''}`));
  if (!rows[0]) throw new AppError('PROCESS_NOT_FOUND', { id });
  return rows[0];
}

export async function getProcessOrThrow(db: Db, actor: Actor, id: number, now: Date): Promise<ProcessView> {
  assertCan(actor, 'actions', 'read');
  const row = await rowOrThrow(db, actor, id);
  return toView(row, (await nodesOf(db, [id], now)).get(id) ?? []);
}

/** Pausing, resuming and cancelling are decisions of whoever may assign work: managers and directors. */
async function lockForDecision(db: Db, actor: Actor, id: number, from: Array<(typeof PROCESS_STATUSES)[number]>): Promise<any> {
  if (!can(actor, 'actions', 'assign')) throw new AppError('FORBIDDEN', { resource: 'processes', verb: 'update' }, '只有主管和总监可以暂停、恢复或取消流程');
  const row = await rowOrThrow(db, actor, id, true);
  if (!from.includes(row.status)) {
    throw new AppError('PROCESS_STATUS_INVALID', { status: row.status }, `流程当前为「${PROCESS_STATUS_LABELS[row.status as 'active']}」，不能这样操作`);
  }
  return row;
}

async function setStatus(db: Db, actor: Actor, id: number, status: string, reason: string | null, d: LifecycleDeps, extra = ''): Promise<void> {
  await db.query(`UPDATE process_instances SET status = $2, status_reason = $3, status_by = $4, status_at = $5${extra} WHERE id = $1`,
    [id, status, reason, actor.id, d.now]);
}

export async function pauseProcess(db: Db, actor: Actor, id: number, reason: string, d: LifecycleDeps): Promise<ProcessView> {
  await lockForDecision(db, actor, id, ['active']);
  await setStatus(db, actor, id, 'paused', reason, d, ', paused_at = $5');
  await recordEvent(db, { actorId: actor.id, entityType: 'process_instance', entityId: id, type: 'process.paused', data: { reason }, at: d.now });
  return getProcessOrThrow(db, actor, id, d.now);
}

/** Open nodes get the paused time back: their deadlines and pending escalation steps move by it. */
export async function resumeProcess(db: Db, actor: Actor, id: number, d: LifecycleDeps): Promise<ProcessView> {
  const row = await lockForDecision(db, actor, id, ['paused']);
  const pausedMs = Math.max(0, d.now.getTime() - row.paused_at.getTime());
  const shift = `${Math.round(pausedMs / 1000)} seconds`;
  await db.query(
    `UPDATE actions SET due_at = due_at + $2::interval, version = version + 1, updated_at = $4
      WHERE process_instance_id = $1 AND status = ANY($3) AND due_at IS NOT NULL`, [id, shift, OPEN_STATUSES, d.now]);
  await db.query(
    `UPDATE action_escalation_steps s SET due_at = s.due_at + $2::interval FROM actions a
      WHERE a.id = s.action_id AND a.process_instance_id = $1 AND s.done_at IS NULL`, [id, shift]);
  await setStatus(db, actor, id, 'active', null, d, ', paused_at = NULL');
  await recordEvent(db, { actorId: actor.id, entityType: 'process_instance', entityId: id, type: 'process.resumed', data: { pausedSeconds: Math.round(pausedMs / 1000) }, at: d.now });
  return getProcessOrThrow(db, actor, id, d.now);
}

/** Every node not filed yet is archived with the reason, and its assignee told. */
export async function cancelProcess(db: Db, actor: Actor, id: number, reason: string, d: LifecycleDeps): Promise<ProcessView> {
  await lockForDecision(db, actor, id, ['active', 'paused']);
  const { rows } = await db.query(
    'SELECT id FROM actions WHERE process_instance_id = $1 AND status = ANY($2) ORDER BY id FOR UPDATE', [id, OPEN_STATUSES]);
  for (const { id: actionId } of rows) {
    await writeTransition(db, { action: await loadActionRow(db, actionId), event: { type: 'CANCEL', by: actor.id, reason }, actorId: actor.id, ...d });
  }
  await setStatus(db, actor, id, 'cancelled', reason, d);
  await recordEvent(db, { actorId: actor.id, entityType: 'process_instance', entityId: id, type: 'process.cancelled', data: { reason, cancelledActions: rows.length }, at: d.now });
  return getProcessOrThrow(db, actor, id, d.now);
}

export const ProcessTemplateListSchema = z.object({
  items: z.array(z.object({ code: z.string(), name: z.string(), nodes: z.number() })),
});

/** The templates a process can be started from, for the start form. */
export async function listProcessTemplates(db: Db, actor: Actor): Promise<z.infer<typeof ProcessTemplateListSchema>> {
  assertCan(actor, 'actions', 'read');
  const { rows } = await db.query('SELECT code, name, jsonb_array_length(nodes) AS n FROM process_templates ORDER BY code');
  return { items: rows.map((r) => ({ code: r.code, name: r.name, nodes: r.n })) };
}
