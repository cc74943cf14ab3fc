/**
 * The sign-in log (auth_log): every sign-in, failed attempt, sign-out and
 * revocation, with the address and browser it came from, for admins to read.
 * It also slows down guessing: an address with repeated failed sign-ins must
 * wait before its next attempt, twice as long after each further failure (the
 * numbers are the setting 登录失败限制, sign-in-throttle.setting.ts).
 *
 *   await assertSignInAllowed(db, client.ip, now);             // 429 SIGN_IN_THROTTLED while it must wait
 *   await recordAuthEvent(db, { kind: 'sign_in_failed', at: now, reason: 'unknown_user', attempted: 'rep.x', client });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { PageQuerySchema, runList, type Page } from '../resources/pagination.js';
import { readSetting } from '../settings/read.js';
import { signInThrottle, type SignInThrottle } from './sign-in-throttle.setting.js';

export interface ClientInfo { ip: string; userAgent: string }

export type AuthEventKind = 'sign_in' | 'sign_in_failed' | 'sign_out' | 'revoked';

export interface AuthEvent {
  kind: AuthEventKind;
  at: Date;
  userId?: number | null;
  actorId?: number | null;
  sessionId?: number | null;
  method?: string | null;
  reason?: string | null;
  /** A failed attempt: what was tried (a userid), cut to 64 characters. */
  attempted?: string | null;
  /** A revocation: how many sessions it closed. */
  sessions?: number | null;
  client?: ClientInfo;
}

export async function recordAuthEvent(db: Db, e: AuthEvent): Promise<void> {
  await db.query(
    `INSERT INTO auth_log (at, kind, user_id, actor_id, session_id, method, reason, attempted, sessions, ip, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [e.at, e.kind, e.userId ?? null, e.actorId ?? null, e.sessionId ?? null, e.method ?? null, e.reason ?? null,
      e.attempted?.slice(0, 64) ?? null, e.sessions ?? null, e.client?.ip ?? null, e.client?.userAgent.slice(0, 300) ?? null]);
}

/**
 * Seconds this address must still wait after `failures` recent failures, the
 * latest at `last`: none up to the free failures, then the first wait, doubled
 * for each further failure, never more than the window.
 */
export function signInWaitSeconds(failures: number, last: Date | null, now: Date, t: SignInThrottle): number {
  if (failures < t.freeFailures || !last) return 0;
  const wait = Math.min(t.windowMinutes * 60, t.firstWaitSeconds * 2 ** (failures - t.freeFailures));
  return Math.max(0, Math.ceil(wait - (now.getTime() - last.getTime()) / 1000));
}

/** 429 SIGN_IN_THROTTLED while the address must wait; refused attempts are not logged (the log stays bounded). */
export async function assertSignInAllowed(db: Db, ip: string, now: Date): Promise<void> {
  const t = await readSetting(db, signInThrottle);
  const { rows: [r] } = await db.query(
    `SELECT count(*)::int AS n, max(at) AS last FROM auth_log
      WHERE kind = 'sign_in_failed' AND ip = $1 AND at > $2::timestamptz - make_interval(mins => $3)`,
    [ip, now, t.windowMinutes]);
  const wait = signInWaitSeconds(r.n, r.last, now, t);
  if (wait > 0) {
    throw new AppError('SIGN_IN_THROTTLED', { retryAfterSeconds: wait },
      `登录失败次数过多，请 ${wait >= 60 ? `${Math.ceil(wait / 60)} 分钟` : `${wait} 秒`}后再试`);
  }
}

export const AuthLogQuery = PageQuerySchema.extend({
  userId: z.coerce.number().int().positive().max(2 ** 53 - 1).optional(),
  kind: z.enum(['sign_in', 'sign_in_failed', 'sign_out', 'revoked']).optional(),
}).strict();

const REASON_LABELS: Record<string, string> = {
  logout: '本人退出', deactivated: '企业微信中已停用或离职', admin: '管理员强制退出',
  unknown_user: '账号不存在或已停用', oauth_state: '授权校验失败（链接过期或在其他浏览器打开）',
  oauth_code: '企业微信授权码无效', not_member: '不是本企业成员或未开通',
};
const KIND_LABELS: Record<AuthEventKind, string> = { sign_in: '登录', sign_in_failed: '登录失败', sign_out: '退出登录', revoked: '强制退出' };
export const SIGN_IN_METHOD_LABELS: Record<string, string> = { dev: '演示账号', wecom: '企业微信', invitation: '门店邀请链接', wecom_clerk: '微信识别（店员）' };

export const AuthLogEntrySchema = z.object({
  id: z.number(), at: z.string(), kind: z.enum(['sign_in', 'sign_in_failed', 'sign_out', 'revoked']), kindLabel: z.string(),
  userId: z.number().nullable(), userName: z.string().nullable(), actorName: z.string().nullable(),
  method: z.string().nullable(), methodLabel: z.string().nullable(), reason: z.string().nullable(), reasonLabel: z.string().nullable(),
  attempted: z.string().nullable(), sessions: z.number().nullable(), ip: z.string().nullable(), userAgent: z.string().nullable(),
});
export type AuthLogEntry = z.infer<typeof AuthLogEntrySchema>;

/** The log, newest first (admins). */
export async function listAuthLog(db: Db, actor: Actor, q: z.infer<typeof AuthLogQuery>): Promise<Page<AuthLogEntry>> {
  assertCan(actor, 'org', 'update');
  const sql = new Sql();
  const where: string[] = [];
  if (q.userId !== undefined) where.push(`l.user_id = ${sql.param(q.userId)}`);
  if (q.kind) where.push(`l.kind = ${sql.param(q.kind)}`);
  return runList<any, AuthLogEntry>(db as any, {
    select: `l.id, l.at, l.kind, l.user_id, u.name AS user_name, a.name AS actor_name, l.method, l.reason, l.attempted,
             l.sessions, l.ip, l.user_agent`,
    from: 'auth_log l LEFT JOIN users u ON u.id = l.user_id LEFT JOIN users a ON a.id = l.actor_id',
    where, sql, sortExpr: 'l.at', idExpr: 'l.id', page: q,
  }, (r) => ({
    id: r.id, at: r.at.toISOString(), kind: r.kind, kindLabel: KIND_LABELS[r.kind as AuthEventKind],
    userId: r.user_id, userName: r.user_name, actorName: r.actor_name,
    method: r.method, methodLabel: r.method ? SIGN_IN_METHOD_LABELS[r.method] ?? r.method : null,
    reason: r.reason, reasonLabel: r.reason ? REASON_LABELS[r.reason] ?? r.reason : null,
    attempted: r.attempted, sessions: r.sessions, ip: r.ip, userAgent: r.user_agent,
  }));
}
