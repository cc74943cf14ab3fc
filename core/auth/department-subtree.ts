/**
 * A manager's world is their department's subtree: departments carry a
 * materialised path ('/1/4/'), and a department lies in the subtree of every
 * department whose path prefixes its own (itself included). This is the one
 * place that says so, in SQL and in TypeScript.
 *
 *   where.push(inDepartmentSubtree(sql, 'c.department_id', { path: actor.departmentPath }));
 *   where.push(inDepartmentSubtree(sql, 'c.department_id', { id: q.departmentId }));
 *   if (isPathInSubtree(row.departmentPath, actor.departmentPath)) …
 */
import type { Sql } from '../db/sql.js';

/** SQL: the department path `pathSql` lies in the subtree rooted at the path `rootPathSql`. */
export function pathInSubtreeSql(pathSql: string, rootPathSql: string): string {
  return `${pathSql} LIKE ${rootPathSql} || '%'`;
}

/** SQL: the department id in `deptCol` lies in the subtree of the department given by its path or its id. */
export function inDepartmentSubtree(sql: Sql, deptCol: string, root: { path: string } | { id: number }): string {
  const rootPath = 'path' in root ? sql.param(root.path) : `(SELECT path FROM departments WHERE id = ${sql.param(root.id)})`;
  return `${deptCol} IN (SELECT id FROM departments WHERE ${pathInSubtreeSql('path', rootPath)})`;
}

/** The department path `path` lies in the subtree rooted at `rootPath`; false when either is unknown. */
export function isPathInSubtree(path: string | null | undefined, rootPath: string | null | undefined): boolean {
  return !!path && !!rootPath && path.startsWith(rootPath);
}
