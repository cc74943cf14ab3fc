import type { Context, Next } from 'koa';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import { AppError, ERRORS, isAppError } from '../../core/errors.js';

/**
 * The one error boundary of the HTTP process: every failure leaves as
 * `{ error: { code, message, details } }`; unknown errors are logged with the
 * request id and become a 500 that reveals nothing.
 */
export function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const requestId = ctx.get('X-Request-Id').slice(0, 64) || randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    ctx.state.log = logger.child({ requestId });
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        throw new AppError('NOT_FOUND', { path: ctx.path });
      }
      // the router's 405 / 501 for a method the path does not have: same envelope as every other error
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        const allow = ctx.response.get('Allow');
        ctx.body = {
          error: {
            code: 'METHOD_NOT_ALLOWED', message: ERRORS.METHOD_NOT_ALLOWED.zh,
            ...(allow ? { details: { allow: allow.split(/,\s*/) } } : {}),
          },
        };
      }
    } catch (err) {
      const appErr = toAppError(err);
      if (appErr.status >= 500) {
        ctx.state.log.error({ err, method: ctx.method, path: ctx.path }, 'request failed');
      } else {
        ctx.state.log.info({ code: appErr.code, method: ctx.method, path: ctx.path }, 'request refused');
      }
      ctx.status = appErr.status;
      const retryAfter = (appErr.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (typeof retryAfter === 'number') ctx.set('Retry-After', String(Math.ceil(retryAfter)));
      ctx.body = {
        error: {
          code: appErr.code,
          message: appErr.message,
          ...(appErr.details !== undefined && appErr.status < 500 ? { details: appErr.details } : {}),
        },
      };
    }
  };
}

function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = err as { status?: number; type?: string; expose?: boolean; code?: string; statusCode?: number };
  const status = e?.status ?? e?.statusCode;
  // errors raised by koa / the body parser carry an http status of their own
  if (status === 413) return new AppError('BODY_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  // a body whose Content-Encoding (gzip, deflate, br) does not match its bytes
  if (typeof e?.code === 'string' && /^Z_/.test(e.code)) {
    return new AppError('VALIDATION_FAILED', [{ path: 'body', message: '请求体与 Content-Encoding 不符，无法解压' }]);
  }
  if (status === 400 || e?.type === 'entity.parse.failed') {
    return new AppError('VALIDATION_FAILED', [{ path: 'body', message: 'JSON 格式错误' }]);
  }
  if (status === 404) return new AppError('NOT_FOUND');
  return new AppError('INTERNAL', undefined, ERRORS.INTERNAL.zh);
}
