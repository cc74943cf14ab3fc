/**
 * Sessions the server can end. Signing in opens a row and hands out a token
 * naming it; logout closes that row, deactivation (WeCom org sync) and an
 * admin's "sign out everywhere" close every open row of the member. The
 * authenticate middleware reads the row with the member on every request
 * (core/auth/actor.ts loadSessionActor), so a closed session is refused at
 * once, not when its token expires. Every opening and closing is written to
 * the sign-in log (core/sessions/sign-in-log.ts).
 *
 *   const { token } = await openSession(db, secret, { userId, method: 'wecom', ttlHours: 12, now, client });
 *   await revokeUserSessions(db, userId, { reason: 'admin', by: admin.id, now, client });
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { PageQuerySchema, runList, type Page } from '../resources/pagination.js';
import { ROLE_LABELS, type Actor, type Role } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { signSession } from '../auth/session.js';
import { recordAuthEvent, SIGN_IN_METHOD_LABELS, type ClientInfo } from './sign-in-log.js';

/** 'invitation': a store's clerk who joined through a store-bound link (core/retail/invitations.ts); 'wecom_clerk': a clerk WeCom's OAuth recognised by the WeChat ids bound when they joined (core/retail/clerk-identity.ts). */
export type SignInMethod = 'dev' | 'wecom' | 'invitation' | 'wecom_clerk';
export type RevokeReason = 'logout' | 'deactivated' | 'admin';

export interface OpenedSession { token: string; sessionId: number; expiresAt: Date }

export async function openSession(
  db: Db, secret: string,
  s: { userId: number; method: SignInMethod; ttlHours: number; now: Date; client?: ClientInfo },
): Promise<OpenedSession> {
  const expiresAt = new Date(s.now.getTime() + s.ttlHours * 3_600_000);
  const { rows: [row] } = await db.query(
    `INSERT INTO sessions (user_id, method, created_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [s.userId, s.method, s.now, expiresAt, s.client?.ip ?? null, s.client?.userAgent ?? null]);
  await recordAuthEvent(db, { kind: 'sign_in', at: s.now, userId: s.userId, sessionId: row.id, method: s.method, client: s.client });
  return { token: signSession(secret, { sessionId: row.id, userId: s.userId }, expiresAt), sessionId: row.id, expiresAt };
}

/** Logout: closes this one session (a second logout with the same token changes nothing). */
export async function closeSession(
  db: Db, claim: { sessionId: number; userId: number }, o: { now: Date; client?: ClientInfo },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sessions SET revoked_at = $3, revoke_reason = 'logout'
      WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, [claim.sessionId, claim.userId, o.now]);
  if (!rowCount) return false;
  await recordAuthEvent(db, { kind: 'sign_out', at: o.now, userId: claim.userId, sessionId: claim.sessionId, client: o.client });
  return true;
}

/**
 * Closes every open session of a member; returns how many there were. One log
 * line per call (with the count), also when there were none: an admin's
 * action is recorded whatever it found.
 */
export async function revokeUserSessions(
  db: Db, userId: number, r: { reason: Exclude<RevokeReason, 'logout'>; now: Date; by?: number | null; client?: ClientInfo },
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE sessions SET revoked_at = $4, revoked_by = $2, revoke_reason = $3
      WHERE user_id = $1 AND revoked_at IS NULL`, [userId, r.by ?? null, r.reason, r.now]);
  await recordAuthEvent(db, { kind: 'revoked', at: r.now, userId, actorId: r.by ?? null, reason: r.reason, sessions: rowCount ?? 0, client: r.client });
  return rowCount ?? 0;
}

export const OpenSessionSchema = z.object({
  id: z.number(), userId: z.number(), userName: z.string(), userid: z.string(), roleLabel: z.string(),
  method: z.enum(['dev', 'wecom']), methodLabel: z.string(), createdAt: z.string(), expiresAt: z.string(),
  ip: z.string().nullable(), userAgent: z.string().nullable(),
});
export type OpenSession = z.infer<typeof OpenSessionSchema>;

export const OpenSessionsQuery = PageQuerySchema.extend({
  userId: z.coerce.number().int().positive().max(2 ** 53 - 1).optional(),
}).strict();

/** Sessions still open (not closed, not expired), newest first: admins only. */
export async function listOpenSessions(db: Db, actor: Actor, q: z.infer<typeof OpenSessionsQuery>, now: Date): Promise<Page<OpenSession>> {
  assertCan(actor, 'org', 'update');
  const sql = new Sql();
  const where = ['s.revoked_at IS NULL', `s.expires_at > ${sql.param(now)}`, 'u.active'];
  if (q.userId !== undefined) where.push(`s.user_id = ${sql.param(q.userId)}`);
  return runList<any, OpenSession>(db as any, {
    select: 's.id, s.user_id, u.name, u.wecom_userid, u.role, s.method, s.created_at, s.expires_at, s.ip, s.user_agent',
    from: 'sessions s JOIN users u ON u.id = s.user_id', where, sql, sortExpr: 's.created_at', idExpr: 's.id', page: q,
  }, (r) => ({
    id: r.id, userId: r.user_id, userName: r.name, userid: r.wecom_userid, roleLabel: ROLE_LABELS[r.role as Role],
    method: r.method, methodLabel: SIGN_IN_METHOD_LABELS[r.method],
    createdAt: r.created_at.toISOString(), expiresAt: r.expires_at.toISOString(), ip: r.ip, userAgent: r.user_agent,
  }));
}

/** An admin's "sign out this member everywhere": 404 for an unknown member. */
export async function signOutEverywhere(
  db: Db, actor: Actor, userId: number, o: { now: Date; client?: ClientInfo },
): Promise<{ revoked: number; userName: string }> {
  assertCan(actor, 'org', 'update');
  const { rows: [u] } = await db.query('SELECT name FROM users WHERE id = $1', [userId]);
  if (!u) throw new AppError('USER_NOT_FOUND', { id: userId });
  return { revoked: await revokeUserSessions(db, userId, { reason: 'admin', by: actor.id, ...o }), userName: u.name };
}
