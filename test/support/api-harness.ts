import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { createApp } from '../../api/app.js';
import { createBotDeps } from '../../bot/engine/deps.js';
import { createConsoleBot } from '../../bot/transports/console.transport.js';
import { loadConfig } from '../../core/config.js';
import { createHeavyRunner, type HeavyRunner } from '../../core/heavy/heavy-runner.js';
import type { CoreDeps } from '../../core/deps.js';
import { logger } from '../../core/logger.js';
import { LoggingWecomClient } from '../../core/wecom/logging-wecom-client.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApi {
  baseUrl: string;
  /** The app's DATA_DIR: a fresh temporary directory, removed on close, unless the test gave its own. */
  dataDir: string;
  /** The app's heavy-operation runner (worker threads, cache, fair use): its stats show where and how often it rendered. */
  heavy: HeavyRunner;
  /** Signs in through the real dev-login route (demo mode) and caches the token. */
  tokenFor(userid: string): Promise<string>;
  call<T = any>(method: string, path: string, opts?: { as?: string; body?: unknown; headers?: Record<string, string>; raw?: string | Uint8Array }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/** The real Koa app on a loopback port, over a test database. */
export async function startTestApi(opts: {
  pool: pg.Pool;
  env?: Record<string, string>;
  wecom?: WecomClient;
  now?: () => Date;
  /** Capabilities the process would be handed (e.g. resetDemo, which only npm start's embedded demo gets). */
  deps?: Pick<CoreDeps, 'resetDemo'>;
  /** A fixed port, for a test whose PUBLIC_URL must be this server's own address (WeCom's OAuth returns there). */
  port?: number;
}): Promise<TestApi> {
  // uploads of a test never land in a developer's ./data
  const ownDataDir = opts.env?.DATA_DIR === undefined;
  const dataDir = opts.env?.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'af-api-'));
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-0123456789abcdef', ...opts.env, DATA_DIR: dataDir });
  const core = { config, pool: opts.pool, logger, now: opts.now ?? (() => new Date()), wecom: opts.wecom ?? new LoggingWecomClient(logger), ...opts.deps };
  // as main.ts wires `npm start`: the bot in the same process answers the H5 chat
  const heavy = createHeavyRunner(config, logger);
  const app = createApp({ ...core, heavy, consoleBot: createConsoleBot(createBotDeps(core)) });
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new Map<string, string>();

  const call: TestApi['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.as) headers.Authorization = `Bearer ${await tokenFor(o.as)}`;
    let body: string | Blob | undefined = o.raw instanceof Uint8Array ? new Blob([o.raw as Uint8Array<ArrayBuffer>]) : o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };

  async function tokenFor(userid: string): Promise<string> {
    const cached = tokens.get(userid);
    if (cached) return cached;
    const res = await call('POST', '/api/auth/dev-login', { body: { userid } });
    if (res.status !== 200) throw new Error(`dev-login as ${userid} failed: ${res.status} ${JSON.stringify(res.body)}`);
    tokens.set(userid, res.body.token);
    return res.body.token;
  }

  return {
    baseUrl, dataDir, tokenFor, call, heavy,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }).then(() => heavy.close()).then(() => { if (ownDataDir) rmSync(dataDir, { recursive: true, force: true }); }),
  };
}
