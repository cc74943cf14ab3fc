import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../../core/config.js';
import { addCalendarDays, shanghaiDate, shanghaiInstant } from '../../../core/flow/time.js';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { LoggingWecomClient } from '../../../core/wecom/logging-wecom-client.js';
import type { WecomClient } from '../../../core/wecom/wecom-client.js';
import { startFakeWecom, type FakeWecom } from '../../support/fake-wecom.js';
import { TEST_SEED_NOW } from '../../support/database.js';

/** Tiny builders shared by the alert and delivery suites. */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const SECRET = 'test-secret-0123456789abcdef';
export const PUBLIC_URL = 'https://af.example.com';
export const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret' };
export const silentLogger = pino({ level: 'silent' });

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', SESSION_SECRET: SECRET, PUBLIC_URL, ...env });
}

/** A movable clock; `at(…)` sets it, `advance(ms)` moves it. */
export function clock(start: Date) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    ms: () => t,
    set: (d: Date) => { t = d.getTime(); },
    advance: (ms: number) => { t += ms; },
  };
}

/** 10:00 Shanghai on the day after the demo seed: outside quiet hours, seed ages shift by at most a day. */
export function aMorningAfterSeed(daysLater = 1): Date {
  return shanghaiInstant(addCalendarDays(shanghaiDate(TEST_SEED_NOW), daysLater), 10, 0);
}

export interface Deps {
  config: Config;
  pool: pg.Pool;
  logger: typeof silentLogger;
  now: () => Date;
  wecom: WecomClient;
}

export function deps(pool: pg.Pool, now: () => Date, wecom: WecomClient = new LoggingWecomClient(silentLogger)): Deps {
  return { config: testConfig(), pool, logger: silentLogger, now, wecom };
}

/** The loopback fake with the demo organisation as its directory, sharing the test's clock. */
export async function fakeWecomWithDemoOrg(pool: pg.Pool, now: () => number): Promise<FakeWecom> {
  const fake = await startFakeWecom({ ...CORP, now });
  const { rows } = await pool.query('SELECT wecom_userid, name FROM users');
  fake.setUsers([{ id: 1, name: '演示快消科技有限公司', parentid: 0 }],
    rows.map((u) => ({ userid: u.wecom_userid, name: u.name, department: [1] })));
  return fake;
}

/** A real HTTP client on the fake; busy errors are not retried inside the client (maxAttempts 1) unless asked. */
export function wecomClient(fake: FakeWecom, maxAttempts = 1): HttpWecomClient {
  return new HttpWecomClient({
    apiBase: fake.baseUrl, oauthBase: fake.oauthBaseUrl, ...CORP, timeoutMs: 3_000,
    maxAttempts, retryBaseDelayMs: 1, logger: silentLogger,
  });
}

export function lookups(pool: pg.Pool) {
  return {
    userId: async (wecomUserid: string): Promise<number> =>
      (await pool.query('SELECT id FROM users WHERE wecom_userid = $1', [wecomUserid])).rows[0].id,
    customer: async (name: string): Promise<{ id: number; owner_id: number }> =>
      (await pool.query('SELECT id, owner_id FROM customers WHERE name = $1', [name])).rows[0],
    count: async (sql: string, params: unknown[] = []): Promise<number> =>
      (await pool.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n,
    rows: async (sql: string, params: unknown[] = []): Promise<any[]> => (await pool.query(sql, params)).rows,
  };
}

/** Active customers silent for `days` at `now`, as the rule defines it (computed here, not by the app). */
export async function silentCustomerIds(pool: pg.Pool, now: Date, days: number): Promise<number[]> {
  const { rows } = await pool.query(
    `SELECT id FROM customers WHERE status = 'active'
        AND COALESCE(last_effective_followup_at, became_active_at) < $1::timestamptz - make_interval(days => $2)
      ORDER BY id`, [now, days]);
  return rows.map((r) => r.id);
}

/** Task ids of the cards WeCom actually showed someone, with how often. */
export function deliveredTaskIds(fake: FakeWecom): Map<string, number> {
  const seen = new Map<string, number>();
  for (const s of fake.sent) {
    const taskId = s.body.template_card?.task_id ?? `${s.body.msgtype}:${JSON.stringify(s.body[s.body.msgtype])}`;
    if (s.delivered.length) seen.set(taskId, (seen.get(taskId) ?? 0) + s.delivered.length);
  }
  return seen;
}

/** `n` more active customers of `owner`, silent for `days` days at `now` (names carry `tag`). */
export async function addSilentCustomers(pool: pg.Pool, owner: string, n: number, now: Date, tag: string, days = 10): Promise<void> {
  await pool.query(
    `INSERT INTO customers (name, type, owner_id, department_id, became_active_at, last_effective_followup_at)
     SELECT $3 || '测试客户' || g, 'store', u.id, u.department_id, $4::timestamptz - interval '90 days', $4::timestamptz - make_interval(days => $5)
       FROM users u, generate_series(1, $2) g WHERE u.wecom_userid = $1`,
    [owner, n, tag, now, days],
  );
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs `node --import tsx <script> …args`, resolving with its stdout. */
export function runNode(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

