import type { Sql } from '../db/sql.js';
import type { Actor } from './actor.js';
import { inDepartmentSubtree, isPathInSubtree } from './department-subtree.js';

/**
 * Row scope as a SQL predicate, added to every query over scoped data:
 * a rep sees rows they own, a manager rows of their department subtree,
 * director/admin everything. `ownerCol`/`deptCol` name the row's columns.
 *
 *   const where = [scopeSql(actor, { ownerCol: 'c.owner_id', deptCol: 'c.department_id' }, sql)];
 */
export function scopeSql(
  actor: Actor,
  cols: { ownerCol: string; deptCol: string },
  sql: Sql,
): string {
  switch (actor.role) {
    case 'director':
    case 'admin':
      return 'TRUE';
    case 'manager': {
      if (!actor.departmentPath) return 'FALSE';
      return inDepartmentSubtree(sql, cols.deptCol, { path: actor.departmentPath });
    }
    case 'rep':
    // store people own no customers: of the brand's records they see what is assigned to them (their steps, their patrols)
    case 'clerk':
    case 'inspector':
      return `${cols.ownerCol} = ${sql.param(actor.id)}`;
    case 'compliance':
      return 'FALSE';
  }
}

/** May `actor` act on a record owned by someone in department `deptPath`? */
export function isInScope(
  actor: Actor,
  row: { ownerId: number | null; departmentPath: string | null },
): boolean {
  switch (actor.role) {
    case 'director':
    case 'admin':
      return true;
    case 'manager':
      return isPathInSubtree(row.departmentPath, actor.departmentPath);
    case 'rep':
    case 'clerk':
    case 'inspector':
      return row.ownerId === actor.id;
    case 'compliance':
      return false;
  }
}
