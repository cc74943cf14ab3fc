/**
 * Turns the roles core/flow speaks of ('manager', 'director', …) into people,
 * relative to one action's assignee: the manager is the assignee's direct
 * manager, the director the nearest director above them, compliance everyone
 * in the compliance role.
 */
import { pathInSubtreeSql } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import type { Recipient } from '../flow/action-machine.js';
import type { NotifyRole } from '../flow/types.js';

export interface Person {
  role: NotifyRole | 'user';
  userId: number;
  name: string;
  wecomUserid: string;
}

export interface ActionPeople {
  assigneeId: number;
  assignerId: number | null;
}

const USER = 'SELECT id, name, wecom_userid FROM users';

function people(rows: any[], role: Person['role']): Person[] {
  return rows.map((r) => ({ role, userId: r.id, name: r.name, wecomUserid: r.wecom_userid }));
}

export async function resolveRole(db: Db, a: ActionPeople, role: NotifyRole): Promise<Person[]> {
  switch (role) {
    case 'assignee':
      return people((await db.query(`${USER} WHERE id = $1 AND active`, [a.assigneeId])).rows, role);
    case 'assigner':
      return a.assignerId === null ? [] : people((await db.query(`${USER} WHERE id = $1 AND active`, [a.assignerId])).rows, role);
    case 'manager':
      return people((await db.query(
        `${USER} WHERE active AND id = (SELECT manager_id FROM users WHERE id = $1)`, [a.assigneeId])).rows, role);
    case 'director':
      return people((await db.query(
        // the director whose department contains the assignee's, deepest first; else any director
        `SELECT u.id, u.name, u.wecom_userid FROM users u LEFT JOIN departments d ON d.id = u.department_id
          WHERE u.role = 'director' AND u.active
          ORDER BY (${pathInSubtreeSql('(SELECT dd.path FROM users x JOIN departments dd ON dd.id = x.department_id WHERE x.id = $1)', 'd.path')})
                    DESC NULLS LAST, length(d.path) DESC NULLS LAST, u.id
          LIMIT 1`, [a.assigneeId])).rows, role);
    case 'compliance':
    case 'admin':
      return people((await db.query(`${USER} WHERE role = $1 AND active ORDER BY id`, [role])).rows, role);
  }
}

export async function resolveRecipient(db: Db, a: ActionPeople, to: Recipient): Promise<Person[]> {
  if ('role' in to) return resolveRole(db, a, to.role);
  const { rows } = await db.query(`${USER} WHERE id = $1 AND active`, [to.userId]);
  return people(rows, 'user');
}
