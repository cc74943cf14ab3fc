/**
 * One user must not slow everyone (issue #23 item 4): /api/me's latency while
 * 8 clients hammer the heaviest operations, against the same server idle, in
 * the same run. The heavy operations are the ones /openapi.json marks
 * `x-heavy` (heatmap PNG/SVG, CSV/XLSX exports, and whatever later declares
 * itself heavy); each abuser cycles through them with changing weeks and
 * months (cache misses as well as hits) and never waits: not for Retry-After,
 * not between requests. The abusers are 2 members, 4 clients each (past their
 * share of 2 at once, some get 429 at once and ask again).
 *
 * The API runs in a child process (the real app over the bench database with
 * the demo organisation), so the clients' own work is not counted as the
 * server's. /api/me is sent open-loop at a fixed rate and timed from when it
 * was due, so a stalled server cannot hide its stall by delaying the sender.
 * Target: p99 under abuse ≤ 3 × idle p99.
 *
 *   npm run bench -- fair-use
 *   BENCH_FAIR_SECONDS=20 BENCH_FAIR_RATE=100 BENCH_FAIR_ABUSERS=8 npm run bench -- fair-use
 */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installDefaults } from '../core/seed/install.js';
import { benchLogger, freePort, makeTempDir, openBenchDatabase, processesMentioning, serveApp, spawnServer } from './bench-db.js';
import { printTable, resultRows, type BenchResult } from './report.js';

const SELF = fileURLToPath(import.meta.url);
const SECRET = 'bench-fair-use-secret-0123456789';
const SECONDS = Number(process.env.BENCH_FAIR_SECONDS ?? 15);
const RATE = Number(process.env.BENCH_FAIR_RATE ?? 50);
const ABUSERS = Number(process.env.BENCH_FAIR_ABUSERS ?? 8);
const ABUSING_MEMBERS = ['director.wang', 'mgr.li'];
const TARGET_RATIO = 3;

if (process.argv.includes('--serve')) {
  // the child: the real app, heavy runner included
  await serveApp({ secret: SECRET, poolSize: 8, heavy: true });
} else if (process.argv[1] === SELF) {
  const r = await run();
  printTable(`${r.name} — results`, resultRows(r));
}

