/**
 * Store-bound invitations: clerks work for the retailer, not the brand, so
 * they are not members of the brand's WeCom. A rep or manager makes a link
 * for one store; whoever opens it gives their name and becomes that store's
 * clerk, signed in. A link works once and expires (setting
 * retail.clerk-invitation); only its hash is stored.
 *
 *   const { url } = await createInvitation(db, rep, storeId, { now, publicUrl });
 *   const clerk = await acceptInvitation(db, token, { name: '陆小燕' }, now);   // then open a session for clerk
 */
import { createHash, randomBytes } from 'node:crypto';
import { loadActiveActor, type Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { DAY_MS } from '../flow/time.js';
import { readSetting } from '../settings/read.js';
import type { FlowDeps } from '../actions/dispatch.js';
import { clerkInvitation } from './invitation.setting.js';
import { storeScopeSql } from './store-scope.js';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createInvitation(db: Db, actor: Actor, storeId: number, d: FlowDeps): Promise<{ url: string; expiresAt: string; storeName: string }> {
  assertCan(actor, 'retail', 'create');
  const sql = new Sql();
  const { rows: [store] } = await db.query(sql.unprepared(
    `SELECT c.name FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE s.customer_id = ${sql.param(storeId)} AND ${storeScopeSql(actor, sql)}`));
  if (!store) throw new AppError('STORE_NOT_FOUND', { storeId });
  const { validDays } = await readSetting(db, clerkInvitation);
  const token = randomBytes(18).toString('base64url');
  const expiresAt = new Date(d.now.getTime() + validDays * DAY_MS);
  await db.query(
    `INSERT INTO retail_invitations (token_hash, store_id, created_by, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)`,
    [hashOf(token), storeId, actor.id, d.now, expiresAt]);
  return { url: `${d.publicUrl}/join/${token}`, expiresAt: expiresAt.toISOString(), storeName: store.name };
}

async function openInvitation(db: Db, token: string, now: Date, lock = false): Promise<any> {
  const { rows: [inv] } = await db.query(
    `SELECT i.*, c.name AS store_name, c.department_id, o.manager_id FROM retail_invitations i JOIN customers c ON c.id = i.store_id
       JOIN users o ON o.id = c.owner_id WHERE i.token_hash = $1${lock ? ' FOR UPDATE OF i' : ''}`, [hashOf(token)]);
  if (!inv) throw new AppError('INVITATION_INVALID', {}, '邀请链接无效，请向业务员重新索取');
  if (inv.accepted_at) throw new AppError('INVITATION_INVALID', { reason: 'used' }, '这个邀请链接已经用过了，请向业务员重新索取');
  if (inv.expires_at <= now) throw new AppError('INVITATION_INVALID', { reason: 'expired' }, '邀请链接已过期，请向业务员重新索取');
  return inv;
}

/** What the join page shows before anyone signs in: the store, and until when the link works. */
export async function describeInvitation(db: Db, token: string, now: Date): Promise<{ storeName: string; expiresAt: string }> {
  const inv = await openInvitation(db, token, now);
  return { storeName: inv.store_name, expiresAt: inv.expires_at.toISOString() };
}

/** Signs the newcomer up as the store's clerk (in the store's region, escalating to its manager); the link is spent. */
export async function acceptInvitation(db: Db, token: string, input: { name: string }, now: Date): Promise<Actor> {
  const inv = await openInvitation(db, token, now, true);
  const { rows: [u] } = await db.query(
    `INSERT INTO users (wecom_userid, name, role, department_id, manager_id, position)
     VALUES ('clerk-' || $1, $2, 'clerk', $3, $4, '店员 · ' || $5) RETURNING id`,
    [randomBytes(6).toString('hex'), input.name, inv.department_id, inv.manager_id, inv.store_name]);
  await db.query('INSERT INTO retail_clerks (user_id, store_id) VALUES ($1,$2)', [u.id, inv.store_id]);
  await db.query('UPDATE retail_invitations SET accepted_by = $2, accepted_at = $3 WHERE id = $1', [inv.id, u.id, now]);
  return (await loadActiveActor(db, { id: Number(u.id) }))!;
}
