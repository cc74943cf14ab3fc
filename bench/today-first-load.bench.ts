/**
 * A rep opening 今日 for the first time on a phone-class connection: Chrome
 * DevTools' "Fast 4G" preset (9 Mbit/s down, 1.5 Mbit/s up, 165 ms RTT, as
 * DevTools defines it) and 4× CPU slowdown, empty cache, signed in. Measured
 * from navigation start to interactive: the list is on screen and the main
 * thread has had a quiet second (no long task, no request in flight) — the
 * start of that window is the time reported. Budget ≤ 2.5 s (issue #18).
 *
 * Baseline, same run, same throttling: a blank HTML page from the same
 * server — what the network alone costs.
 *
 *   npm run bench -- today
 */
import '../core/zod-locale.js';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Koa from 'koa';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../api/app.js';
import { loadConfig } from '../core/config.js';
import { openDatabase } from '../core/db/database.js';
import { warmUpSegmenter } from '../core/flow/segmenter.js';
import { installDefaults } from '../core/seed/install.js';
import { LoggingWecomClient } from '../core/wecom/logging-wecom-client.js';
import { benchLogger, freePort, makeTempDir } from './bench-db.js';
import { median, printTable, type BenchResult } from './report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_TODAY_RUNS ?? 5);
const BUDGET_MS = 2500;
/** Chrome DevTools' Fast 4G preset (front_end/core/sdk/NetworkManager): throughput ×0.9, RTT ×2.75 for packet-level realism. */
const FAST_4G = { offline: false, latency: 60 * 2.75, downloadThroughput: (9 * 1000 * 1000) / 8 * 0.9, uploadThroughput: (1.5 * 1000 * 1000) / 8 * 0.9 };
const CPU_SLOWDOWN = 4;
const OPEN_ACTIONS = 8;

async function listen(app: Koa): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

/** Long tasks and requests in flight, recorded from the first byte of the page. */
const OBSERVE = () => {
  const w = window as unknown as { __lt: number[] };
  w.__lt = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__lt.push(e.startTime + e.duration); }).observe({ type: 'longtask', buffered: true });
};

/** ms from navigation start to interactive once `ready` holds: the start of the first 1 s with no long task and no request. */
async function timeToInteractive(page: Page, url: string, ready: string): Promise<{ shown: number; interactive: number }> {
  let inflight = 0;
  let lastNet = 0;
  const t0 = Date.now();
  page.on('request', () => { inflight++; });
  const done = () => { inflight--; lastNet = Date.now() - t0; };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  if (process.env.BENCH_TODAY_WATERFALL) {
    page.on('requestfinished', (r) => {
      const t = r.timing();
      console.log(`${String(Math.round(t.startTime - t0)).padStart(6)} +${String(Math.round(t.responseEnd)).padStart(5)} ms  ${r.method()} ${new URL(r.url()).pathname}`);
    });
  }
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector(ready, { timeout: 60_000 });
  const shown = await page.evaluate(() => performance.now());
  for (;;) {
    await page.waitForTimeout(200);
    const { now, lastLong } = await page.evaluate(() => {
      const lt = (window as unknown as { __lt: number[] }).__lt;
      return { now: performance.now(), lastLong: lt.length ? Math.max(...lt) : 0 };
    });
    const quietFrom = Math.max(shown, lastLong, lastNet - (Date.now() - t0 - now));
    if (inflight === 0 && now - quietFrom >= 1000) return { shown: Math.round(shown), interactive: Math.round(quietFrom) };
    if (now > 30_000) return { shown: Math.round(shown), interactive: Math.round(now) };
  }
}

async function phone(browser: Browser, baseURL: string, userid: string | null): Promise<Page> {
  const ctx = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  if (userid) {
    const r = await ctx.request.post('/api/auth/dev-login', { data: { userid } });
    if (!r.ok()) throw new Error(`dev-login ${userid}: ${r.status()}`);
  }
  await ctx.addInitScript(OBSERVE);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', FAST_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  return page;
}

export async function run(): Promise<BenchResult> {
  execFileSync(process.execPath, [path.join(ROOT, 'miniprogram', 'build-if-stale.mjs')], { stdio: 'inherit' });
  const dataDir = makeTempDir('af-bench-today-');
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), SESSION_SECRET: 'bench-secret-0123456789abcdef', LOG_LEVEL: 'warn' });
  const db = await openDatabase(config, benchLogger);
  let browser: Browser | null = null;
  let api: { url: string; close(): Promise<void> } | null = null;
  try {
    await installDefaults(db.pool, { seedDemo: true, now: new Date(), logger: benchLogger });
    warmUpSegmenter(); // as `npm start` does (core/system.ts)
    api = await listen(createApp({ config, pool: db.pool, logger: benchLogger, now: () => new Date(), wecom: new LoggingWecomClient(benchLogger) }));
    // a working day's worth of open actions for the rep
    const token = (await (await fetch(`${api.url}/api/auth/dev-login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userid: 'mgr.li' }) })).json()).token;
    const { rows: [zhao] } = await db.pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`);
    const { rows: customers } = await db.pool.query('SELECT id FROM customers WHERE owner_id = $1 ORDER BY id LIMIT $2', [zhao.id, OPEN_ACTIONS]);
    for (const [i, c] of customers.entries()) {
      await fetch(`${api.url}/api/actions`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ definitionCode: 'visit', customerId: c.id, assigneeId: zhao.id, title: `今日拜访 ${i + 1}` }) });
    }
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'] });
    const today: Array<{ shown: number; interactive: number }> = [];
    const blank: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const p = await phone(browser, api.url, 'rep.zhao');
      today.push(await timeToInteractive(p, '/today', '[data-action-id]'));
      await p.context().close();
      const b = await phone(browser, api.url, null);
      blank.push((await timeToInteractive(b, '/favicon.svg', 'svg')).interactive);
      await b.context().close();
    }
    const tti = median(today.map((t) => t.interactive));
    const shown = median(today.map((t) => t.shown));
    const base = median(blank);
    printTable(`今日 first load, Fast 4G + ${CPU_SLOWDOWN}× CPU (median of ${RUNS})`, [
      { name: 'list on screen', value: shown, unit: 'ms' },
      { name: 'interactive', value: tti, unit: 'ms', baseline: base, ratio: Math.round((tti / base) * 100) / 100 },
      { name: 'budget', value: BUDGET_MS, unit: 'ms' },
    ]);
    return {
      name: '今日 first load (Fast 4G, 4× CPU)',
      metrics: { today_shown_ms: shown, today_interactive_ms: tti, blank_page_ms: base, budget_ms: BUDGET_MS, within_budget: tti <= BUDGET_MS ? 'yes' : 'NO', open_actions: OPEN_ACTIONS },
      ratios: { interactive_vs_blank: Math.round((tti / base) * 100) / 100, interactive_vs_budget: Math.round((tti / BUDGET_MS) * 1000) / 1000 },
    };
  } finally {
    await browser?.close();
    await api?.close();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (e) => { console.error(e); process.exitCode = 1; });
}
