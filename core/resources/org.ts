import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';

export const DepartmentSchema = z.object({
  id: z.number(), name: z.string(), parentId: z.number().nullable(), path: z.string(),
});
export const UserSchema = z.object({
  id: z.number(), userid: z.string(), name: z.string(),
  role: z.enum(['rep', 'manager', 'director', 'compliance', 'admin']),
  departmentId: z.number().nullable(), managerId: z.number().nullable(), position: z.string().nullable(),
});

export async function listDepartments(db: Db, actor: Actor): Promise<z.infer<typeof DepartmentSchema>[]> {
  assertCan(actor, 'org', 'read');
  const { rows } = await db.query('SELECT id, name, parent_id, path FROM departments WHERE active ORDER BY path, sort_order');
  return rows.map((r) => ({ id: r.id, name: r.name, parentId: r.parent_id, path: r.path }));
}

/** The directory of active members: names and roles are not secret inside the company. */
export async function listUsers(db: Db, actor: Actor, q: { role?: string }): Promise<z.infer<typeof UserSchema>[]> {
  assertCan(actor, 'org', 'read');
  const { rows } = await db.query(
    `SELECT id, wecom_userid, name, role, department_id, manager_id, position FROM users
      WHERE active AND ($1::text IS NULL OR role = $1) ORDER BY id`, [q.role ?? null]);
  return rows.map((r) => ({
    id: r.id, userid: r.wecom_userid, name: r.name, role: r.role,
    departmentId: r.department_id, managerId: r.manager_id, position: r.position,
  }));
}
