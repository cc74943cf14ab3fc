import { z } from 'zod';
import { prepared, type Db } from '../db/pool.js';

/**
 * The roles, once: every schema, type and list of them derives from here (a new
 * role — the retail module's store roles — is a line here, its label, its
 * permissions in permissions.ts, and the users.role CHECK in a migration).
 */
export const ROLES = ['rep', 'manager', 'director', 'compliance', 'admin', 'clerk', 'inspector'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);
export const ROLE_LABELS: Record<Role, string> = {
  rep: '业务员',
  manager: '主管',
  director: '销售总监',
  compliance: '合规',
  admin: '管理员',
  clerk: '店员',
  inspector: '巡店督导',
};

/** The signed-in user as every service sees it. */
export interface Actor {
  id: number;
  wecomUserid: string;
  name: string;
  role: Role;
  departmentId: number | null;
  /** '/1/4/' — the department's materialised path; a manager's scope is this subtree. */
  departmentPath: string | null;
  managerId: number | null;
}

/** The whole company as the director reads it: what a setting's preview reads reports as. */
export const WHOLE_COMPANY: Actor = { id: 0, wecomUserid: 'system', name: '系统', role: 'director', departmentId: null, departmentPath: null, managerId: null };

const ACTOR_COLUMNS = 'u.id, u.wecom_userid, u.name, u.role, u.department_id, d.path AS department_path, u.manager_id';

export async function loadActiveActor(db: Db, where: { id: number } | { wecomUserid: string }): Promise<Actor | null> {
  const [col, val] = 'id' in where ? ['u.id', where.id] : ['u.wecom_userid', where.wecomUserid];
  const { rows } = await db.query(prepared(
    `SELECT ${ACTOR_COLUMNS} FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE ${col} = $1 AND u.active`,
    [val],
  ));
  return rows[0] ? toActor(rows[0]) : null;
}

/**
 * The member behind a session token's claim, in one query (every authenticated
 * request runs it): null once the session was closed (logout, revocation) or
 * the member deactivated.
 */
export async function loadSessionActor(db: Db, claim: { sessionId: number; userId: number }): Promise<Actor | null> {
  const { rows } = await db.query(prepared(
    `SELECT ${ACTOR_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN departments d ON d.id = u.department_id
      WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND u.active`,
    [claim.sessionId, claim.userId],
  ));
  return rows[0] ? toActor(rows[0]) : null;
}

function toActor(r: any): Actor {
  return {
    id: r.id,
    wecomUserid: r.wecom_userid,
    name: r.name,
    role: r.role,
    departmentId: r.department_id,
    departmentPath: r.department_path,
    managerId: r.manager_id,
  };
}
