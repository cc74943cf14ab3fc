import type { Actor } from '../auth/actor.js';
import { isPathInSubtree } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';

/**
 * Who will own a new or reassigned record. A rep always owns what they create;
 * a manager may give it to a rep of their subtree; the director to any rep.
 * The record's department follows its owner, which is what manager scopes read.
 */
export async function resolveOwner(
  db: Db, actor: Actor, requestedOwnerId: number | undefined,
): Promise<{ id: number; departmentId: number | null }> {
  if (requestedOwnerId === undefined || requestedOwnerId === actor.id) {
    if (actor.role === 'rep' || requestedOwnerId === actor.id) return { id: actor.id, departmentId: actor.departmentId };
  }
  if (actor.role === 'rep') throw new AppError('FORBIDDEN', { reason: 'rep cannot assign to others' }, '业务员只能为自己创建或认领数据');
  if (requestedOwnerId === undefined) return { id: actor.id, departmentId: actor.departmentId };
  const { rows } = await db.query(
    `SELECT u.id, u.department_id, d.path FROM users u LEFT JOIN departments d ON d.id = u.department_id
      WHERE u.id = $1 AND u.active AND u.role IN ('rep','manager')`,
    [requestedOwnerId],
  );
  const r = rows[0];
  const inScope = r && (actor.role === 'director' || isPathInSubtree(r.path, actor.departmentPath));
  if (!inScope) throw new AppError('ASSIGNEE_INVALID', { ownerId: requestedOwnerId });
  return { id: r.id, departmentId: r.department_id };
}
