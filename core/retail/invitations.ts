/**
 * Store-bound invitations: clerks work for the retailer, not the brand, so
 * they are not members of the brand's WeCom. A rep, manager or inspector
 * makes a link for one store; whoever opens it gives their name and becomes
 * that store's clerk, signed in. A link works once and expires (setting
 * retail.clerk-invitation); only its hash is stored. Opened inside WeCom or
 * WeChat, the clerk's WeChat ids (core/retail/clerk-identity.ts) are bound to
 * them: the spent link then still signs that person in, and refuses anyone
 * else. A clerk who lost their way in gets a link re-issued for them, which
 * revokes their earlier unused ones and signs them in as themselves.
 *
 *   const { url } = await createInvitation(db, rep, storeId, { now, publicUrl });
 *   const again = await reissueInvitation(db, inspector, clerkId, { now, publicUrl });
 *   const clerk = await acceptInvitation(db, token, { name: '陆小燕', identity }, now);   // then open a session for clerk
 */
import { createHash, randomBytes } from 'node:crypto';
import { loadActiveActor, type Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { DAY_MS } from '../flow/time.js';
import { bindClerkIdentity, clerkByIdentity, isClerksIdentity, type ClerkIdentity } from './clerk-identity.js';
import { readSetting } from '../settings/read.js';
import type { FlowDeps } from '../actions/dispatch.js';
import { clerkInvitation } from './invitation.setting.js';
import { storeScopeSql } from './store-scope.js';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** Who makes links: those who start launches at the store, and the inspector whose route it is on. */
function assertMayInvite(actor: Actor): void {
  if (actor.role !== 'inspector') assertCan(actor, 'retail', 'create');
}

async function storeInReach(db: Db, actor: Actor, storeId: number): Promise<string> {
  const sql = new Sql();
  const { rows: [store] } = await db.query(sql.unprepared(
    `SELECT c.name FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE s.customer_id = ${sql.param(storeId)} AND ${storeScopeSql(actor, sql)}`));
  if (!store) throw new AppError('STORE_NOT_FOUND', { storeId });
  return store.name;
}

async function issue(db: Db, actor: Actor, storeId: number, clerkId: number | null, d: FlowDeps) {
  const { validDays } = await readSetting(db, clerkInvitation);
  const token = randomBytes(18).toString('base64url');
  const expiresAt = new Date(d.now.getTime() + validDays * DAY_MS);
  await db.query(
    `INSERT INTO retail_invitations (token_hash, store_id, clerk_id, created_by, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6)`,
    [hashOf(token), storeId, clerkId, actor.id, d.now, expiresAt]);
  return { url: `${d.publicUrl}/join/${token}`, expiresAt: expiresAt.toISOString() };
}

export async function createInvitation(db: Db, actor: Actor, storeId: number, d: FlowDeps): Promise<{ url: string; expiresAt: string; storeName: string }> {
  assertMayInvite(actor);
  const storeName = await storeInReach(db, actor, storeId);
  return { ...(await issue(db, actor, storeId, null, d)), storeName };
}

/** A new sign-in link for a clerk of a store in reach; their earlier unused links stop working. */
export async function reissueInvitation(db: Db, actor: Actor, clerkId: number, d: FlowDeps): Promise<{ url: string; expiresAt: string; clerkName: string; revoked: number }> {
  assertMayInvite(actor);
  const { rows: [k] } = await db.query(
    `SELECT k.store_id, u.name FROM retail_clerks k JOIN users u ON u.id = k.user_id WHERE k.user_id = $1 AND u.active`, [clerkId]);
  if (!k) throw new AppError('CLERK_NOT_FOUND', { clerkId });
  await storeInReach(db, actor, Number(k.store_id)).catch(() => { throw new AppError('CLERK_NOT_FOUND', { clerkId }); });
  const { rowCount } = await db.query(
    `UPDATE retail_invitations SET revoked_at = $2, revoked_by = $3 WHERE clerk_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL`,
    [clerkId, d.now, actor.id]);
  return { ...(await issue(db, actor, Number(k.store_id), clerkId, d)), clerkName: k.name, revoked: rowCount ?? 0 };
}

const ASK = '请向门店的督导或主管重新索取';

async function openInvitation(db: Db, token: string, now: Date, identity: ClerkIdentity | null, lock = false): Promise<any> {
  const { rows: [inv] } = await db.query(
    `SELECT i.*, c.name AS store_name, c.department_id, o.manager_id, k.name AS clerk_name
       FROM retail_invitations i JOIN customers c ON c.id = i.store_id JOIN users o ON o.id = c.owner_id
       LEFT JOIN users k ON k.id = i.clerk_id
      WHERE i.token_hash = $1${lock ? ' FOR UPDATE OF i' : ''}`, [hashOf(token)]);
  if (!inv) throw new AppError('INVITATION_INVALID', {}, `邀请链接无效，${ASK}`);
  if (inv.revoked_at) throw new AppError('INVITATION_INVALID', { reason: 'revoked' }, `这个链接已作废（已为你发了新的链接），请用最新的链接，或${ASK}`);
  if (inv.accepted_at) {
    // the person who used it, recognised by WeChat, may come back through it; nobody else
    if (identity && await isClerksIdentity(db, Number(inv.accepted_by), identity)) return { ...inv, returning: true };
    if (identity) throw new AppError('INVITATION_TAKEN', { reason: 'used' }, `这个邀请链接已被另一位店员使用，不能再用：${ASK}你自己的链接`);
    throw new AppError('INVITATION_INVALID', { reason: 'used' }, `这个邀请链接已经用过了：在微信里打开店员入口可直接登录，或${ASK}`);
  }
  if (inv.expires_at <= now) throw new AppError('INVITATION_INVALID', { reason: 'expired' }, `邀请链接已过期，${ASK}`);
  return inv;
}

/** What the join page shows before anyone signs in: the store, until when the link works, and the clerk it was re-issued for. */
export async function describeInvitation(db: Db, token: string, now: Date, identity: ClerkIdentity | null = null): Promise<{ storeName: string; expiresAt: string; clerkName: string | null; returning: boolean }> {
  const inv = await openInvitation(db, token, now, identity);
  return { storeName: inv.store_name, expiresAt: inv.expires_at.toISOString(), clerkName: inv.clerk_name ?? null, returning: !!inv.returning };
}

/**
 * Signs the newcomer up as the store's clerk (in the store's region, escalating to its manager); the link is spent.
 * A link re-issued for a clerk signs that clerk in; a spent link signs in again only the person WeChat says used it.
 */
export async function acceptInvitation(db: Db, token: string, input: { name?: string; identity?: ClerkIdentity | null }, now: Date): Promise<Actor> {
  const identity = input.identity ?? null;
  const inv = await openInvitation(db, token, now, identity, true);
  let clerkId: number;
  if (inv.returning) return (await loadActiveActor(db, { id: Number(inv.accepted_by) }))!;
  if (inv.clerk_id) {
    clerkId = Number(inv.clerk_id);
  } else {
    const known = identity && await clerkByIdentity(db, identity);
    if (known) {
      throw new AppError('CLERK_WECHAT_TAKEN', { clerkName: known.name },
        `这个微信已是店员「${known.name}」的：请从店员入口直接登录；要换门店请联系督导或主管`);
    }
    if (!input.name) throw new AppError('VALIDATION_FAILED', [{ path: 'body.name', message: '请填写姓名' }]);
    const { rows: [u] } = await db.query(
      `INSERT INTO users (wecom_userid, name, role, department_id, manager_id, position)
       VALUES ('clerk-' || $1, $2, 'clerk', $3, $4, '店员 · ' || $5) RETURNING id`,
      [randomBytes(6).toString('hex'), input.name, inv.department_id, inv.manager_id, inv.store_name]);
    clerkId = Number(u.id);
    await db.query('INSERT INTO retail_clerks (user_id, store_id) VALUES ($1,$2)', [clerkId, inv.store_id]);
  }
  if (identity) await bindClerkIdentity(db, clerkId, identity);
  await db.query('UPDATE retail_invitations SET accepted_by = $2, accepted_at = $3 WHERE id = $1', [inv.id, clerkId, now]);
  const actor = await loadActiveActor(db, { id: clerkId });
  if (!actor) throw new AppError('INVITATION_INVALID', { reason: 'clerk inactive' }, `这个店员账号已停用，${ASK}`);
  return actor;
}
