/**
 * Which value applies, as a pure function of the stored scopes. The nearest
 * scope wins:
 *
 *   1. the department's own value, then its parent's, … up to the root
 *      department, then the organisation's;
 *   2. at each of those levels a value for the customer type wins over the
 *      level's all-types value;
 *   3. nothing stored anywhere: the setting's default.
 *
 * So a department's value for all types beats the organisation's value for
 * one type: a manager who sets their team's standard sets it for their team.
 * A cleared scope (value null) is skipped, as if it had never been set.
 *
 *   resolveValue(rows, { chain: [1, 2, 3], customerType: 'store' }) // → { value, from } | null
 */
import type { CustomerType } from '../flow/types.js';
import type { SettingScope } from './define.js';

export interface StoredScope {
  scope: SettingScope;
  value: unknown;
  version: number;
}

export interface Lookup {
  /** Department ids from the root down to the department asked about ([] for the organisation). */
  chain: readonly number[];
  customerType: CustomerType | null;
}

/** The stored scopes in the order they are tried, nearest first. */
export function scopesNearestFirst(l: Lookup): SettingScope[] {
  const levels: Array<number | null> = [...[...l.chain].reverse(), null];
  const types: Array<CustomerType | null> = l.customerType ? [l.customerType, null] : [null];
  return levels.flatMap((departmentId) => types.map((customerType) => ({ departmentId, customerType })));
}

const sameScope = (a: SettingScope, b: SettingScope) => a.departmentId === b.departmentId && a.customerType === b.customerType;

export function resolveStored(rows: readonly StoredScope[], l: Lookup): StoredScope | null {
  for (const scope of scopesNearestFirst(l)) {
    const hit = rows.find((r) => sameScope(r.scope, scope));
    if (hit && hit.value !== null) return hit;
  }
  return null;
}

/** Department ids of a materialised path '/1/4/9/' → [1, 4, 9]. */
export function chainOfPath(path: string | null): number[] {
  return (path ?? '').split('/').filter(Boolean).map(Number);
}
