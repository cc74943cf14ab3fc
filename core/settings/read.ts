/**
 * Reading a setting where it is enforced: the value in force for a
 * department (its nearest override, else the organisation's, else the
 * default — see resolve.ts), optionally for one customer type, optionally at
 * a past moment (dashboards and re-evaluations use the value of their time).
 *
 *   const standard = await readSetting(db, followUpStandard, { departmentPath: actor.departmentPath, customerType: 'store' });
 *   const bands = await readSetting(db, dashboardBands, { at: monthEnd });
 */
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { CustomerType } from '../flow/types.js';
import type { SettingDefinition, SettingScope } from './define.js';
import { chainOfPath, resolveStored, type StoredScope } from './resolve.js';
import { valuesPerScope } from './store.js';

export interface ReadWhere {
  item?: string;
  /** The department whose subtree the value is for; its materialised path saves a query when known. */
  departmentId?: number | null;
  departmentPath?: string | null;
  customerType?: CustomerType | null;
  at?: Date;
  /** Ignore this scope's own value: what it would inherit without one. */
  exclude?: SettingScope;
}

export interface ReadResult<T> {
  value: T;
  /** The stored scope it comes from and that scope's version; null when it is the default. */
  from: { scope: SettingScope; version: number } | null;
}

export async function readSetting<T>(db: Db, def: SettingDefinition<T>, where: ReadWhere = {}): Promise<T> {
  return (await readSettingWithSource(db, def, where)).value;
}

export async function readSettingWithSource<T>(db: Db, def: SettingDefinition<T>, where: ReadWhere = {}): Promise<ReadResult<T>> {
  const item = where.item ?? '';
  const customerType = def.scopes.customerType === 'none' ? null : where.customerType ?? null;
  const chain = def.scopes.department ? await departmentChain(db, where) : [];
  const all = await valuesPerScope(db, def.key, item, chain, customerType, where.at);
  const x = where.exclude;
  const rows = x ? all.filter((r) => r.scope.departmentId !== x.departmentId || r.scope.customerType !== x.customerType) : all;
  return settingFromScopes(def, rows, { item, chain, customerType });
}

/**
 * The value in force from the stored scopes that could apply (valuesPerScope's
 * rows, or valuesPerScopeColumn's read back by storedScopesOf): the nearest
 * that still parses, else the default.
 */
export function settingFromScopes<T>(
  def: SettingDefinition<T>, rows: readonly StoredScope[], l: { item: string; chain: readonly number[]; customerType: CustomerType | null },
): ReadResult<T> {
  const { item, chain } = l;
  const customerType = def.scopes.customerType === 'none' ? null : l.customerType;
  const hit = resolveStored(rows, { chain, customerType });
  if (hit) {
    // a value stored under an older schema may no longer parse; the default applies then rather than a crash
    const parsed = def.schema.safeParse(hit.value);
    if (parsed.success) return { value: parsed.data, from: { scope: hit.scope, version: hit.version } };
  }
  const fallback = def.defaultValue({ item, customerType });
  if (fallback === undefined) throw new AppError('SETTING_NOT_FOUND', { key: def.key, item });
  return { value: fallback, from: null };
}

async function departmentChain(db: Db, where: ReadWhere): Promise<number[]> {
  if (where.departmentPath !== undefined) return chainOfPath(where.departmentPath);
  if (where.departmentId === undefined || where.departmentId === null) return [];
  const { rows } = await db.query('SELECT path FROM departments WHERE id = $1', [where.departmentId]);
  return chainOfPath(rows[0]?.path ?? null);
}
