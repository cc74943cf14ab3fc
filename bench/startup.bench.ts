/**
 * Cold start of the whole system (`npm start` = main.ts: embedded PostgreSQL,
 * migrations, template and demo org, API, bot, jobs) until GET /readyz answers
 * 200 — first on an empty DATA_DIR (initdb included, and the demo's 90 days of
 * history generated), then again on the same DATA_DIR (data reused); both again
 * with DEMO_HISTORY=false, and the demo history generator timed alone (jieba
 * already loaded, as it is at start-up). Targets: first start with the demo
 * ≤ 45 s, the generator ≤ 10 s. Each start gets SIGINT as soon as it is ready (a
 * developer's Ctrl-C) and must exit cleanly, leaving no postgres behind.
 *
 * Baselines from the same run: `node -e 0`, the same with the tsx loader, a
 * bare embedded PostgreSQL (initdb + start; start on an existing cluster), and
 * the two big parts of a start measured alone — importing main.ts's modules
 * and loading jieba's dictionary. Wall clock and, because a shared 2-core
 * machine is often busy, node's own CPU time. Medians of BENCH_STARTUP_RUNS (3).
 *
 *   npx tsx bench/startup.bench.ts
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../core/config.js';
import { startEmbeddedPostgres } from '../core/db/embedded.js';
import { warmUpSegmenter } from '../core/flow/segmenter.js';
import { generateDemoHistory } from '../core/seed/demo-history.js';
import { installDefaults } from '../core/seed/install.js';
import { LocalDiskStorage } from '../core/attachments/storage.js';
import { benchLogger, freePort, makeTempDir, openBenchDatabase, processesMentioning } from './bench-db.js';
import { median, msSince, printTable, resultRows, type BenchResult, type ReportRow } from './report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;
// how long a postgres may still be shutting down after the app exited before the bench calls it stuck
const LINGER_LIMIT_MS = 15_000;
const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s
// main.ts's imports without starting anything (same order as main.ts)
const IMPORT_APP = `await import('./core/zod-locale.ts'); await import('./core/system.ts'); await import('./api/main.ts');
  await import('./bot/main.ts'); await import('./jobs/main.ts');`;

interface Sample { wall: number; cpu: number }

export async function run(): Promise<BenchResult> {
  const runs = Math.max(1, Number(process.env.BENCH_STARTUP_RUNS ?? 3));
  const load0 = os.loadavg()[0];
  const base = { node: [] as Sample[], tsx: [] as Sample[], imports: [] as Sample[], jieba: [] as Sample[] };
  for (let i = 0; i < runs; i++) {
    base.node.push(await timeNode(['-e'], '0'));
    base.tsx.push(await timeNode(['--import', 'tsx', '-e'], '0'));
    base.imports.push(await timeNode(['--import', 'tsx', '--input-type=module', '-e'], IMPORT_APP));
    base.jieba.push(await timeNode(['-e'], `require('nodejieba').cut('预热')`));
  }
  const pg = { first: [] as number[], second: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const r = await bareEmbeddedPostgres();
    pg.first.push(r.first);
    pg.second.push(r.second);
  }

  const app = { first: [] as AppRun[], second: [] as AppRun[] };
  const bare = { first: [] as AppRun[], second: [] as AppRun[] };
  const generator: number[] = [];
  for (let i = 0; i < runs; i++) generator.push(await timeDemoGenerator());
  for (let i = 0; i < runs * 2; i++) {
    const withDemo = i % 2 === 0;
    const dataDir = makeTempDir('af-bench-start-');
    try {
      for (const label of ['first', 'second'] as const) {
        const r = await startApp(dataDir, withDemo);
        (withDemo ? app : bare)[label].push(r);
        console.log(`  run ${Math.floor(i / 2) + 1} ${label} start ${withDemo ? 'with' : 'without'} demo history: ready in ${Math.round(r.readyMs)} ms (node CPU ${Math.round(r.cpuMs)} ms), ` +
          `SIGINT → exit ${r.exit} in ${Math.round(r.stopMs)} ms` +
          (r.leftover.length ? `; its postgres (pid ${r.leftover.join(', ')}) outlived it by ${Math.round(r.lingerMs)} ms` : '') +
          (r.stuck.length ? `; postgres ${r.stuck.join(', ')} STILL RUNNING after ${LINGER_LIMIT_MS} ms (stopped by the bench)` : ''));
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  const wall = (xs: Sample[]) => median(xs.map((x) => x.wall));
  const cpu = (xs: Sample[]) => median(xs.map((x) => x.cpu));
  const all = [...app.first, ...app.second, ...bare.first, ...bare.second];
  const m = {
    first: median(app.first.map((r) => r.readyMs)), second: median(app.second.map((r) => r.readyMs)),
    bareFirst: median(bare.first.map((r) => r.readyMs)), bareSecond: median(bare.second.map((r) => r.readyMs)),
    generator: median(generator),
    cpuFirst: median(app.first.map((r) => r.cpuMs)), cpuSecond: median(app.second.map((r) => r.cpuMs)),
    stop: median(all.map((r) => r.stopMs)), pgFirst: median(pg.first), pgSecond: median(pg.second),
  };
  // a second start, part by part, each measured alone (node's spawn counted once)
  const partsWall = wall(base.imports) + (wall(base.jieba) - wall(base.node)) + m.pgSecond;
  const partsCpu = cpu(base.imports) + (cpu(base.jieba) - cpu(base.node));
  const unclean = all.filter((r) => r.exit !== 0);
  const outlived = all.filter((r) => r.leftover.length > 0).length;
  const lingerMax = Math.max(0, ...all.map((r) => r.lingerMs));
  const stuck = all.reduce((a, r) => a + r.stuck.length, 0);
  const load1 = os.loadavg()[0];

  const rows: ReportRow[] = [
    { name: 'cold start with demo history → /readyz 200 (empty DATA_DIR; target ≤ 45 s)', value: m.first, unit: 'ms', baseline: m.pgFirst, ratio: m.first / m.pgFirst },
    { name: 'warm start with demo history (same DATA_DIR)', value: m.second, unit: 'ms', baseline: m.pgSecond, ratio: m.second / m.pgSecond },
    { name: 'cold start without demo history (DEMO_HISTORY=false)', value: m.bareFirst, unit: 'ms', baseline: m.pgFirst, ratio: m.bareFirst / m.pgFirst },
    { name: 'warm start without demo history', value: m.bareSecond, unit: 'ms', baseline: m.pgSecond, ratio: m.bareSecond / m.pgSecond },
    { name: 'demo history generator alone (target ≤ 10 s)', value: m.generator, unit: 'ms', baseline: m.bareFirst, ratio: m.generator / m.bareFirst },
    { name: '  vs its parts alone (imports + jieba + PG start)', value: m.second, unit: 'ms', baseline: partsWall, ratio: m.second / partsWall },
    { name: 'node CPU until ready, first start', value: m.cpuFirst, unit: 'ms CPU' },
    { name: 'node CPU until ready, second start', value: m.cpuSecond, unit: 'ms CPU', baseline: partsCpu, ratio: m.cpuSecond / partsCpu },
    { name: 'SIGINT → process exit', value: m.stop, unit: 'ms' },
    { name: `unclean exits (code ≠ 0), of ${all.length}`, value: unclean.length },
    { name: `postgres outlived the app, of ${all.length}`, value: outlived },
    { name: 'longest postgres linger after app exit', value: lingerMax, unit: 'ms' },
    { name: 'baseline: node -e 0', value: wall(base.node), unit: 'ms', baseline: `CPU ${Math.round(cpu(base.node))}` },
    { name: 'baseline: node --import tsx -e 0', value: wall(base.tsx), unit: 'ms', baseline: `CPU ${Math.round(cpu(base.tsx))}` },
    { name: 'baseline: import main.ts modules (tsx)', value: wall(base.imports), unit: 'ms', baseline: `CPU ${Math.round(cpu(base.imports))}` },
    { name: 'baseline: node + jieba dictionary load', value: wall(base.jieba), unit: 'ms', baseline: `CPU ${Math.round(cpu(base.jieba))}` },
    { name: 'baseline: embedded PG initdb + start', value: m.pgFirst, unit: 'ms' },
    { name: 'baseline: embedded PG start (existing cluster)', value: m.pgSecond, unit: 'ms' },
    { name: 'load average (1 min) before / after', value: `${load0.toFixed(1)} / ${load1.toFixed(1)}`, unit: `${os.cpus().length} cores` },
  ];
  printTable(`startup (median of ${runs})`, rows);
  console.log('  start ratios: against a bare embedded PostgreSQL doing the same (initdb + start, or start);' +
    ' CPU: node\'s own user+system time (postgres excluded), robust when the machine is busy');
  if (unclean.length || outlived) {
    console.log('  WARNING: SIGINT sent as soon as /readyz turned 200 did not always stop cleanly:\n    ' +
      unclean.map((r) => `exit ${r.exit}${r.error ? ` — ${r.error}` : ''}`).join('\n    '));
  }
  if (stuck > 0) throw new Error(`${stuck} postgres process(es) still ran ${LINGER_LIMIT_MS} ms after the app exited`);
  return {
    name: 'startup',
    metrics: {
      first_start_ms: Math.round(m.first),
      second_start_ms: Math.round(m.second),
      first_start_without_demo_ms: Math.round(m.bareFirst),
      second_start_without_demo_ms: Math.round(m.bareSecond),
      demo_generator_ms: Math.round(m.generator),
      first_start_cpu_ms: Math.round(m.cpuFirst),
      second_start_cpu_ms: Math.round(m.cpuSecond),
      sigint_to_exit_ms: Math.round(m.stop),
      unclean_exits: unclean.length,
      postgres_outlived_app: outlived,
      postgres_linger_max_ms: Math.round(lingerMax),
      node_spawn_ms: Math.round(wall(base.node)),
      tsx_spawn_ms: Math.round(wall(base.tsx)),
      import_app_modules_ms: Math.round(wall(base.imports)),
      import_app_modules_cpu_ms: Math.round(cpu(base.imports)),
      jieba_load_ms: Math.round(wall(base.jieba) - wall(base.node)),
      jieba_load_cpu_ms: Math.round(cpu(base.jieba) - cpu(base.node)),
      embedded_pg_initdb_start_ms: Math.round(m.pgFirst),
      embedded_pg_start_ms: Math.round(m.pgSecond),
      loadavg_1m: Number(load1.toFixed(2)),
    },
    ratios: {
      first_start_ms: m.first / m.pgFirst,
      demo_generator_ms: m.generator / m.bareFirst,
      second_start_ms: m.second / m.pgSecond,
      second_start_cpu_ms: m.cpuSecond / partsCpu,
    },
  };
}

/** Wall clock of `node <args> <script>` and the CPU the child reports for itself at exit. */
async function timeNode(args: string[], script: string): Promise<Sample> {
  const report = `;{const r = process.resourceUsage(); process.stdout.write('\\nCPU ' + (r.userCPUTime + r.systemCPUTime) / 1000);}`;
  const t = performance.now();
  const child = spawn(process.execPath, [...args, script + report], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  });
  const wall = msSince(t);
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}`);
  return { wall, cpu: Number(/CPU ([\d.]+)/.exec(out)?.[1] ?? NaN) };
}

/** The embedded server alone: initdb + start on a new dir, then start on the existing cluster. */
async function bareEmbeddedPostgres(): Promise<{ first: number; second: number }> {
  const dataDir = makeTempDir('af-bench-pg-');
  try {
    const port = await freePort();
    let t = performance.now();
    let server = await startEmbeddedPostgres({ dataDir, port, logger: benchLogger });
    const first = msSince(t);
    await server.stop();
    t = performance.now();
    server = await startEmbeddedPostgres({ dataDir, port, logger: benchLogger });
    const second = msSince(t);
    await server.stop();
    return { first, second };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface AppRun {
  readyMs: number;
  /** node's own CPU (postgres excluded) until ready. */
  cpuMs: number;
  stopMs: number;
  exit: number | string | null;
  /** The first error line the app printed, when it exited uncleanly. */
  error: string | null;
  /** postgres processes of this DATA_DIR still running when the app had exited … */
  leftover: number[];
  /** … for how long … */
  lingerMs: number;
  /** … and those still running after LINGER_LIMIT_MS (then stopped by pid). */
  stuck: number[];
}

/**
 * The demo history generator alone on a fresh database with the demo organisation, jieba's
 * dictionary already loaded (start-up loads it before generating), files to a temp dir.
 */
async function timeDemoGenerator(): Promise<number> {
  const dataDir = makeTempDir('af-bench-demo-');
  try {
    const db = await openBenchDatabase({ dataDir, port: await freePort(), fresh: true, poolSize: 4 });
    try {
      const now = new Date();
      await installDefaults(db.pool, { seedDemo: true, now, logger: benchLogger });
      warmUpSegmenter();
      const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
      const t = performance.now();
      const r = await generateDemoHistory(db.pool, {
        now, storage: new LocalDiskStorage(path.join(dataDir, 'files')), system: { config, logger: benchLogger },
      });
      const ms = msSince(t);
      console.log(`  demo generator: ${Math.round(ms)} ms — ${r.modules.map((x) => `${x.name} ${Math.round(x.ms)}`).join(', ')}`);
      return ms;
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Starts main.ts on `dataDir`, waits for /readyz 200, sends SIGINT at once and watches postgres. */
async function startApp(dataDir: string, demoHistory: boolean): Promise<AppRun> {
  const port = await freePort();
  const pgPort = await freePort();
  const t = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // set (even if empty) so a developer's .env cannot change what is measured
      DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), HOST: '127.0.0.1', DATABASE_URL: '',
      PUBLIC_URL: '', WECOM_CORP_ID: '', WECOM_AGENT_ID: '', WECOM_SECRET: '', WECOM_TOKEN: '', WECOM_ENCODING_AES_KEY: '',
      WECHATY_PUPPET: '', NODE_ENV: 'development', LOG_LEVEL: 'warn', DEMO_HISTORY: String(demoHistory),
    },
  });
  let output = '';
  const keep = (b: Buffer) => { output = (output + b.toString()).slice(-8000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | string | null | undefined;
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => {
    exitCode = code ?? signal;
    resolve(exitCode);
  }));
  try {
    const readyMs = await waitReady(port, () => exitCode !== undefined, t);
    const cpuMs = cpuTimeMs(child.pid!);
    const s = performance.now();
    child.kill('SIGINT');
    const code = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const)]);
    if (code === 'timeout') throw new Error(`main.ts did not exit within ${STOP_TIMEOUT_MS} ms of SIGINT`);
    const stopMs = msSince(s);
    const leftover = processesMentioning(dataDir);
    const l = performance.now();
    while (processesMentioning(dataDir).length && performance.now() - l < LINGER_LIMIT_MS) await sleep(50);
    const lingerMs = leftover.length ? msSince(l) : 0;
    const stuck = processesMentioning(dataDir);
    await stopPostgres(stuck, dataDir);
    return { readyMs, cpuMs, stopMs, exit: code, error: code === 0 ? null : firstError(output), leftover, lingerMs, stuck };
  } catch (err) {
    if (exitCode === undefined) child.kill('SIGKILL');
    await exited;
    // a SIGKILLed app leaves its postmaster running: stop the ones serving this temp dir
    await stopPostgres(processesMentioning(dataDir), dataDir);
    throw new Error(`${(err as Error).message}\n--- main.ts output (tail) ---\n${output}`);
  }
}

async function stopPostgres(pids: number[], dataDir: string): Promise<void> {
  for (const pid of pids) process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && processesMentioning(dataDir).length; i++) await sleep(100);
}

function firstError(output: string): string | null {
  const lines = output.split('\n').map((x) => x.trim());
  const line = lines.find((x) => /^(error|\w*Error):\s/.test(x)) ?? lines.find((x) => /rror/.test(x));
  return line ? line.slice(0, 200) : null;
}

async function waitReady(port: number, hasExited: () => boolean, t0: number): Promise<number> {
  while (performance.now() - t0 < READY_TIMEOUT_MS) {
    if (hasExited()) throw new Error('main.ts exited before it was ready');
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return msSince(t0);
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`/readyz not 200 within ${READY_TIMEOUT_MS} ms`);
}

/** user + system CPU of one process so far (not its postgres children), from /proc; NaN off Linux. */
function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await run();
  printTable(r.name, resultRows(r));
}
