/**
 * A clerk as WeCom's silent OAuth (snsapi_base) names them when they open the
 * app inside WeCom or WeChat: not a member of the brand's WeCom, so by openid
 * and — when they are a 客户联系 contact of the corp — external_userid. Bound
 * when they join through their invitation; afterwards it signs them in again
 * without a new link. One WeChat person is one clerk.
 *
 *   const clerk = await clerkByIdentity(pool, { openid: 'o-1', externalUserid: 'wm-1' }); // Actor | null
 */
import { loadActiveActor, type Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';

export interface ClerkIdentity { openid: string; externalUserid: string | null }

/** The active clerk these ids were bound to: external_userid first (stable across the corp's apps), then openid. */
export async function clerkByIdentity(db: Db, id: ClerkIdentity): Promise<Actor | null> {
  const { rows: [k] } = await db.query(
    `SELECT user_id FROM retail_clerks WHERE wecom_external_userid = $1 OR wecom_openid = $2
      ORDER BY (wecom_external_userid = $1) DESC NULLS LAST LIMIT 1`, [id.externalUserid, id.openid]);
  if (!k) return null;
  const actor = await loadActiveActor(db, { id: Number(k.user_id) });
  return actor?.role === 'clerk' ? actor : null;
}

/** Binds the ids to this clerk, replacing theirs; refused when they are another clerk's (named, so the clerk knows whom to ask). */
export async function bindClerkIdentity(db: Db, clerkId: number, id: ClerkIdentity): Promise<void> {
  const { rows: [other] } = await db.query(
    `SELECT u.name, c.name AS store_name FROM retail_clerks k JOIN users u ON u.id = k.user_id JOIN customers c ON c.id = k.store_id
      WHERE k.user_id <> $1 AND (k.wecom_external_userid = $2 OR k.wecom_openid = $3) LIMIT 1`, [clerkId, id.externalUserid, id.openid]);
  if (other) {
    throw new AppError('CLERK_WECHAT_TAKEN', { clerkName: other.name },
      `这个微信已绑定${other.store_name}的店员「${other.name}」：请从店员入口直接登录；要换门店请联系督导或主管`);
  }
  await db.query('UPDATE retail_clerks SET wecom_openid = $2, wecom_external_userid = $3 WHERE user_id = $1', [clerkId, id.openid, id.externalUserid]);
}

/** Whether these ids are the ones bound to this clerk. */
export async function isClerksIdentity(db: Db, clerkId: number, id: ClerkIdentity): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM retail_clerks WHERE user_id = $1 AND (wecom_external_userid = $2 OR wecom_openid = $3)`, [clerkId, id.externalUserid, id.openid]);
  return rows.length > 0;
}