export async function run(): Promise<BenchResult> {
  const dataDir = makeTempDir('af-bench-fair-');
  const db = await openBenchDatabase({ dataDir, port: await freePort(), fresh: true, poolSize: 4 });
  let server: ChildProcess | null = null;
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  try {
    await installDefaults(db.pool, { seedDemo: true, now: new Date(), logger: benchLogger });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // BENCH_FAIR_PROFILE=dir: the server writes CPU profiles of its threads there
    const profile = process.env.BENCH_FAIR_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_FAIR_PROFILE)}`] : [];
    server = await spawnServer(SELF, db.url, port, profile);
    const client = httpClient(base, agent);
    const probe = await signIn(base, 'rep.qian');
    const heavy = await heavyPaths(client, await signIn(base, 'admin.lin'));
    console.log(`heavy operations (x-heavy): ${heavy.map((h) => h.operationId).join(', ')}`);

    await measureMe(client, probe, 3, RATE); // warm-up: connections, prepared statements, JIT
    const idle = await measureMe(client, probe, SECONDS, RATE);
    console.log(`idle: /api/me p50 ${idle.p50} ms, p99 ${idle.p99} ms (${idle.n} requests)`);

    const tokens = await Promise.all(ABUSING_MEMBERS.map((u) => signIn(base, u)));
    const stop = { now: false };
    const statuses = new Map<number, number>();
    const abusers = Array.from({ length: ABUSERS }, (_, i) => abuse(client, tokens[i % tokens.length], heavy, i, stop, statuses));
    await new Promise((r) => setTimeout(r, 2000)); // the abuse is in full swing before measuring
    const abused = await measureMe(client, probe, SECONDS, RATE);
    stop.now = true;
    await Promise.all(abusers);
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    const by = (s: number) => statuses.get(s) ?? 0;
    console.log(`under abuse: /api/me p50 ${abused.p50} ms, p99 ${abused.p99} ms; abusers' answers: ${answered} ` +
      `(200: ${by(200)}, 429: ${by(429)}, 503: ${by(503)}, other: ${answered - by(200) - by(429) - by(503)})`);

    const ratio = abused.p99 / idle.p99;
    console.log(`p99 under abuse / idle = ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×)${ratio <= TARGET_RATIO ? '' : ' — OVER TARGET'}`);
    return {
      name: `fair use: /api/me at ${RATE}/s, idle vs ${ABUSERS} clients abusing heavy operations`,
      metrics: {
        idle_p50_ms: idle.p50, idle_p99_ms: idle.p99, abused_p50_ms: abused.p50, abused_p99_ms: abused.p99,
        abuser_answers: answered, abuser_200: by(200), abuser_429: by(429), abuser_503: by(503),
      },
      ratios: { abused_p99_ms: ratio },
    };
  } finally {
    agent.destroy();
    server?.kill('SIGTERM');
    if (server) await new Promise((r) => (server!.exitCode !== null ? r(null) : server!.once('exit', r)));
    await db.close();
    const left = processesMentioning(dataDir);
    if (left.length) console.log(`warning: postgres processes left behind: ${left.join(', ')}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Client { get(path: string, token: string): Promise<{ status: number; body: Buffer }> }

function httpClient(base: string, agent: http.Agent): Client {
  return {
    get: (p, token) => new Promise((resolve, reject) => {
      http.get(base + p, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    }),
  };
}

/** /api/me sent every 1/rate s for `seconds`; each latency counted from when it was due. */
async function measureMe(client: Client, token: string, seconds: number, rate: number): Promise<{ n: number; p50: number; p99: number }> {
  const n = Math.round(seconds * rate);
  const t0 = performance.now() + 10;
  const latencies = await Promise.all(Array.from({ length: n }, async (_, i) => {
    const due = t0 + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const res = await client.get('/api/me', token);
    if (res.status !== 200) throw new Error(`/api/me answered ${res.status}`);
    return performance.now() - due;
  }));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(n - 1, Math.floor(q * n))] * 10) / 10;
  return { n, p50: at(0.5), p99: at(0.99) };
}

interface HeavyPath { operationId: string; paths: string[] }

/** Every x-heavy operation of /openapi.json, each with a spread of inputs (weeks, months, metrics). */
async function heavyPaths(client: Client, token: string): Promise<HeavyPath[]> {
  const doc = JSON.parse((await client.get('/openapi.json', token)).body.toString());
  const thisYear = new Date().getFullYear();
  const weeks = Array.from({ length: 40 }, (_, i) => `${thisYear}-W${String(i + 1).padStart(2, '0')}`);
  const months = Array.from({ length: 12 }, (_, i) => `${thisYear}-${String(i + 1).padStart(2, '0')}`);
  const out: HeavyPath[] = [];
  for (const [p, item] of Object.entries<any>(doc.paths)) {
    const op = item.get;
    if (!op?.['x-heavy']) continue;
    const names = (op.parameters ?? []).map((x: any) => x.name);
    const metrics = (op.parameters ?? []).find((x: any) => x.in === 'path' && x.name === 'metric')?.schema?.enum ?? [''];
    const paths = metrics.flatMap((m: string) => {
      const filled = p.replace('{metric}', m);
      if (names.includes('week')) return weeks.map((w) => `${filled}?week=${w}`);
      if (names.includes('month')) return months.map((mo) => `${filled}?month=${mo}`);
      return [filled];
    });
    out.push({ operationId: op.operationId, paths });
  }
  if (out.length === 0) throw new Error('no operation is marked x-heavy');
  return out;
}

async function abuse(client: Client, token: string, heavy: HeavyPath[], seed: number, stop: { now: boolean }, statuses: Map<number, number>) {
  for (let i = seed; !stop.now; i++) {
    const op = heavy[i % heavy.length];
    const res = await client.get(op.paths[(i * 7 + seed) % op.paths.length], token);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
}

async function signIn(base: string, userid: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/dev-login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userid }) });
  if (!res.ok) throw new Error(`dev-login ${userid} failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
