import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting the system reads, parsed once from the environment and
 * validated at start. A bad or missing value stops start-up with one line per
 * problem naming the variable (see `.env.example` for what each one means).
 */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A count from 1 to `max`; unset or empty leaves the default to the code (which sizes it to the cores). */
const optionalCount = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.coerce.number().int().min(1).max(max).optional());

/**
 * Which proxies in front of us may say who the client is (X-Forwarded-For):
 * none (the default), the nearest N hops, or the hops whose addresses lie in
 * a CIDR list.
 */
export type TrustProxy =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'ranges'; ranges: Array<{ address: string; prefix: number; family: 'ipv4' | 'ipv6' }> };

const TrustProxySchema = optionalString.transform((v, ctx): TrustProxy => {
  if (v === undefined || /^(false|none|0)$/i.test(v)) return { kind: 'none' };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 10) ctx.addIssue({ code: 'custom', message: '代理层数最多 10' });
    return { kind: 'hops', hops };
  }
  const ranges = v.split(/[\s,]+/).filter(Boolean).map((item) => {
    const [address, bits] = item.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || !/^\d+$/.test(bits ?? '0') || prefix > (family === 6 ? 128 : 32)) {
      ctx.addIssue({ code: 'custom', message: `「${item}」不是 IP 地址或 CIDR（如 10.0.0.0/8）` });
    }
    return { address, prefix, family: family === 6 ? 'ipv6' as const : 'ipv4' as const };
  });
  return { kind: 'ranges', ranges };
});

const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_URL: optionalString.pipe(z.url({ message: '必须是完整的 http(s) 地址' }).optional()),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: optionalString.pipe(
      z.string().regex(/^postgres(ql)?:\/\//, '必须以 postgres:// 开头').optional(),
    ),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
    DB_POOL_SIZE: optionalCount(200),
    SESSION_SECRET: optionalString.pipe(z.string().min(16, '至少 16 个字符').optional()),
    TRUST_PROXY: TrustProxySchema,
    SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
    WECOM_CORP_ID: optionalString,
    WECOM_AGENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, '必须是数字').optional()),
    WECOM_SECRET: optionalString,
    WECOM_TOKEN: optionalString,
    WECOM_ENCODING_AES_KEY: optionalString.pipe(
      z.string().regex(/^[A-Za-z0-9]{43}$/, '必须是 43 位字母数字').optional(),
    ),
    // the 智能机器人 (AI bot, §9 A): its own Token and EncodingAESKey; both set or neither
    WECOM_AIBOT_TOKEN: optionalString,
    WECOM_AIBOT_ENCODING_AES_KEY: optionalString.pipe(
      z.string().regex(/^[A-Za-z0-9]{43}$/, '必须是 43 位字母数字').optional(),
    ),
    // the name members @ in a group chat; a group message without "@<name>" is not answered
    WECOM_AIBOT_NAME: optionalString,
    // the 智能机器人's long-connection mode (§9 B) instead of the URL callback: its Bot ID and Secret, both or neither
    WECOM_AIBOT_BOT_ID: optionalString,
    WECOM_AIBOT_SECRET: optionalString,
    WECOM_AIBOT_WS_URL: z.url().default('wss://openws.work.weixin.qq.com'),
    WECOM_API_BASE: z.url().default('https://qyapi.weixin.qq.com'),
    WECOM_OAUTH_BASE: z.url().default('https://open.weixin.qq.com'),
    WECHATY_PUPPET: optionalString,
    WECHATY_PUPPET_TOKEN: optionalString,
    JOBS_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    BOT_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    BOT_HANDLERS: optionalCount(64),
    HEAVY_WORKERS: z.coerce.number().int().min(1).max(16).default(1),
    HEAVY_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(64),
    SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    // 90 days of demo history on the first start of an empty demo database (embedded PostgreSQL only)
    DEMO_HISTORY: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // read by core/logger.ts before the config (the logger exists first); validated here all the same
    LOG_FORMAT: optionalString.pipe(z.enum(['pretty', 'json']).optional()),
  })
  .superRefine((c, ctx) => {
    const wecomKeys = ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET'] as const;
    const set = wecomKeys.filter((k) => c[k] !== undefined);
    // Half-configured WeCom is the classic production mistake: refuse it rather than
    // silently falling back to demo mode (which would open the dev sign-in).
    if (set.length > 0 && set.length < wecomKeys.length) {
      for (const k of wecomKeys.filter((k) => c[k] === undefined)) {
        ctx.addIssue({ code: 'custom', path: [k], message: `已设置 ${set.join(', ')}，缺少该项` });
      }
    }
    if ((c.WECOM_AIBOT_TOKEN === undefined) !== (c.WECOM_AIBOT_ENCODING_AES_KEY === undefined)) {
      const missing = c.WECOM_AIBOT_TOKEN === undefined ? 'WECOM_AIBOT_TOKEN' : 'WECOM_AIBOT_ENCODING_AES_KEY';
      ctx.addIssue({ code: 'custom', path: [missing], message: '智能机器人的 Token 与 EncodingAESKey 须同时设置' });
    }
    if ((c.WECOM_AIBOT_BOT_ID === undefined) !== (c.WECOM_AIBOT_SECRET === undefined)) {
      const missing = c.WECOM_AIBOT_BOT_ID === undefined ? 'WECOM_AIBOT_BOT_ID' : 'WECOM_AIBOT_SECRET';
      ctx.addIssue({ code: 'custom', path: [missing], message: '智能机器人长连接的 Bot ID 与 Secret 须同时设置' });
    }
    // one bot receives either by URL callback or by long connection (WeCom makes them exclusive);
    // both set would answer the same rows from two places
    if (c.WECOM_AIBOT_BOT_ID !== undefined && c.WECOM_AIBOT_TOKEN !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['WECOM_AIBOT_BOT_ID'], message: '智能机器人只能选一种接收方式：URL 回调（Token）或长连接（Bot ID），请去掉其中一组' });
    }
    if (c.NODE_ENV === 'production' && !c.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: '生产环境必须设置' });
    }
  });

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface WecomConfig {
  corpId: string;
  agentId: string;
  secret: string;
  token?: string;
  encodingAESKey?: string;
  apiBase: string;
  oauthBase: string;
}

