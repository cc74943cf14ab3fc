import type { Actor } from './actor.js';

/**
 * Row scope as a SQL predicate, added to every query over scoped data:
 * a rep sees rows they own, a manager rows of their department subtree,
 * director/admin everything. `ownerCol`/`deptCol` name the row's columns.
 *
 *   const s = scopeSql(actor, { ownerCol: 'c.owner_id', deptCol: 'c.department_id' }, params);
 *   sql += ` AND ${s}`;
 */
export function scopeSql(
  actor: Actor,
  cols: { ownerCol: string; deptCol: string },
  params: unknown[],
): string {
  switch (actor.role) {
    case 'director':
    case 'admin':
      return 'TRUE';
    case 'manager': {
      if (!actor.departmentPath) return 'FALSE';
      params.push(`${actor.departmentPath}%`);
      return `${cols.deptCol} IN (SELECT id FROM departments WHERE path LIKE $${params.length})`;
    }
    case 'rep':
      params.push(actor.id);
      return `${cols.ownerCol} = $${params.length}`;
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
      return !!actor.departmentPath && !!row.departmentPath && row.departmentPath.startsWith(actor.departmentPath);
    case 'rep':
      return row.ownerId === actor.id;
    case 'compliance':
      return false;
  }
}
