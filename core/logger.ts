import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * One pino root logger per process; children carry context (request id, job,
 * user). On a terminal the lines are human-readable (time, level, message,
 * context on the same line); piped, redirected or with LOG_FORMAT=json they are
 * pino's JSON, one object per line, for log collectors.
 */
const options: LoggerOptions = {
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: undefined,
  redact: {
    paths: ['*.access_token', '*.secret', '*.corpsecret', 'config.WECOM_SECRET', 'config.SESSION_SECRET'],
    censor: '[redacted]',
  },
};

export function logFormat(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): 'pretty' | 'json' {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return isTTY ? 'pretty' : 'json';
}

async function prettyStream() {
  // loaded only for a terminal: log collectors never pay for it
  const { default: pretty } = await import('pino-pretty');
  return pretty({ sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' });
}

export const logger: Logger = logFormat() === 'pretty' ? pino(options, await prettyStream()) : pino(options);

export type { Logger };