export interface AibotConfig {
  token: string;
  encodingAESKey: string;
  name: string;
}

export interface AibotSocketConfig {
  botId: string;
  secret: string;
  url: string;
  name: string;
}

export interface Config extends RawConfig {
  /** No WeCom credentials: outbox instead of WeCom, console bot, dev sign-in. */
  demoMode: boolean;
  wecom: WecomConfig | null;
  /** The 智能机器人's callback keys; null: the AI bot is off. */
  aibot: AibotConfig | null;
  /** The 智能机器人's long connection; null: not used. */
  aibotSocket: AibotSocketConfig | null;
  sessionSecret: string;
  publicUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置错误:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  const c = parsed.data;
  const wecom: WecomConfig | null =
    c.WECOM_CORP_ID && c.WECOM_AGENT_ID && c.WECOM_SECRET
      ? {
          corpId: c.WECOM_CORP_ID,
          agentId: c.WECOM_AGENT_ID,
          secret: c.WECOM_SECRET,
          token: c.WECOM_TOKEN,
          encodingAESKey: c.WECOM_ENCODING_AES_KEY,
          apiBase: c.WECOM_API_BASE.replace(/\/$/, ''),
          oauthBase: c.WECOM_OAUTH_BASE.replace(/\/$/, ''),
        }
      : null;
  return {
    ...c,
    demoMode: wecom === null,
    wecom,
    aibot: c.WECOM_AIBOT_TOKEN && c.WECOM_AIBOT_ENCODING_AES_KEY
      ? { token: c.WECOM_AIBOT_TOKEN, encodingAESKey: c.WECOM_AIBOT_ENCODING_AES_KEY, name: c.WECOM_AIBOT_NAME ?? '动作流' }
      : null,
    aibotSocket: c.WECOM_AIBOT_BOT_ID && c.WECOM_AIBOT_SECRET
      ? { botId: c.WECOM_AIBOT_BOT_ID, secret: c.WECOM_AIBOT_SECRET, url: c.WECOM_AIBOT_WS_URL, name: c.WECOM_AIBOT_NAME ?? '动作流' }
      : null,
    // without SESSION_SECRET (demo mode) a process signs with a random secret of its own until
    // withPersistedSecret gives it the one kept in DATA_DIR (start-up and the CLIs do)
    sessionSecret: c.SESSION_SECRET ?? `demo-${process.pid}-${randomBytes(12).toString('base64url')}`,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
  };
}

/** The secret kept in DATA_DIR when SESSION_SECRET is unset (demo mode). */
export const SECRET_FILE = 'session-secret';

/**
 * The config with SESSION_SECRET, or else the secret generated once and kept
 * in DATA_DIR/session-secret (owner-only): sessions survive a restart, and
 * every process of one installation (API, jobs, CLIs) signs card links alike.
 *
 *   const config = withPersistedSecret(loadConfig());
 */
export function withPersistedSecret(config: Config): Config {
  if (config.SESSION_SECRET) return config;
  const file = path.resolve(config.DATA_DIR, SECRET_FILE);
  mkdirSync(path.dirname(file), { recursive: true });
  // written aside and linked into place: of two processes starting at once, one
  // links and the other reads the whole secret, never a half-written file
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, randomBytes(32).toString('base64url'), { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 16) throw new ConfigError([`SESSION_SECRET: ${file} 的内容太短（至少 16 个字符），删除它会重新生成`]);
  return { ...config, sessionSecret: secret };
}
