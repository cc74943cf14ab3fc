/**
 * Small SQL-building helpers shared by the dashboard queries: positional
 * parameters, the caller's scope and the drill-down filters applied to a
 * metric's fact rows (columns owner_id, department_id, product_line_id,
 * stage of the source subquery `f`).
 */
import type { Actor } from '../auth/actor.js';
import { scopeSql } from '../auth/scope.js';

export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder. */
  p(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export interface DashboardFilters {
  ownerId?: number;
  departmentId?: number;
  productLineId?: number;
  /** Stage key (stage metrics). */
  stage?: string;
}

/** Predicates over the source rows `f`: the caller's scope, then the filters. */
export function factPredicates(actor: Actor, filters: DashboardFilters, ps: Params, opts: { hasProductLine: boolean; hasStage: boolean }): string[] {
  const where = [scopeSql(actor, { ownerCol: 'f.owner_id', deptCol: 'f.department_id' }, ps.values)];
  if (filters.ownerId !== undefined) where.push(`f.owner_id = ${ps.p(filters.ownerId)}`);
  if (filters.departmentId !== undefined) {
    where.push(`f.department_id IN (SELECT id FROM departments WHERE path LIKE (SELECT path FROM departments WHERE id = ${ps.p(filters.departmentId)}) || '%')`);
  }
  if (filters.productLineId !== undefined && opts.hasProductLine) where.push(`f.product_line_id = ${ps.p(filters.productLineId)}`);
  if (filters.stage !== undefined && opts.hasStage) where.push(`f.stage = ${ps.p(filters.stage)}`);
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
