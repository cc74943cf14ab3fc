/**
 * 客户资料完整度 is a state, not a flow: a past period's value is the state at
 * its end. A nightly job (jobs/dashboard-snapshots.job.ts) stores, per
 * department/owner/product line, how many active customers there are and how
 * many have each configured key field filled (by field key, so re-weighting
 * fields later still computes old periods).
 *
 *   await takeProfileSnapshot(pool, '2026-11-28');   // state at the start of that Shanghai day
 */
import { isPool, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import type { IsoDate } from '../flow/time.js';
import { profileFieldsSql, type ProfileStateRow } from './metrics.js';
import { loadDashboardSettings } from './dashboard.setting.js';
import type { DashboardSettings } from './settings.js';

/** Stores (or replaces) the snapshot for `asOf`; returns the number of groups written. */
export async function takeProfileSnapshot(db: Db, asOf: IsoDate): Promise<{ asOf: IsoDate; groups: number; customers: number }> {
  const settings = await loadDashboardSettings(db);
  const ps = new Sql();
  const { joins, flags } = profileFieldsSql(settings.profileFields, ps);
  const pairs = settings.profileFields.map((f, i) => `${ps.param(f.key)}::text, count(*) FILTER (WHERE ${flags[i]})`);
  const asOfParam = ps.param(asOf);
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
  const ps = new Sql();
  const { joins, flags } = profileFieldsSql(settings.profileFields, ps);
  const pairs = settings.profileFields.map((f, i) => `${ps.param(f.key)}::text, count(*) FILTER (WHERE ${flags[i]})`);
  const { rows } = await db.query(
    `SELECT c.department_id, c.owner_id, c.product_line_id, count(*)::int AS customers, jsonb_build_object(${pairs.join(', ')}) AS filled
       FROM customers c ${joins} WHERE c.status = 'active'
      GROUP BY c.department_id, c.owner_id, c.product_line_id`, ps.values);
  return rows;
}

/**
 * How long the live completeness state is reused (per database and field
 * configuration): the current period's 资料完整度 is at most this old, and a
 * dashboard load does not re-read every customer. Past it, a pool-level read
 * still gets the last state at once (up to LIVE_PROFILE_STALE_MS old) while one
 * recomputation runs in the background: the pass over every customer takes
 * most of a second on a large organisation, and no manager should wait for it.
 */
export const LIVE_PROFILE_TTL_MS = 30_000;
export const LIVE_PROFILE_STALE_MS = 10 * 60_000;

interface CachedState { at: number; rows: Promise<ProfileStateRow[]>; ready: boolean; refreshing: boolean }
const liveCache = new WeakMap<object, Map<string, CachedState>>();

export function liveProfileState(db: Db, settings: DashboardSettings, now = Date.now()): Promise<ProfileStateRow[]> {
  let perDb = liveCache.get(db);
  if (!perDb) liveCache.set(db, (perDb = new Map()));
  const key = JSON.stringify(settings.profileFields);
  const hit = perDb.get(key);
  if (hit && now - hit.at < LIVE_PROFILE_TTL_MS) return hit.rows;
  if (hit?.ready && now - hit.at < LIVE_PROFILE_STALE_MS && isPool(db)) {
    if (!hit.refreshing) {
      hit.refreshing = true;
      const cache = perDb;
      load(db, settings, now).rows
        .then((rows) => cache.set(key, { at: now, rows: Promise.resolve(rows), ready: true, refreshing: false }))
        .catch(() => { hit.refreshing = false; });
    }
    return hit.rows;
  }
  const entry = load(db, settings, now);
  perDb.set(key, entry);
  entry.rows.catch(() => perDb!.delete(key));
  return entry.rows;
}

function load(db: Db, settings: DashboardSettings, now: number): CachedState {
  const entry: CachedState = { at: now, rows: computeLiveProfileState(db, settings), ready: false, refreshing: false };
  entry.rows.then(() => { entry.ready = true; }, () => undefined);
  return entry;
}
