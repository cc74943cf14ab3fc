import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';
import { loadActiveActor, ROLE_LABELS, RoleSchema, type Actor } from '../../core/auth/actor.js';
import { can, type Resource, type Verb } from '../../core/auth/permissions.js';
import { signLink, verifyLink } from '../../core/auth/session.js';
import { closeSession, openSession, type SignInMethod } from '../../core/sessions/sessions.js';
import { assertSignInAllowed, recordAuthEvent } from '../../core/sessions/sign-in-log.js';
import type { CoreDeps } from '../../core/deps.js';
import { withTransaction } from '../../core/db/pool.js';
import { AppError } from '../../core/errors.js';
import { clerkByIdentity, type ClerkIdentity } from '../../core/retail/clerk-identity.js';
import { acceptInvitation, describeInvitation } from '../../core/retail/invitations.js';
import { isMemberIdentity, type WecomClient } from '../../core/wecom/wecom-client.js';
import { clientInfo, SESSION_COOKIE, sessionClaim } from '../middleware/authenticate.js';
import { defineRoute, definePublicRoute, type RouteKit } from '../route-kit.js';

const MeSchema = z.object({
  id: z.number(),
  userid: z.string(),
  name: z.string(),
  role: RoleSchema,
  roleLabel: z.string(),
  departmentId: z.number().nullable(),
  managerId: z.number().nullable(),
  permissions: z.record(z.string(), z.array(z.string())),
  demoMode: z.boolean(),
}).openapi('Me');

const RESOURCES: Resource[] = ['customers', 'contacts', 'leads', 'opportunities', 'orders', 'actions', 'escalations', 'config', 'org', 'outbox', 'attribution'];
const VERBS: Verb[] = ['read', 'create', 'update', 'assign'];

function describeMe(actor: Actor, deps: CoreDeps): z.infer<typeof MeSchema> {
  const permissions = Object.fromEntries(RESOURCES.map((r) => [r, VERBS.filter((v) => can(actor, r, v))]));
  return {
    id: actor.id, userid: actor.wecomUserid, name: actor.name, role: actor.role, roleLabel: ROLE_LABELS[actor.role],
    departmentId: actor.departmentId, managerId: actor.managerId, permissions, demoMode: deps.config.demoMode,
  };
}

async function startSession(ctx: Context, deps: CoreDeps, actor: Actor, method: SignInMethod): Promise<string> {
  const { token } = await openSession(deps.pool, deps.config.sessionSecret, {
    userId: actor.id, method, ttlHours: deps.config.SESSION_TTL_HOURS, now: deps.now(), client: clientInfo(ctx),
  });
  ctx.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true, sameSite: 'lax', secure: isHttps(deps), maxAge: deps.config.SESSION_TTL_HOURS * 3600_000, overwrite: true,
  });
  return token;
}

/** Cookies are Secure when the app's public address is https, whatever the hop in front of us spoke. */
const isHttps = (deps: CoreDeps) => deps.config.publicUrl.startsWith('https://');

/** A refused sign-in: logged (the throttle counts these), then the error. */
async function failedSignIn(ctx: Context, deps: CoreDeps, reason: string, err: AppError, attempted?: string): Promise<never> {
  await recordAuthEvent(deps.pool, { kind: 'sign_in_failed', at: deps.now(), reason, attempted, client: clientInfo(ctx) });
  throw err;
}

/**
 * The WeChat ids WeCom's OAuth gave a non-member on their way to a join page,
 * kept for ten minutes in a signed httpOnly cookie until they accept the
 * invitation (core/retail/clerk-identity.ts): never taken from the request.
 */
const CLERK_WECHAT_COOKIE = 'af_clerk_wechat';
function keepClerkIdentity(ctx: Context, deps: CoreDeps, id: ClerkIdentity): void {
  const payload = Buffer.from(JSON.stringify({ o: id.openid, e: id.externalUserid, x: deps.now().getTime() + 600_000 })).toString('base64url');
  ctx.cookies.set(CLERK_WECHAT_COOKIE, `${payload}.${signLink(deps.config.sessionSecret, `clerk:${payload}`)}`,
    { httpOnly: true, sameSite: 'lax', secure: isHttps(deps), maxAge: 600_000, overwrite: true });
}
function keptClerkIdentity(ctx: Context, deps: CoreDeps): ClerkIdentity | null {
  const [payload, sig] = (ctx.cookies.get(CLERK_WECHAT_COOKIE) ?? '').split('.');
  if (!payload || !sig || !verifyLink(deps.config.sessionSecret, `clerk:${payload}`, sig)) return null;
  try {
    const v = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return typeof v.o === 'string' && v.x > deps.now().getTime() ? { openid: v.o, externalUserid: typeof v.e === 'string' ? v.e : null } : null;
  } catch { return null; }
}

