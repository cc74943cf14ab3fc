/**
 * Reading actions: the scoped list (filters, keyset pages) and one action's
 * detail — its checklist of what is still missing, its event history and its
 * last submission's failures.
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { likePattern, Sql } from '../db/sql.js';
import { runList, type Page } from '../resources/pagination.js';
import { addCalendarDays, shanghaiInstant } from '../flow/time.js';
import {
  ACTION_FROM, ACTION_SELECT, actionScope, getActionRowOrThrow, loadActionRows, toActionRow, toActionView,
} from './action-repo.js';
import { ActionSchema, ChecklistItemSchema, type ActionDetailSchema, type ActionView, type ListActionsQueryInput } from './action-schemas.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import { evidenceOfLatestSubmission } from '../evidence-reviews/reviews.js';
import { computeChecklist } from './checklist.js';
import { storedDraft } from './drafts.js';

const SORTS = { id: 'a.id', dueAt: "COALESCE(a.due_at, 'infinity'::timestamptz)", updatedAt: 'a.updated_at' } as const;

export async function listActions(db: Db, actor: Actor, q: ListActionsQueryInput, now: Date): Promise<Page<ActionView>> {
  assertCan(actor, 'actions', 'read');
  const sql = new Sql();
  const where = [actionScope(actor, sql)];
  if (q.status?.length) where.push(`a.status = ANY(${sql.param(q.status)})`);
  if (q.assigneeId) where.push(`a.assignee_id = ${sql.param(q.assigneeId)}`);
  if (q.customerId) where.push(`a.customer_id = ${sql.param(q.customerId)}`);
  if (q.definitionCode) where.push(`a.definition_code = ${sql.param(q.definitionCode)}`);
  if (q.q) { const like = sql.param(likePattern(q.q)); where.push(`(a.title ILIKE ${like} OR c.name ILIKE ${like})`); }
  if (q.from) where.push(`a.updated_at >= ${sql.param(shanghaiInstant(q.from))}`);
  if (q.to) where.push(`a.updated_at < ${sql.param(shanghaiInstant(addCalendarDays(q.to, 1)))}`);
  if (q.overdue !== undefined) {
    const late = `(a.status IN ('overdue','escalated') OR (a.status = ANY(${sql.param(OPEN_STATUSES)}) AND a.due_at < ${sql.param(now)}))`;
    where.push(q.overdue ? late : `NOT ${late}`);
  }
  return runList(db, { select: ACTION_SELECT, from: ACTION_FROM, where, sql, sortExpr: SORTS[q.sort], idExpr: 'a.id', page: q },
    (r: any) => toActionView(toActionRow(r), now));
}

/**
 * The report as the rep filed it, for the supervisor who verifies it: what was
 * sent plus each attachment's kind, tags and capture time. The facts stored for
 * dry-runs (customer, orders, keyword libraries) stay out.
 */
function filedReport(payload: Record<string, unknown> | null): Record<string, unknown> {
  const { facts: _facts, requirements: _requirements, ...report } = payload ?? {};
  return report;
}

export async function getActionDetail(db: Db, actor: Actor, id: number, now: Date): Promise<z.infer<typeof ActionDetailSchema>> {
  const a = await getActionRowOrThrow(db, actor, id);
  const draft = await db.query('SELECT payload, submit_at FROM action_drafts WHERE action_id = $1', [id]);
  const submission = await db.query(
    'SELECT id, kind, outcome, failures, payload, created_at FROM submissions WHERE action_id = $1 ORDER BY id DESC LIMIT 1', [id]);
  const events = await db.query(
    `SELECT e.id, e.at, e.type, e.actor_id, u.name AS actor_name, e.data FROM events e LEFT JOIN users u ON u.id = e.actor_id
      WHERE e.entity_type = 'action' AND e.entity_id = $1 ORDER BY e.id`, [id]);
  const draftPayload = storedDraft(draft.rows[0]?.payload);
  const s = submission.rows[0];
  return {
    action: toActionView(a, now),
    checklist: await computeChecklist(db, a, draftPayload, now),
    draft: draftPayload as Record<string, unknown> | null,
    draftSubmitAt: draft.rows[0]?.submit_at?.toISOString() ?? null,
    evidence: await evidenceOfLatestSubmission(db, id),
    lastSubmission: s
      ? { id: s.id, kind: s.kind, outcome: s.outcome, failures: s.failures, at: s.created_at.toISOString(), payload: filedReport(s.payload) }
      : null,
    events: events.rows.map((e) => ({
      id: e.id, at: e.at.toISOString(), type: e.type, actorId: e.actor_id, actorName: e.actor_name, data: e.data,
    })),
  };
}

export const TodayItemSchema = z.object({
  action: ActionSchema,
  checklist: z.array(ChecklistItemSchema),
  /** A draft is saved on the server (the phone may hold one of its own too). */
  hasDraft: z.boolean(),
});
export type TodayItem = z.infer<typeof TodayItemSchema>;

/**
 * 今日 in one answer: the caller's open actions, late ones first then by due
 * time, each with what it still needs against its saved draft — what the
 * page used to ask for one action at a time (one round trip each on a
 * phone's connection).
 */
export async function listTodayOf(db: Db, actor: Actor, now: Date, limit = 100): Promise<{ items: TodayItem[] }> {
  const page = await listActions(db, actor, {
    status: [...OPEN_STATUSES], assigneeId: actor.id, sort: 'dueAt', order: 'asc', limit,
  } as ListActionsQueryInput, now);
  const ids = page.items.map((a) => a.id);
  const { rows: drafts } = await db.query('SELECT action_id, payload FROM action_drafts WHERE action_id = ANY($1::bigint[])', [ids]);
  const draftOf = new Map(drafts.map((d) => [Number(d.action_id), storedDraft(d.payload)]));
  // the rows in one read; each checklist then costs one (its report's facts)
  const rowOf = new Map((await loadActionRows(db, ids)).map((r) => [r.id, r]));
  const items: TodayItem[] = [];
  for (const view of page.items) {
    const row = rowOf.get(view.id);
    if (!row) continue; // gone since the list was read
    const draft = draftOf.get(view.id) ?? null;
    items.push({ action: view, checklist: await computeChecklist(db, row, draft, now), hasDraft: draft !== null });
  }
  const late = (a: ActionView) => a.overdue || a.status === 'overdue' || a.status === 'escalated';
  items.sort((x, y) => Number(late(y.action)) - Number(late(x.action)));
  return { items };
}
