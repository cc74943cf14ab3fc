/**
 * setting_versions, read and appended. A version row is never changed: an
 * edit, a restore and clearing a department's override each append one.
 *
 *   const rows = await latestPerScope(db, 'followup.standard', '', { departmentIds: [1, 2, 3], customerType: 'store' });
 */
import { prepared, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import type { CustomerType } from '../flow/types.js';
import type { SettingScope } from './define.js';
import type { DiffEntry } from './diff.js';

export interface VersionRow {
  version: number;
  scope: SettingScope;
  /** null: this scope's own value was cleared. */
  value: unknown;
  diff: DiffEntry[];
  comment: string | null;
  restoredFrom: number | null;
  createdAt: Date;
  createdBy: { id: number; name: string } | null;
}

const COLUMNS = `v.version, v.department_id, v.customer_type, v.value, v.diff, v.comment, v.restored_from, v.created_at,
  v.created_by, u.name AS created_by_name`;

function toRow(r: any): VersionRow {
  return {
    version: r.version,
    scope: { departmentId: r.department_id === null ? null : Number(r.department_id), customerType: r.customer_type },
    value: r.value, diff: r.diff, comment: r.comment, restoredFrom: r.restored_from, createdAt: r.created_at,
    createdBy: r.created_by === null ? null : { id: Number(r.created_by), name: r.created_by_name },
  };
}

/** One setting's versions in one scope: the start of a statement the caller finishes (order, limit, version). */
function inScope(key: string, item: string, scope: SettingScope): { sql: Sql; from: string } {
  const sql = new Sql();
  const from = `SELECT ${COLUMNS} FROM setting_versions v LEFT JOIN users u ON u.id = v.created_by
      WHERE v.key = ${sql.param(key)} AND v.item = ${sql.param(item)}
        AND v.department_id IS NOT DISTINCT FROM ${sql.param(scope.departmentId)}::bigint
        AND v.customer_type IS NOT DISTINCT FROM ${sql.param(scope.customerType)}::text`;
  return { sql, from };
}

export interface Candidates {
  /** The departments whose overrides count (a department and its ancestors), or 'all'. */
  departmentIds: readonly number[] | 'all';
  /** The type whose overrides count besides the all-types ones; 'all' for every type. */
  customerType: CustomerType | null | 'all';
  /** In force at this moment (default: now). */
  at?: Date;
}

/** The latest version of every scope that could apply, one row per scope (cleared scopes included, value null). */
export async function latestPerScope(db: Db, key: string, item: string, c: Candidates): Promise<VersionRow[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (v.department_id, v.customer_type) ${COLUMNS}
       FROM setting_versions v LEFT JOIN users u ON u.id = v.created_by
      WHERE v.key = $1 AND v.item = $2
        AND ($3::bigint[] IS NULL OR v.department_id IS NULL OR v.department_id = ANY($3))
        AND ($4::text = '*' OR v.customer_type IS NULL OR v.customer_type = $4)
        AND ($5::timestamptz IS NULL OR v.created_at <= $5)
      ORDER BY v.department_id, v.customer_type, v.version DESC`,
    [key, item, c.departmentIds === 'all' ? null : c.departmentIds, c.customerType === 'all' ? '*' : c.customerType ?? '', c.at ?? null],
  );
  return rows.map(toRow);
}

/**
 * The value each scope that could apply holds at `at` (default: now), for
 * enforcement points (a follow-up, a dispatch): the lean, prepared form of
 * latestPerScope, one round trip with only what resolving needs.
 */
export async function valuesPerScope(
  db: Db, key: string, item: string, departmentIds: readonly number[], customerType: CustomerType | null, at?: Date,
): Promise<Array<{ scope: SettingScope; value: unknown; version: number }>> {
  const { rows } = await db.query(prepared(
    `SELECT DISTINCT ON (v.department_id, v.customer_type) v.department_id, v.customer_type, v.version, v.value
       FROM setting_versions v
      WHERE v.key = $1 AND v.item = $2 AND (v.department_id IS NULL OR v.department_id = ANY($3::bigint[]))
        AND (v.customer_type IS NULL OR v.customer_type = $4) AND v.created_at <= $5::timestamptz
      ORDER BY v.department_id, v.customer_type, v.version DESC`,
    [key, item, departmentIds, customerType ?? '', at ?? 'infinity'],
  ));
  return rows.map((r) => ({
    scope: { departmentId: r.department_id === null ? null : Number(r.department_id), customerType: r.customer_type }, value: r.value, version: r.version,
  }));
}

/**
 * valuesPerScope as one column of a larger statement, for a hot path whose one
 * read already exists (a visit report's facts): a jsonb list of the same rows,
 * the customer type being SQL (`c.type`); read back with storedScopesOf.
 * Settings without department scopes only (no chain to look up first).
 */
export function valuesPerScopeColumn(st: Sql, key: string, item: string, customerTypeExpr: string): string {
  return `(SELECT coalesce(jsonb_agg(jsonb_build_object('departmentId', s.department_id, 'customerType', s.customer_type, 'version', s.version,
                                                      'value', s.value)), '[]')
     FROM (SELECT DISTINCT ON (v.department_id, v.customer_type) v.department_id, v.customer_type, v.version, v.value
             FROM setting_versions v
            WHERE v.key = ${st.param(key)} AND v.item = ${st.param(item)} AND v.department_id IS NULL
              AND (v.customer_type IS NULL OR v.customer_type = ${customerTypeExpr})
            ORDER BY v.department_id, v.customer_type, v.version DESC) s)`;
}

export function storedScopesOf(json: Array<{ departmentId: number | null; customerType: CustomerType | null; version: number; value: unknown }>):
  Array<{ scope: SettingScope; value: unknown; version: number }> {
  return json.map((r) => ({ scope: { departmentId: r.departmentId === null ? null : Number(r.departmentId), customerType: r.customerType }, value: r.value, version: r.version }));
}

/** Every version of one scope, newest first. */
export async function versionsOf(db: Db, key: string, item: string, scope: SettingScope): Promise<VersionRow[]> {
  const { sql, from } = inScope(key, item, scope);
  const { rows } = await db.query(sql.unprepared(`${from} ORDER BY v.version DESC`));
  return rows.map(toRow);
}

/** The latest version of one scope, or null when it has none. */
export async function latestOf(db: Db, key: string, item: string, scope: SettingScope): Promise<VersionRow | null> {
  const { sql, from } = inScope(key, item, scope);
  const { rows } = await db.query(sql.unprepared(`${from} ORDER BY v.version DESC LIMIT 1`));
  return rows[0] ? toRow(rows[0]) : null;
}

/** The latest version of every scope of every setting, for the settings list (values left out). */
export async function latestOfAll(db: Db): Promise<Array<Omit<VersionRow, 'value' | 'diff'> & { key: string; item: string; hasValue: boolean }>> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (v.key, v.item, v.department_id, v.customer_type)
            v.key, v.item, v.version, v.department_id, v.customer_type, v.value IS NOT NULL AS has_value, NULL AS value, '[]'::jsonb AS diff,
            v.comment, v.restored_from, v.created_at, v.created_by, u.name AS created_by_name
       FROM setting_versions v LEFT JOIN users u ON u.id = v.created_by
      ORDER BY v.key, v.item, v.department_id, v.customer_type, v.version DESC`,
  );
  return rows.map((r) => ({ ...toRow(r), key: r.key, item: r.item, hasValue: r.has_value }));
}