/** Only a same-site path may follow sign-in; anything else would be an open redirect. */
const ReturnPath = z.string().max(500).regex(/^\/(?!\/)[^\s\\]*$/, '只能跳转到本站路径').default('/');

export function registerAuthRoutes(kit: RouteKit, wecom: WecomClient): void {
  const { deps } = kit;
  defineRoute(kit, {
    method: 'get', path: '/api/me', operationId: 'me', tags: ['auth'], summary: '当前登录用户及其权限',
    response: MeSchema,
    handler: async ({ actor }) => describeMe(actor, deps),
  });

  definePublicRoute(kit, {
    method: 'post', path: '/api/auth/logout', operationId: 'logout', tags: ['auth'],
    summary: '退出登录：本次会话立即失效（同一令牌不能再使用）',
    response: z.object({ ok: z.boolean() }),
    handler: async ({ ctx }) => {
      const claim = sessionClaim(ctx, deps);
      if (claim && typeof claim === 'object') await closeSession(deps.pool, claim, { now: deps.now(), client: clientInfo(ctx) });
      ctx.cookies.set(SESSION_COOKIE, null, { secure: isHttps(deps) });
      return { ok: true };
    },
  });

  // a store's clerk joins through the link a rep or manager made for the store (they are not in the brand's WeCom)
  const InvitationToken = z.string().trim().regex(/^[A-Za-z0-9_-]{16,64}$/, '邀请链接无效，请向业务员重新索取');
  definePublicRoute(kit, {
    method: 'get', path: '/api/auth/invitation', operationId: 'describeInvitation', tags: ['auth'],
    summary: '店员邀请链接：邀请加入的门店与有效期（无需登录）',
    query: z.object({ token: InvitationToken }).strict(),
    response: z.object({
      storeName: z.string(), expiresAt: z.string(),
      clerkName: z.string().nullable().describe('为已有店员重新生成的登录链接：该店员的姓名'),
      returning: z.boolean().describe('微信识别出打开者就是用过这个链接的店员'),
      wecomSignIn: z.boolean().describe('已配置企业微信：在企业微信/微信里打开时先经静默授权识别店员'),
      recognised: z.boolean().describe('本次打开已经企业微信静默授权识别'),
    }),
    handler: async ({ ctx, query }) => {
      const identity = keptClerkIdentity(ctx, deps);
      const inv = await describeInvitation(deps.pool, query.token, deps.now(), identity);
      return { ...inv, wecomSignIn: !deps.config.demoMode, recognised: !!identity };
    },
  });
  definePublicRoute(kit, {
    method: 'post', path: '/api/auth/invitation/accept', operationId: 'acceptInvitation', tags: ['auth'],
    summary: '接受店员邀请：成为该门店的店员并登录（链接只能用一次）',
    // the name only for a newcomer: a link re-issued for a clerk, or a returning one, signs in as who they are
    body: z.object({ token: InvitationToken, name: z.string().trim().min(1, '请填写姓名').max(20, '姓名不超过20字').optional() }).strict(),
    response: z.object({ token: z.string(), user: MeSchema }),
    recordsAttempts: true,
    handler: async ({ ctx, body }) => {
      await assertSignInAllowed(deps.pool, ctx.ip, deps.now());
      const identity = keptClerkIdentity(ctx, deps);
      const actor = await withTransaction(deps.pool, (tx) => acceptInvitation(tx, body.token, { name: body.name, identity }, deps.now()))
        .catch((err) => failedSignIn(ctx, deps, 'invitation_invalid', err));
      ctx.cookies.set(CLERK_WECHAT_COOKIE, null, { secure: isHttps(deps) });
      return { token: await startSession(ctx, deps, actor, 'invitation'), user: describeMe(actor, deps) };
    },
  });

  if (deps.config.demoMode) {
    // Demo mode only: without WeCom credentials nobody could sign in otherwise.
    definePublicRoute(kit, {
      method: 'post', path: '/api/auth/dev-login', operationId: 'devLogin', tags: ['auth'],
      summary: '演示模式登录（仅在未配置企业微信时存在）',
      body: z.object({ userid: z.string().trim().min(1).max(64) }).strict(),
      response: z.object({ token: z.string(), user: MeSchema }),
      recordsAttempts: true,
      handler: async ({ ctx, body }) => {
        await assertSignInAllowed(deps.pool, ctx.ip, deps.now());
        const actor = await loadActiveActor(deps.pool, { wecomUserid: body.userid });
        if (!actor) return failedSignIn(ctx, deps, 'unknown_user', new AppError('USER_NOT_FOUND', { userid: body.userid }), body.userid);
        return { token: await startSession(ctx, deps, actor, 'dev'), user: describeMe(actor, deps) };
      },
    });
    return;
  }

  definePublicRoute(kit, {
    method: 'get', path: '/api/auth/wecom/start', operationId: 'wecomOAuthStart', tags: ['auth'],
    summary: '跳转到企业微信网页授权', status: 302,
    query: z.object({ redirect: ReturnPath }),
    response: z.any(),
    handler: async ({ ctx, query }) => {
      // WeCom allows only [a-zA-Z0-9] in state, so state is a bare nonce; the return
      // path rides in a signed httpOnly cookie pinned to that nonce — a code obtained
      // for another browser cannot be completed here
      const state = randomBytes(12).toString('hex');
      const payload = `${state}.${Buffer.from(query.redirect).toString('base64url')}`;
      ctx.cookies.set('af_oauth', `${payload}.${signLink(deps.config.sessionSecret, payload)}`,
        { httpOnly: true, sameSite: 'lax', secure: isHttps(deps), maxAge: 600_000 });
      ctx.redirect(wecom.buildOAuthUrl(`${deps.config.publicUrl}/api/auth/wecom/callback`, state));
      return undefined;
    },
  });

  definePublicRoute(kit, {
    method: 'get', path: '/api/auth/wecom/callback', operationId: 'wecomOAuthCallback', tags: ['auth'],
    summary: '企业微信网页授权回调：code 换身份并建立会话（成员按 userid；店员按加入时绑定的微信身份；去加入门店的人带着身份回到邀请页）', status: 302,
    query: z.object({ code: z.string().min(1).max(512), state: z.string().regex(/^[a-zA-Z0-9]{1,128}$/) }),
    response: z.any(),
    recordsAttempts: true,
    handler: async ({ ctx, query }) => {
      await assertSignInAllowed(deps.pool, ctx.ip, deps.now());
      const [nonce, ret, sig] = (ctx.cookies.get('af_oauth') ?? '').split('.');
      const okState = nonce && ret && sig && nonce === query.state
        && verifyLink(deps.config.sessionSecret, `${nonce}.${ret}`, sig);
      if (!okState) return failedSignIn(ctx, deps, 'oauth_state', new AppError('OAUTH_CODE_INVALID', { reason: 'state mismatch' }));
      let identity;
      try {
        identity = await wecom.getUserIdByOAuthCode(query.code);
      } catch (err) {
        if ((err as { errcode?: number }).errcode === 40029) return failedSignIn(ctx, deps, 'oauth_code', new AppError('OAUTH_CODE_INVALID'));
        throw new AppError('WECOM_API_ERROR', { errcode: (err as { errcode?: number }).errcode });
      }
      const back = ReturnPath.catch('/').parse(Buffer.from(ret, 'base64url').toString());
      if (!isMemberIdentity(identity)) {
        // not in the brand's WeCom: a store's clerk (recognised by the WeChat ids bound when they joined), or
        // someone on their way to a join page, whose ids wait there for the invitation to be accepted
        const wechat = { openid: identity.openid, externalUserid: identity.externalUserid ?? null };
        ctx.cookies.set('af_oauth', null, { secure: isHttps(deps) });
        if (back.startsWith('/join/')) {
          keepClerkIdentity(ctx, deps, wechat);
          ctx.redirect(back);
          return undefined;
        }
        const clerk = await clerkByIdentity(deps.pool, wechat);
        if (!clerk) {
          await recordAuthEvent(deps.pool, { kind: 'sign_in_failed', at: deps.now(), reason: 'not_member', client: clientInfo(ctx) });
          ctx.redirect('/clerk?unknown=1');
          return undefined;
        }
        await startSession(ctx, deps, clerk, 'wecom_clerk');
        ctx.redirect(back);
        return undefined;
      }
      const actor = await loadActiveActor(deps.pool, { wecomUserid: identity.userid });
      if (!actor) return failedSignIn(ctx, deps, 'not_member', new AppError('NOT_A_MEMBER', { userid: identity.userid }), identity.userid);
      await startSession(ctx, deps, actor, 'wecom');
      ctx.cookies.set('af_oauth', null, { secure: isHttps(deps) });
      ctx.redirect(back);
      return undefined;
    },
  });
}
