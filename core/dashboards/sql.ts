/**
 * Small SQL-building helpers shared by the dashboard queries: the caller's
 * scope and the drill-down filters applied to a
 * metric's fact rows (columns owner_id, department_id, product_line_id,
 * stage of the source subquery `f`).
 */
import type { Actor } from '../auth/actor.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import { scopeSql } from '../auth/scope.js';
import type { Sql } from '../db/sql.js';

export interface DashboardFilters {
  ownerId?: number;
  departmentId?: number;
  productLineId?: number;
  /** Stage key (stage metrics). */
  stage?: string;
}

/** Predicates over the source rows `f`: the caller's scope, then the filters. */
export function factPredicates(actor: Actor, filters: DashboardFilters, ps: Sql, opts: { hasProductLine: boolean; hasStage: boolean }): string[] {
  const where = [scopeSql(actor, { ownerCol: 'f.owner_id', deptCol: 'f.department_id' }, ps)];
  if (filters.ownerId !== undefined) where.push(`f.owner_id = ${ps.param(filters.ownerId)}`);
  if (filters.departmentId !== undefined) where.push(inDepartmentSubtree(ps, 'f.department_id', { id: filters.departmentId }));
  if (filters.productLineId !== undefined && opts.hasProductLine) where.push(`f.product_line_id = ${ps.param(filters.productLineId)}`);
  if (filters.stage !== undefined && opts.hasStage) where.push(`f.stage = ${ps.param(filters.stage)}`);
  return where;
}

/**
 * The department a rep was in at an instant: joins to add to a FROM clause and
 * the expression to select. History rows (user_department_history) win; after
 * the last change the current users.department_id applies.
 */
export function departmentAt(userCol: string, atCol: string, alias: string): { joins: string; expr: string } {
  return {
    joins: `LEFT JOIN users ${alias}_u ON ${alias}_u.id = ${userCol}
            LEFT JOIN user_department_history ${alias}_h ON ${alias}_h.user_id = ${userCol}
                  AND ${atCol} >= ${alias}_h.valid_from AND ${atCol} < ${alias}_h.valid_to`,
    expr: `CASE WHEN ${alias}_h.id IS NOT NULL THEN ${alias}_h.department_id ELSE ${alias}_u.department_id END`,
  };
}
