import type { Context, Next } from 'koa';
import { loadSessionActor } from '../../core/auth/actor.js';
import { verifySession, type SessionClaim } from '../../core/auth/session.js';
import type { ClientInfo } from '../../core/sessions/sign-in-log.js';
import type { CoreDeps } from '../../core/deps.js';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../../core/auth/actor.js';

export const SESSION_COOKIE = 'af_session';

/**
 * Resolves the session (httpOnly cookie for the H5 app, `Authorization: Bearer`
 * for the bot console and scripts) into `ctx.state.actor`. Public routes call
 * `next()` without an actor; routes defined with `defineRoute` require one.
 * The token's session row is read with the member on every request, so a
 * session closed by logout or revocation ends at once.
 */
export function authenticate(deps: CoreDeps) {
  return async (ctx: Context, next: Next) => {
    const claim = sessionClaim(ctx, deps);
    // a stale token must not block public routes (sign-in itself), so the
    // problem is only remembered here and raised by routes that need a user
    if (typeof claim === 'string') ctx.state.authProblem = claim;
    else if (claim) {
      const actor = await loadSessionActor(deps.pool, claim);
      if (actor) {
        ctx.state.actor = actor;
        ctx.state.session = claim;
      } else ctx.state.authProblem = 'revoked';
    }
    await next();
  };
}

/** The request's session token, verified (not yet checked against its row); null without one. */
export function sessionClaim(ctx: Context, deps: CoreDeps): SessionClaim | 'invalid' | 'expired' | null {
  const bearer = ctx.get('Authorization').match(/^Bearer\s+(\S+)$/i)?.[1];
  const token = bearer ?? ctx.cookies.get(SESSION_COOKIE);
  return token ? verifySession(deps.config.sessionSecret, token, deps.now()) : null;
}

export function requireActor(ctx: Context): Actor {
  const actor = ctx.state.actor;
  if (actor) return actor;
  throw ctx.state.authProblem === 'expired'
    ? new AppError('SESSION_EXPIRED')
    : new AppError('UNAUTHENTICATED', ctx.state.authProblem ? { reason: ctx.state.authProblem } : undefined);
}

/** Where a sign-in (or its failure) came from, for the sign-in log and the throttle. */
export function clientInfo(ctx: Context): ClientInfo {
  return { ip: ctx.ip, userAgent: ctx.get('User-Agent').slice(0, 300) };
}
