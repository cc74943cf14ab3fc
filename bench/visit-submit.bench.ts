/**
 * Visit-report submissions through the real API under 50 concurrent
 * connections: POST /api/actions/{id}/visit-report with photos, a voice memo,
 * a check-in and a transcript that pass every default visit rule — session
 * lookup, zod, one read (the action with the report's facts), rule
 * evaluation (segmentation included), and one atomic statement writing the
 * submission, transition, events, follow-up, to-do and outbox message.
 * Baseline in the same run, same process, same database: a bare Koa + zod +
 * single-INSERT endpoint taking the same body. Targets: ≥ 40% of the
 * baseline's throughput, p99 ≤ 50 ms.
 *
 * Prepared first through the API: customers, N dispatched actions and each
 * rep's attachments (real uploads: two EXIF-dated photos and an AMR memo).
 *
 *   npx tsx bench/visit-submit.bench.ts
 *   BENCH_VISIT_N=3000 BENCH_VISIT_CONCURRENCY=50 npx tsx bench/visit-submit.bench.ts
 *   DB_POOL_SIZE=20 npx tsx bench/visit-submit.bench.ts      the API's connections (default: 2 per core, at least 4)
 *   BENCH_VISIT_PROFILE=/tmp/visit.cpuprofile …   CPU profile of the measured API phase (open in Chrome DevTools)
 *   BENCH_VISIT_SQL=bench/visit-ceiling.sql …       runs that SQL on the bench's database before anything is
 *                                                  prepared: what-if experiments on the schema, never a setting
 *
 * Open-loop mode: reports sent on schedule at each rate (default 20, 50 and
 * 100 per second, 10 s each after a 1 s warm-up), the bare insert at the same
 * rates first; p50/p99 count from the scheduled send, so queueing shows. This
 * is what a rep feels at the rates real organisations produce (the closed
 * loop's p99 is the queue at saturation). Target: p99 ≤ 50 ms at 50/s.
 *
 *   BENCH_VISIT_MODE=open npm run bench -- visit-submit
 *   BENCH_VISIT_MODE=open BENCH_VISIT_RATES=50 BENCH_VISIT_OPEN_S=30 npx tsx bench/visit-submit.bench.ts
 *
 * Both sides are CPU work on this machine's cores (the API, its database and
 * the load generator share them), so the throughput ratio cannot exceed the
 * ratio of CPU spent per request: printed as `throughput_bound_by_cpu`.
 */
import { LoggingWecomClient } from '../core/wecom/logging-wecom-client.js';
import '../core/zod-locale.js';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import http from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import { createApp } from '../api/app.js';
import { VisitReportSchema } from '../core/actions/action-schemas.js';
import { loadConfig } from '../core/config.js';
import { openDatabase } from '../core/db/database.js';
import { warmUpSegmenter } from '../core/flow/segmenter.js';
import { installDefaults } from '../core/seed/install.js';
import { cameraPhoto } from '../test/support/camera-photo.js';
import { benchLogger, makeTempDir, postgresCpuMs, processesMentioning } from './bench-db.js';
import { benchClient } from './http-client.js';
import { openLoop, openLoopTasks, percentile, warmPool, type LoadResult as OpenLoopResult } from './load-loops.js';
import { median, printTable, profiled, resultRows, type BenchResult } from './report.js';

const N = Number(process.env.BENCH_VISIT_N ?? 2000);
const WARMUP = Number(process.env.BENCH_VISIT_WARMUP ?? 200);
const CONCURRENCY = Number(process.env.BENCH_VISIT_CONCURRENCY ?? 50);
const OPEN_LOOP = process.env.BENCH_VISIT_MODE === 'open';
const RATES = (process.env.BENCH_VISIT_RATES ?? '20,50,100').split(',').map(Number);
const OPEN_S = Number(process.env.BENCH_VISIT_OPEN_S ?? 10);
const OPEN_TARGET_RATE = 50;
const CUSTOMERS_PER_REP = 40;
// EMBEDDED_PG_PORT: another checkout on the same machine may be running this bench on the default port
const PG_PORT = Number(process.env.EMBEDDED_PG_PORT ?? 54332);
const TARGET_RATIO = 0.4;
const TARGET_P99_MS = 50;
const client = benchClient();

const REPS = ['rep.zhao', 'rep.qian', 'rep.sun', 'rep.zhou', 'rep.wu', 'rep.zheng'];
// around 人民广场, GCJ-02; each bench customer gets its own spot
const BASE = { lat: 31.2304, lng: 121.4737 };

