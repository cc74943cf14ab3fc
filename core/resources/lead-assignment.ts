import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { isPathInSubtree } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { recordEvent } from './events.js';
import { resolveOwner } from './ownership.js';
import { Id, OptionalText } from './schemas.js';

/**
 * Who gets a lead: named by hand, the next rep of a team in rotation, or the
 * team of the lead's territory (its department, or a given region) in rotation.
 * Every (re)assignment is a row in lead_assignments and an event.
 */
const Reason = OptionalText(500);
export const AssignLeadSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('manual'), assigneeId: Id, reason: Reason }).strict(),
  z.object({ method: z.literal('round_robin'), departmentId: Id, reason: Reason }).strict(),
  z.object({ method: z.literal('territory'), region: Id.optional(), reason: Reason }).strict(),
], { error: '分配方式应为 manual、round_robin 或 territory' });
export type AssignLead = z.infer<typeof AssignLeadSchema>;

export const LeadAssignmentSchema = z.object({
  id: z.number(),
  leadId: z.number(),
  fromUserId: z.number().nullable(),
  fromUserName: z.string().nullable(),
  toUserId: z.number(),
  toUserName: z.string(),
  method: z.enum(['round_robin', 'territory', 'manual']),
  reason: z.string().nullable(),
  byUserId: z.number().nullable(),
  byUserName: z.string().nullable(),
  at: z.string(),
});
export type LeadAssignment = z.infer<typeof LeadAssignmentSchema>;

/** A department the actor may route work to: any for the director, the own subtree for a manager. */
export async function requireDepartmentInScope(db: Db, actor: Actor, departmentId: number): Promise<{ id: number; path: string }> {
  const { rows } = await db.query('SELECT id, path FROM departments WHERE id = $1 AND active', [departmentId]);
  const d = rows[0];
  const inScope = d && (actor.role === 'director' || actor.role === 'admin' ||
    (actor.role === 'manager' && isPathInSubtree(d.path, actor.departmentPath)));
  if (!inScope) throw new AppError('DEPARTMENT_NOT_FOUND', { departmentId }, '部门不存在或不在你的管理范围内');
  return { id: d.id, path: d.path };
}

/**
 * The next active rep of team `departmentId` after the last one who got a lead
 * (by id, wrapping). The rotation row is locked FOR UPDATE, so concurrent
 * assignments into one team queue up and never hand out the same turn twice.
 */
export async function nextRepInRotation(db: Db, departmentId: number): Promise<{ id: number; departmentId: number }> {
  await db.query('INSERT INTO lead_rotation (department_id) VALUES ($1) ON CONFLICT (department_id) DO NOTHING', [departmentId]);
  const { rows: [rotation] } = await db.query(
    'SELECT last_user_id FROM lead_rotation WHERE department_id = $1 FOR UPDATE', [departmentId]);
  const { rows: [next] } = await db.query(
    `SELECT id FROM users WHERE department_id = $1 AND role = 'rep' AND active
      ORDER BY (id <= $2), id LIMIT 1`,
    [departmentId, rotation.last_user_id ?? 0],
  );
  if (!next) throw new AppError('NO_ASSIGNEE_AVAILABLE', { departmentId });
  await db.query('UPDATE lead_rotation SET last_user_id = $2 WHERE department_id = $1', [departmentId, next.id]);
  return { id: next.id, departmentId };
}

async function resolveTarget(
  db: Db, actor: Actor, lead: { departmentId: number | null }, body: AssignLead,
): Promise<{ id: number; departmentId: number | null }> {
  switch (body.method) {
    case 'manual':
      return resolveOwner(db, actor, body.assigneeId);
    case 'round_robin':
      return nextRepInRotation(db, (await requireDepartmentInScope(db, actor, body.departmentId)).id);
    case 'territory': {
      const region = body.region ?? lead.departmentId;
      if (region === null) {
        throw new AppError('DEPARTMENT_NOT_FOUND', { region: null }, '线索没有所属区域，请指定分配区域（region）');
      }
      return nextRepInRotation(db, (await requireDepartmentInScope(db, actor, region)).id);
    }
  }
}

/**
 * Assigns a lead the caller has already locked and checked. The lead follows
 * its assignee's team, so the receiving manager sees it.
 */
export async function applyAssignment(
  db: Db, actor: Actor, lead: { id: number; assigneeId: number | null; departmentId: number | null }, body: AssignLead,
): Promise<{ toUserId: number; departmentId: number | null }> {
  const target = await resolveTarget(db, actor, lead, body);
  await db.query(
    `UPDATE leads SET assignee_id = $2, department_id = COALESCE($3, department_id),
       status = CASE WHEN status = 'new' THEN 'assigned' ELSE status END, updated_at = now()
     WHERE id = $1`,
    [lead.id, target.id, target.departmentId],
  );
  await db.query(
    `INSERT INTO lead_assignments (lead_id, from_user_id, to_user_id, method, reason, by_user_id) VALUES ($1,$2,$3,$4,$5,$6)`,
    [lead.id, lead.assigneeId, target.id, body.method, body.reason ?? null, actor.id],
  );
  await recordEvent(db, {
    actorId: actor.id, entityType: 'lead', entityId: lead.id, type: 'lead.assigned',
    data: { from: lead.assigneeId, to: target.id, method: body.method, reason: body.reason ?? null, departmentId: target.departmentId },
  });
  return { toUserId: target.id, departmentId: target.departmentId };
}

/** The lead's assignment history, oldest first (scope is checked by the caller). */
export async function listAssignments(db: Db, leadId: number): Promise<LeadAssignment[]> {
  const { rows } = await db.query(
    `SELECT la.*, f.name AS from_name, t.name AS to_name, b.name AS by_name
       FROM lead_assignments la
       LEFT JOIN users f ON f.id = la.from_user_id
       JOIN users t ON t.id = la.to_user_id
       LEFT JOIN users b ON b.id = la.by_user_id
      WHERE la.lead_id = $1 ORDER BY la.at, la.id`,
    [leadId],
  );
  return rows.map((r) => ({
    id: r.id, leadId: r.lead_id, fromUserId: r.from_user_id, fromUserName: r.from_name ?? null,
    toUserId: r.to_user_id, toUserName: r.to_name, method: r.method, reason: r.reason,
    byUserId: r.by_user_id, byUserName: r.by_name ?? null, at: r.at.toISOString(),
  }));
}
