import { pino, type Logger } from 'pino';

/** One pino root logger per process; children carry context (request id, job, user). */
export const logger: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: undefined,
  redact: {
    paths: ['*.access_token', '*.secret', '*.corpsecret', 'config.WECOM_SECRET', 'config.SESSION_SECRET'],
    censor: '[redacted]',
  },
});

export type { Logger };
