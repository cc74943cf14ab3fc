import { z } from 'zod';
import { RoleSchema, type Actor } from '../auth/actor.js';
import { assertCan, can } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';

export const DepartmentSchema = z.object({
  id: z.number(), name: z.string(), parentId: z.number().nullable(), path: z.string(),
});
export const UserSchema = z.object({
  id: z.number(), userid: z.string(), name: z.string(),
  role: RoleSchema,
  departmentId: z.number().nullable(), managerId: z.number().nullable(), position: z.string().nullable(),
});

export async function listDepartments(db: Db, actor: Actor): Promise<z.infer<typeof DepartmentSchema>[]> {
  assertCan(actor, 'org', 'read');
  const { rows } = await db.query('SELECT id, name, parent_id, path FROM departments WHERE active ORDER BY path, sort_order');
  return rows.map((r) => ({ id: r.id, name: r.name, parentId: r.parent_id, path: r.path }));
}

/** A directory entry; `wechatyId` (the bot binding) is shown to those who may set it. */
export const UserListItemSchema = UserSchema.extend({ wechatyId: z.string().nullable().optional() });

/** The directory of active members: names and roles are not secret inside the company. */
export async function listUsers(db: Db, actor: Actor, q: { role?: string }): Promise<z.infer<typeof UserListItemSchema>[]> {
  assertCan(actor, 'org', 'read');
  const bindings = can(actor, 'org', 'update');
  const { rows } = await db.query(
    `SELECT id, wecom_userid, name, role, department_id, manager_id, position, wechaty_id FROM users
      WHERE active AND ($1::text IS NULL OR role = $1) ORDER BY id`, [q.role ?? null]);
  return rows.map((r) => ({
    id: r.id, userid: r.wecom_userid, name: r.name, role: r.role,
    departmentId: r.department_id, managerId: r.manager_id, position: r.position,
    ...(bindings ? { wechatyId: r.wechaty_id } : {}),
  }));
}

/**
 * The member's contact id on the wechaty puppet (users.wechaty_id): messages
 * from that contact reach the bot as this member. An admin binds it; a
 * contact belongs to one member at most.
 */
export const WechatyId = z.string().trim().min(1, '不能为空').max(128, '不能超过128个字符')
  .regex(/^[\x21-\x7e]+$/, '只能包含英文字母、数字和符号（不含空格）');

export const UpdateUserSchema = z.object({
  /** null unbinds. */
  wechatyId: WechatyId.nullable(),
}).strict();

export const UserBindingSchema = UserSchema.extend({ wechatyId: z.string().nullable() });

/** Binds (or, with null, unbinds) a member's wechaty contact: admins only; 409 DUPLICATE when another member has it. */
export async function updateUserBinding(
  db: Db, actor: Actor, userId: number, input: z.infer<typeof UpdateUserSchema>,
): Promise<z.infer<typeof UserBindingSchema>> {
  assertCan(actor, 'org', 'update');
  if (input.wechatyId !== null) {
    const { rows: [taken] } = await db.query('SELECT id FROM users WHERE wechaty_id = $1 AND id <> $2', [input.wechatyId, userId]);
    if (taken) throw new AppError('DUPLICATE', { field: 'wechatyId' }, '这个 wechaty 联系人已经绑定给其他成员');
  }
  const { rows: [r] } = await db.query(
    // binding what is already bound (or unbinding nothing) writes nothing
    `WITH changed AS (
       UPDATE users SET wechaty_id = $2, updated_at = now() WHERE id = $1 AND active AND wechaty_id IS DISTINCT FROM $2)
     SELECT id, wecom_userid, name, role, department_id, manager_id, position, $2::text AS wechaty_id FROM users WHERE id = $1 AND active`,
    [userId, input.wechatyId],
  );
  if (!r) throw new AppError('USER_NOT_FOUND', { id: userId });
  return {
    id: r.id, userid: r.wecom_userid, name: r.name, role: r.role,
    departmentId: r.department_id, managerId: r.manager_id, position: r.position, wechatyId: r.wechaty_id,
  };
}

/** The member's WeCom userid for a wechaty contact id (users.wechaty_id), or null. */
export async function useridForWechaty(db: Db, wechatyId: string): Promise<string | null> {
  const { rows: [r] } = await db.query('SELECT wecom_userid FROM users WHERE wechaty_id = $1 AND active', [wechatyId]);
  return r?.wecom_userid ?? null;
}

export async function wechatyIdFor(db: Db, userid: string): Promise<string | null> {
  const { rows: [r] } = await db.query('SELECT wechaty_id FROM users WHERE wecom_userid = $1', [userid]);
  return r?.wechaty_id ?? null;
}

export async function userName(db: Db, userId: number): Promise<string | null> {
  const { rows: [r] } = await db.query('SELECT name FROM users WHERE id = $1', [userId]);
  return r?.name ?? null;
}