interface Prepared { actionId: number; token: string; body: unknown }
interface LoadResult {
  requests: number; ok: number; statuses: Record<number, number>; seconds: number; perS: number; p50: number; p99: number; max: number;
  /** This process's CPU (server + load generator) per request: comparable even on a busy machine. */
  cpuMsPerRequest: number;
  /** The embedded PostgreSQL's CPU per request (its connections and WAL writer), null off Linux. */
  postgresCpuMsPerRequest: number | null;
}


/** `concurrency` workers pull jobs from one queue; each request's latency is recorded. */
async function load(jobs: Array<() => Promise<number>>, concurrency: number, dataDir: string): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuMs(dataDir);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const t = performance.now();
      const status = await job();
      latencies.push(performance.now() - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = postgresCpuMs(dataDir);
  latencies.sort((a, b) => a - b);
  const ok = (statuses[200] ?? 0) + (statuses[201] ?? 0);
  return {
    requests: jobs.length, ok, statuses, seconds, perS: jobs.length / seconds,
    p50: median(latencies), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1],
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / jobs.length,
    postgresCpuMsPerRequest: pg0 === null || pg1 === null ? null : (pg1 - pg0) / jobs.length,
  };
}

async function listen(app: Koa): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

async function call(url: string, method: string, token: string | null, body?: unknown, raw?: { bytes: Buffer; query: string }): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (raw) {
    headers['Content-Type'] = 'application/octet-stream';
    payload = new Uint8Array(raw.bytes);
    url += raw.query;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(url, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

function must<T extends { status: number; json: any }>(r: T, what: string, ok = [200, 201]): T {
  if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
  return r;
}

/** Customers, actions and attachments through the API, as reps would create them. */
async function prepare(api: string, count: number): Promise<Prepared[]> {
  const tokens: Record<string, string> = {};
  for (const u of REPS) tokens[u] = must(await call(`${api}/api/auth/dev-login`, 'POST', null, { userid: u }), 'dev-login').json.token;

  const now = new Date();
  const taken = new Date(now.getTime() - 5 * 60_000);
  const reports: Record<string, unknown> = {};
  const customers: Array<{ rep: string; id: number; lat: number; lng: number }> = [];
  for (const [ri, rep] of REPS.entries()) {
    const up = async (bytes: Buffer, q: string) => must(await call(`${api}/api/attachments`, 'POST', tokens[rep], undefined, { bytes, query: q }), 'upload').json.id;
    // two distinct photos and a minute of AMR
    const door = await up(await cameraPhoto({ takenAt: taken }), `?kind=photo&tags=${encodeURIComponent('门头照')}`);
    const group = await up(await cameraPhoto({ takenAt: taken }), `?kind=photo&tags=${encodeURIComponent('合影')}`);
    const memo = await up(Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.alloc(32 * 3000, 0x3c)]), '?kind=voice');
    reports[rep] = [door, group, memo];
    await inBatches(Array.from({ length: CUSTOMERS_PER_REP }, (_, i) => i), 10, async (i) => {
      const lat = BASE.lat + (ri * CUSTOMERS_PER_REP + i) * 0.001;
      const c = must(await call(`${api}/api/customers`, 'POST', tokens[rep], {
        name: `压测客户-${rep}-${i}`, type: 'store', location: { lat, lng: BASE.lng, system: 'gcj02' },
      }), 'create customer').json;
      customers.push({ rep, id: c.id, lat, lng: BASE.lng });
    });
  }

  const prepared: Prepared[] = [];
  await inBatches(Array.from({ length: count }, (_, i) => i), 20, async (i) => {
    const c = customers[i % customers.length];
    const a = must(await call(`${api}/api/actions`, 'POST', tokens[c.rep], { definitionCode: 'visit', customerId: c.id }), 'dispatch').json;
    prepared.push({
      actionId: a.id, token: tokens[c.rep],
      body: {
        fields: { decisionRole: '决策者', nextContactAt: new Date(now.getTime() + 7 * 86_400_000).toISOString() },
        attachmentIds: reports[c.rep],
        checkIn: { lat: c.lat + 0.002, lng: c.lng, coordSystem: 'gcj02', at: now.toISOString() },
        transcript: '店长说价格偏高，账期太长，竞品最近在做堆头，希望下周给个促销方案。',
        linkedOrderIds: [],
      },
    });
  });
  return prepared;
}

