/**
 * A supervisor's own to-do list: the rows core/actions/effects.ts writes to
 * `supervisor_todos` (a rep's report rejected, a submission to verify, an
 * escalation to handle), listed for the supervisor they were addressed to —
 * whatever the caller's role, never anyone else's — and marked done by them.
 *
 *   const page = await listSupervisorTodos(db, actor, { status: 'open', limit: 50, order: 'desc', sort: 'id' });
 *   await markSupervisorTodoDone(db, actor, todoId, now);
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { runList, type Page } from '../resources/pagination.js';
import { statusLabel } from './action-repo.js';
import type { ListSupervisorTodosQueryInput, SupervisorTodoView } from './action-schemas.js';

const KIND_LABELS: Record<SupervisorTodoView['kind'], string> = {
  submission_rejected: '提交未通过', verify_submission: '待核验', handle_escalation: '逾期督办',
};

const SELECT = `t.id, t.kind, t.day, t.attempts, t.failures, t.done_at, t.created_at, t.updated_at,
  a.id AS action_id, a.title, a.status, a.completion_mode, c.name AS customer_name, u.name AS assignee_name`;
const FROM = `supervisor_todos t JOIN actions a ON a.id = t.action_id JOIN customers c ON c.id = a.customer_id
  JOIN users u ON u.id = a.assignee_id`;
const SORTS = { id: 't.id', day: 't.day' } as const;

function toTodoView(r: any): SupervisorTodoView {
  return {
    id: r.id, kind: r.kind, kindLabel: KIND_LABELS[r.kind as SupervisorTodoView['kind']], day: r.day, attempts: r.attempts,
    failures: (r.failures as Array<{ code: string; message: string }>).map((f) => ({ code: f.code, message: f.message })),
    status: r.done_at ? 'done' : 'open', doneAt: r.done_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    action: { id: r.action_id, title: r.title, status: r.status, statusLabel: statusLabel({ status: r.status, completionMode: r.completion_mode }) },
    customerName: r.customer_name, assigneeName: r.assignee_name, link: `/actions/${r.action_id}`,
  };
}

/** The caller's to-dos (supervisor_id = caller), open by default, filtered by day and kind. */
export function listSupervisorTodos(db: Db, actor: Actor, q: ListSupervisorTodosQueryInput): Promise<Page<SupervisorTodoView>> {
  const sql = new Sql();
  const where = [`t.supervisor_id = ${sql.param(actor.id)}`, q.status === 'open' ? 't.done_at IS NULL' : 't.done_at IS NOT NULL'];
  if (q.day) where.push(`t.day = ${sql.param(q.day)}`);
  if (q.kind) where.push(`t.kind = ${sql.param(q.kind)}`);
  return runList(db, { select: SELECT, from: FROM, where, sql, sortExpr: SORTS[q.sort], idExpr: 't.id', page: q }, toTodoView);
}

/** Marks one of the caller's to-dos done; a second call changes nothing. Anyone else's is a 404. */
export async function markSupervisorTodoDone(db: Db, actor: Actor, id: number, now: Date): Promise<SupervisorTodoView> {
  const found = await db.query('SELECT id FROM supervisor_todos WHERE id = $1 AND supervisor_id = $2 FOR UPDATE', [id, actor.id]);
  if (!found.rows[0]) throw new AppError('SUPERVISOR_TODO_NOT_FOUND', { id });
  await db.query('UPDATE supervisor_todos SET done_at = $2, updated_at = $2 WHERE id = $1 AND done_at IS NULL', [id, now]);
  const { rows } = await db.query(`SELECT ${SELECT} FROM ${FROM} WHERE t.id = $1`, [id]);
  return toTodoView(rows[0]);
}
