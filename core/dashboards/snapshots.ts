/**
 * 客户资料完整度 is a state, not a flow: a past period's value is the state at
 * its end. A nightly job (jobs/dashboard-snapshots.job.ts) stores, per
 * department/owner/product line, how many active customers there are and how
 * many have each configured key field filled (by field key, so re-weighting
 * fields later still computes old periods).
 *
 *   await takeProfileSnapshot(pool, '2026-11-28');   // state at the start of that Shanghai day
 */
import type { Db } from '../db/pool.js';
import type { IsoDate } from '../flow/time.js';
import { profileFieldsSql, type ProfileStateRow } from './metrics.js';
import { loadDashboardSettings, type DashboardSettings } from './settings.js';
import { Params } from './sql.js';

/** Stores (or replaces) the snapshot for `asOf`; returns the number of groups written. */
export async function takeProfileSnapshot(db: Db, asOf: IsoDate): Promise<{ asOf: IsoDate; groups: number; customers: number }> {
  const settings = await loadDashboardSettings(db);
  const ps = new Params();
  const { joins, flags } = profileFieldsSql(settings.profileFields, ps);
  const pairs = settings.profileFields.map((f, i) => `${ps.p(f.key)}::text, count(*) FILTER (WHERE ${flags[i]})`);
  const asOfParam = ps.p(asOf);
  await db.query(`DELETE FROM dash_profile_snapshots WHERE as_of = $1::date`, [asOf]);
  const { rows } = await db.query(
    `INSERT INTO dash_profile_snapshots (as_of, department_id, owner_id, product_line_id, customers, filled)
     SELECT ${asOfParam}::date, c.department_id, c.owner_id, c.product_line_id, count(*), jsonb_build_object(${pairs.join(', ')})
       FROM customers c ${joins} WHERE c.status = 'active'
      GROUP BY c.department_id, c.owner_id, c.product_line_id
     RETURNING customers`, ps.values);
  return { asOf, groups: rows.length, customers: rows.reduce((a: number, r: any) => a + r.customers, 0) };
}

/** The state a snapshot would store, computed now (one pass over active customers). */
export async function computeLiveProfileState(db: Db, settings: DashboardSettings): Promise<ProfileStateRow[]> {
  const ps = new Params();
  const { joins, flags } = profileFieldsSql(settings.profileFields, ps);
  const pairs = settings.profileFields.map((f, i) => `${ps.p(f.key)}::text, count(*) FILTER (WHERE ${flags[i]})`);
  const { rows } = await db.query(
    `SELECT c.department_id, c.owner_id, c.product_line_id, count(*)::int AS customers, jsonb_build_object(${pairs.join(', ')}) AS filled
       FROM customers c ${joins} WHERE c.status = 'active'
      GROUP BY c.department_id, c.owner_id, c.product_line_id`, ps.values);
  return rows;
}

/**
 * How long the live completeness state is reused (per database and field
 * configuration): the current period's 资料完整度 is at most this old, and a
 * dashboard load does not re-read every customer.
 */
export const LIVE_PROFILE_TTL_MS = 30_000;
const liveCache = new WeakMap<object, Map<string, { at: number; rows: Promise<ProfileStateRow[]> }>>();

export function liveProfileState(db: Db, settings: DashboardSettings, now = Date.now()): Promise<ProfileStateRow[]> {
  let perDb = liveCache.get(db);
  if (!perDb) liveCache.set(db, (perDb = new Map()));
  const key = JSON.stringify(settings.profileFields);
  const hit = perDb.get(key);
  if (hit && now - hit.at < LIVE_PROFILE_TTL_MS) return hit.rows;
  const rows = computeLiveProfileState(db, settings);
  perDb.set(key, { at: now, rows });
  rows.catch(() => perDb!.delete(key));
  return rows;
}