export async function versionOf(db: Db, key: string, item: string, scope: SettingScope, version: number): Promise<VersionRow | null> {
  const { sql, from } = inScope(key, item, scope);
  const { rows } = await db.query(sql.unprepared(`${from} AND v.version = ${sql.param(version)}`));
  return rows[0] ? toRow(rows[0]) : null;
}

/** Items of a per-code setting that have versions (created through the settings, not only by default). */
export async function versionedItems(db: Db, key: string): Promise<string[]> {
  const { rows } = await db.query(`SELECT DISTINCT item FROM setting_versions WHERE key = $1 AND item <> '' ORDER BY item`, [key]);
  return rows.map((r) => r.item);
}

/**
 * Serialises writers of one scope until the transaction ends, so "expected
 * version" checks and version numbers never race.
 */
export async function lockScope(db: Db, key: string, item: string, scope: SettingScope): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))',
    [`setting:${key}:${item}:${scope.departmentId ?? 0}:${scope.customerType ?? ''}`]);
}

export interface NewVersion {
  key: string;
  item: string;
  scope: SettingScope;
  version: number;
  value: unknown;
  diff: DiffEntry[];
  comment: string | null;
  restoredFrom: number | null;
  createdBy: number;
  createdAt: Date;
}

export async function appendVersion(db: Db, v: NewVersion): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO setting_versions (key, item, department_id, customer_type, version, value, diff, comment, restored_from, created_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
    [v.key, v.item, v.scope.departmentId, v.scope.customerType, v.version, v.value === null ? null : JSON.stringify(v.value),
      JSON.stringify(v.diff), v.comment, v.restoredFrom, v.createdBy, v.createdAt],
  );
  return Number(rows[0].id);
}