async function inBatches<T>(items: T[], width: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** Koa + zod + one INSERT: the single-write ceiling the API is measured against. */
async function startBaseline(pool: pg.Pool) {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_visit_baseline (
    id bigserial PRIMARY KEY, action_id bigint NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  const app = new Koa();
  const router = new Router();
  router.post('/baseline/:id', async (ctx) => {
    const body = VisitReportSchema.safeParse((ctx.request as any).body);
    if (!body.success) { ctx.status = 400; ctx.body = { error: body.error.issues }; return; }
    const { rows } = await pool.query('INSERT INTO bench_visit_baseline (action_id, payload) VALUES ($1, $2) RETURNING id',
      [Number(ctx.params.id), JSON.stringify(body.data)]);
    ctx.body = { id: rows[0].id };
  });
  app.use(bodyParser({ enableTypes: ['json'] }));
  app.use(router.routes());
  return listen(app);
}

/** A phone posting its report; the status. */
const submit = (url: string, p: Prepared) => () =>
  client.post(url, JSON.stringify(p.body), { Authorization: `Bearer ${p.token}`, 'Content-Type': 'application/json' });

/** As `submit`, for an open loop: a refusal (not 200/201) counts as an error there. */
const submitOrThrow = (url: string, p: Prepared) => async () => {
  const status = await submit(url, p)();
  if (status !== 200 && status !== 201) throw new Error(`status ${status}`);
};

/**
 * Each rate in turn, the bare insert first then the reports, each on actions
 * not yet reported; the pool's connections opened before each loop.
 */
async function openLoops(api: string, baseline: string, pool: pg.Pool, reports: Prepared[]): Promise<BenchResult> {
  const metrics: BenchResult['metrics'] = { seconds_per_rate: OPEN_S, api_pool_connections: pool.options.max ?? NaN };
  const ratios: Record<string, number> = {};
  let next = 0;
  const round = (x: number) => Math.round(x * 10) / 10;
  for (const rate of RATES) {
    const batch = reports.slice(next, next += openLoopTasks(rate, OPEN_S));
    await warmPool(pool);
    const base: OpenLoopResult = await openLoop(rate, OPEN_S, (i) => submitOrThrow(`${baseline}/baseline/${batch[i].actionId}`, batch[i])());
    await warmPool(pool);
    const real: OpenLoopResult = await openLoop(rate, OPEN_S, (i) => submitOrThrow(`${api}/api/actions/${batch[i].actionId}/visit-report`, batch[i])());
    Object.assign(metrics, {
      [`at_${rate}_visit_report_p50_ms`]: round(real.p50),
      [`at_${rate}_visit_report_p99_ms`]: round(real.p99),
      [`at_${rate}_visit_report_max_ms`]: round(real.max),
      [`at_${rate}_visit_report_warmup_max_ms`]: real.warmupMax ?? NaN,
      [`at_${rate}_visit_report_errors`]: real.errors,
      [`at_${rate}_baseline_insert_p50_ms`]: round(base.p50),
      [`at_${rate}_baseline_insert_p99_ms`]: round(base.p99),
      [`at_${rate}_baseline_insert_errors`]: base.errors,
    });
    ratios[`at_${rate}_visit_report_p99_ms`] = real.p99 / base.p99;
    if (rate === OPEN_TARGET_RATE) {
      metrics.p99_target = real.p99 <= TARGET_P99_MS ? `met at ${rate}/s (≤ ${TARGET_P99_MS} ms)` : `MISSED at ${rate}/s (> ${TARGET_P99_MS} ms)`;
    }
  }
  metrics.load_average = Math.round(os.loadavg()[0] * 100) / 100;
  return { name: `visit-report submissions, open loop at ${RATES.join(', ')} reports/s (${OPEN_S} s each after 1 s warm-up)`, metrics, ratios };
}

export async function run(): Promise<BenchResult> {
  const dataDir = makeTempDir('af-bench-visit-');
  const config = loadConfig({
    NODE_ENV: 'test', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(PG_PORT), SESSION_SECRET: 'bench-secret-0123456789abcdef', DB_POOL_SIZE: process.env.DB_POOL_SIZE, LOG_LEVEL: 'warn',
  });
  const db = await openDatabase(config, benchLogger);
  const servers: Array<{ close(): Promise<void> }> = [];
  try {
    await installDefaults(db.pool, { seedDemo: true, now: new Date(), logger: benchLogger });
    if (process.env.BENCH_VISIT_SQL) await db.pool.query(readFileSync(process.env.BENCH_VISIT_SQL, 'utf8'));
    warmUpSegmenter();
    const api = await listen(createApp({ config, pool: db.pool, logger: benchLogger, now: () => new Date(), wecom: new LoggingWecomClient(benchLogger) }));
    servers.push(api);
    const baseline = await startBaseline(db.pool);
    servers.push(baseline);

    const tPrep = performance.now();
    const measuredCount = OPEN_LOOP ? RATES.reduce((n, rate) => n + openLoopTasks(rate, OPEN_S), 0) : N;
    const prepared = await prepare(api.url, WARMUP + measuredCount);
    const prepSeconds = (performance.now() - tPrep) / 1000;
    const [warm, measured] = [prepared.slice(0, WARMUP), prepared.slice(WARMUP)];

    if (OPEN_LOOP) {
      await load(warm.map((p) => submit(`${api.url}/api/actions/${p.actionId}/visit-report`, p)), CONCURRENCY, dataDir);
      const result = await openLoops(api.url, baseline.url, db.pool, measured);
      result.metrics.prepare_s = Math.round(prepSeconds * 10) / 10;
      return result;
    }
    await load(warm.map((p) => submit(`${baseline.url}/baseline/${p.actionId}`, p)), CONCURRENCY, dataDir);
    const base = await load(measured.map((p) => submit(`${baseline.url}/baseline/${p.actionId}`, p)), CONCURRENCY, dataDir);
    await load(warm.map((p) => submit(`${api.url}/api/actions/${p.actionId}/visit-report`, p)), CONCURRENCY, dataDir);
    const real = await profiled(process.env.BENCH_VISIT_PROFILE,
      () => load(measured.map((p) => submit(`${api.url}/api/actions/${p.actionId}/visit-report`, p)), CONCURRENCY, dataDir));

    const accepted = (await db.pool.query(`SELECT count(*)::int AS n FROM submissions WHERE outcome = 'accepted'`)).rows[0].n;
    if (real.ok < real.requests * 0.99) throw new Error(`visit reports not accepted: ${JSON.stringify(real.statuses)}`);
    const ratio = real.perS / base.perS;
    const cpuBound = real.postgresCpuMsPerRequest === null || base.postgresCpuMsPerRequest === null ? null
      : (base.cpuMsPerRequest + base.postgresCpuMsPerRequest) / (real.cpuMsPerRequest + real.postgresCpuMsPerRequest);
    const result: BenchResult = {
      name: 'visit-report submissions (50 connections)',
      metrics: {
        submissions: real.requests,
        concurrency: CONCURRENCY,
        api_pool_connections: db.pool.options.max ?? NaN,
        visit_report_per_s: Math.round(real.perS),
        visit_report_p50_ms: Math.round(real.p50 * 10) / 10,
        visit_report_p99_ms: Math.round(real.p99 * 10) / 10,
        visit_report_max_ms: Math.round(real.max),
        baseline_insert_per_s: Math.round(base.perS),
        baseline_insert_p99_ms: Math.round(base.p99 * 10) / 10,
        visit_report_node_cpu_ms: Math.round(real.cpuMsPerRequest * 100) / 100,
        baseline_node_cpu_ms: Math.round(base.cpuMsPerRequest * 100) / 100,
        visit_report_postgres_cpu_ms: real.postgresCpuMsPerRequest === null ? NaN : Math.round(real.postgresCpuMsPerRequest * 100) / 100,
        baseline_postgres_cpu_ms: base.postgresCpuMsPerRequest === null ? NaN : Math.round(base.postgresCpuMsPerRequest * 100) / 100,
        throughput_vs_baseline: `${Math.round(ratio * 100)}% (target ≥ ${TARGET_RATIO * 100}%)`,
        throughput_bound_by_cpu: cpuBound === null ? 'n/a' : `${Math.round(cpuBound * 100)}% (baseline's CPU per request ÷ a report's)`,
        p99_target: real.p99 <= TARGET_P99_MS ? `met (≤ ${TARGET_P99_MS} ms)` : `MISSED (> ${TARGET_P99_MS} ms)`,
        accepted_in_db: accepted,
        statuses: JSON.stringify(real.statuses),
        prepare_s: Math.round(prepSeconds * 10) / 10,
        load_average: Math.round(os.loadavg()[0] * 100) / 100,
      },
      ratios: {
        visit_report_per_s: ratio, visit_report_p99_ms: real.p99 / base.p99,
        visit_report_node_cpu_ms: real.cpuMsPerRequest / base.cpuMsPerRequest,
        ...(real.postgresCpuMsPerRequest && base.postgresCpuMsPerRequest
          ? { visit_report_postgres_cpu_ms: real.postgresCpuMsPerRequest / base.postgresCpuMsPerRequest } : {}),
      },
    };
    return result;
  } finally {
    client.close();
    for (const s of servers.reverse()) await s.close().catch(() => undefined);
    await db.close();
    const left = processesMentioning(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    if (left.length > 0) throw new Error(`postgres left running: ${left.join(', ')}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then((r) => { printTable(r.name, resultRows(r)); process.exit(0); }, (err) => { console.error(err); process.exit(1); });
}
