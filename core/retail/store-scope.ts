/**
 * Which stores an actor sees, as an SQL predicate over a store `s`
 * (retail_stores) and its customer row `c`: a clerk their own store, an
 * inspector the stores on their patrol route, a rep the stores they own, a
 * manager their department subtree's, the director and admins every store.
 */
import type { Actor } from '../auth/actor.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import type { Sql } from '../db/sql.js';

export function storeScopeSql(actor: Actor, sql: Sql, s = 's', c = 'c'): string {
  switch (actor.role) {
    case 'director':
    case 'admin':
      return 'TRUE';
    case 'manager':
      return actor.departmentPath ? inDepartmentSubtree(sql, `${c}.department_id`, { path: actor.departmentPath }) : 'FALSE';
    case 'rep':
      return `${c}.owner_id = ${sql.param(actor.id)}`;
    case 'clerk':
      return `EXISTS (SELECT 1 FROM retail_clerks k WHERE k.user_id = ${sql.param(actor.id)} AND k.store_id = ${s}.customer_id)`;
    case 'inspector':
      return `EXISTS (SELECT 1 FROM retail_inspector_stores r WHERE r.inspector_id = ${sql.param(actor.id)} AND r.store_id = ${s}.customer_id)`;
    case 'compliance':
      return 'FALSE';
  }
}
