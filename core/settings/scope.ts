/**
 * A requested scope, checked against what the setting allows and named in
 * Chinese ('全公司', '华东区及下级部门 · 门店') for screens, errors and notices.
 *
 *   const s = await resolveScope(db, def, { departmentId: 4, customerType: 'store' });
 *   s.name; // '华东区及下级部门 · 门店'
 */
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { CUSTOMER_TYPE_LABELS, type CustomerType } from '../flow/types.js';
import type { SettingDefinition, SettingScope } from './define.js';

export interface ScopeInput {
  departmentId?: number | null;
  customerType?: CustomerType | null;
}

export interface NamedScope {
  scope: SettingScope;
  name: string;
  /** The department's materialised path (null for the organisation). */
  departmentPath: string | null;
}

export function scopeKey(s: SettingScope): string {
  return `${s.departmentId ?? 'org'}:${s.customerType ?? 'all'}`;
}

export async function resolveScope(db: Db, def: SettingDefinition, input: ScopeInput): Promise<NamedScope> {
  const scope: SettingScope = { departmentId: input.departmentId ?? null, customerType: input.customerType ?? null };
  if (scope.departmentId !== null && !def.scopes.department) {
    throw new AppError('SETTING_SCOPE_INVALID', { setting: def.key, departmentId: scope.departmentId },
      `「${def.label}」只能全公司统一设置，不能为某个部门单独设置`);
  }
  if (scope.customerType !== null && def.scopes.customerType === 'none') {
    throw new AppError('SETTING_SCOPE_INVALID', { setting: def.key, customerType: scope.customerType },
      `「${def.label}」不区分客户类型`);
  }
  if (scope.customerType === null && def.scopes.customerType === 'required') {
    throw new AppError('SETTING_SCOPE_INVALID', { setting: def.key },
      `「${def.label}」按客户类型分别设置，请选择客户类型（${Object.values(CUSTOMER_TYPE_LABELS).join('、')}）`);
  }
  const type = scope.customerType ? ` · ${CUSTOMER_TYPE_LABELS[scope.customerType]}` : '';
  if (scope.departmentId === null) return { scope, name: `全公司${type}`, departmentPath: null };
  const { rows: [d] } = await db.query('SELECT name, path FROM departments WHERE id = $1 AND active', [scope.departmentId]);
  if (!d) throw new AppError('DEPARTMENT_NOT_FOUND', { departmentId: scope.departmentId });
  return { scope, name: `${d.name}及下级部门${type}`, departmentPath: d.path };
}
