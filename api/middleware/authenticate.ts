import type { Context, Next } from 'koa';
import { loadActiveActor } from '../../core/auth/actor.js';
import { verifySession } from '../../core/auth/session.js';
import type { CoreDeps } from '../../core/deps.js';
import { AppError } from '../../core/errors.js';
import type { Actor } from '../../core/auth/actor.js';

export const SESSION_COOKIE = 'af_session';

/**
 * Resolves the session (httpOnly cookie for the H5 app, `Authorization: Bearer`
 * for the bot console and scripts) into `ctx.state.actor`. Public routes call
 * `next()` without an actor; routes defined with `defineRoute` require one.
 */
export function authenticate(deps: CoreDeps) {
  return async (ctx: Context, next: Next) => {
    const bearer = ctx.get('Authorization').match(/^Bearer\s+(\S+)$/i)?.[1];
    const token = bearer ?? ctx.cookies.get(SESSION_COOKIE);
    if (token) {
      const s = verifySession(deps.config.sessionSecret, token, deps.now());
      // a stale token must not block public routes (sign-in itself), so the
      // problem is only remembered here and raised by routes that need a user
      if (typeof s === 'string') ctx.state.authProblem = s;
      else {
        const actor = await loadActiveActor(deps.pool, { id: s.userId });
        if (actor) ctx.state.actor = actor;
        else ctx.state.authProblem = 'inactive';
      }
    }
    await next();
  };
}

export function requireActor(ctx: Context): Actor {
  const actor = ctx.state.actor;
  if (actor) return actor;
  throw ctx.state.authProblem === 'expired'
    ? new AppError('SESSION_EXPIRED')
    : new AppError('UNAUTHENTICATED', ctx.state.authProblem ? { reason: ctx.state.authProblem } : undefined);
}
