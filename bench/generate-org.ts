/**
 * Builds an organisation of a chosen size directly in the database, for every
 * benchmark that needs realistic volumes: departments (company → 销售中心 →
 * regions → teams of ~8 reps), users, customers across China with contacts and
 * orders (bench/org/), then its last 90 days of business from the SAME history
 * modules the demo runs (core/seed/modules: leads, opportunities through the
 * stages, contracts and orders, visits and deal tasks as actions with their
 * reports, follow-ups, processes, daily reports), at the large scale's numbers,
 * and a bulk event log. Rows are produced server-side (INSERT … SELECT FROM
 * generate_series, values hashed from the row number and the seed).
 *
 *   const r = await generateOrg(pool, { reps: 500, customers: 100_000, actions: 5_000_000, seed: 42 });
 *   printGenerateResult(r);
 *
 * CLI (default: a separate embedded PostgreSQL under ./data/bench, port 54331,
 * database actionflow_bench, recreated on each run):
 *   npx tsx bench/generate-org.ts --reps 500 --customers 100000 --events 5000000 [--database-url postgres://…]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { installDefaults } from '../core/seed/install.js';
import { BENCH_DEFAULTS, benchLogger, openBenchDatabase } from './bench-db.js';
import { loadWorkCalendar } from '../core/actions/definitions.js';
import { historyWindow } from '../core/seed/history-window.js';
import { runSeedModules, type SeedContext } from '../core/seed/seed-module.js';
import { HISTORY_MODULES } from '../core/seed/seed-modules.js';
import { dropSeedTables } from '../core/seed/work-plan.js';
import { insertEvents, loadSubjects } from './org/activity.js';
import { insertContacts, insertCustomers, insertOrders } from './org/customers.js';
import { createSalesForce } from './org/people.js';
import {
  canLoadTrusted, findBrokenReferences, makeExec, withDeferredIndexes, type BatchOpts, type IdRange,
} from '../core/seed/sql-random.js';

export interface GenerateOrgOptions {
  reps: number;
  customers: number;
  /** Rows for `events`. */
  events?: number;
  /**
   * 0: no planned work (visits, deal tasks, processes, their actions and reports). Otherwise the work
   * comes from the visits module's rhythm (about 4 visits per customer over the 90 days); the number is
   * not a target.
   */
  actions?: number;
  /** 跟进 records between visits, judged by the real classifier, which also set the customers' clocks (default true). */
  followups?: boolean;
  /** Days of history (default 90). */
  historyDays?: number;
  seed?: number;
  contactsPerCustomer?: number;
  /** About one opportunity per this many customers (the opportunities module's chance per customer is 1/this). */
  opportunityEvery?: number;
  /** Rows per INSERT statement (50k–200k is the sweet spot). */
  batch?: number;
  /** Parallel connections for the big tables; the pool needs at least this many. */
  concurrency?: number;
  now?: Date;
  /** Drop an empty table's plain indexes for its load and rebuild them after (default true; counted in its time). */
  deferIndexes?: boolean;
  /**
   * Skip per-row foreign-key triggers while loading (superuser only, tables
   * without user INSERT triggers), then check every reference in one pass
   * (default true; ~2–3× faster on the big tables).
   */
  trustedLoad?: boolean;
  /** ANALYZE the tables afterwards (default true) so later benchmarks get real plans. */
  analyze?: boolean;
  /** Called as each table finishes (progress for long runs). */
  onTable?: (stat: TableStat) => void;
}

export interface TableStat { table: string; rows: number; ms: number; rowsPerSec: number }

export interface GenerateOrgResult {
  tag: string;
  tables: TableStat[];
  /** Tables not generated, with the reason. */
  skipped: Array<{ table: string; reason: string }>;
  rows: number;
  /** Time spent inserting rows (setup and ANALYZE excluded). */
  insertMs: number;
  rowsPerSec: number;
  /** Time for the foreign-key check after a trusted load. */
  verifyMs: number;
  analyzeMs: number;
  totalMs: number;
  ranges: Record<string, IdRange>;
  /** Tables loaded with FK triggers skipped (and then checked). */
  trusted: string[];
}

const REQUIRED = ['departments', 'users', 'product_lines', 'customers'];
const OPTIONAL = ['contacts', 'orders', 'events'];
/** The history modules that plan and realise work; left out with `actions: 0`. */
const WORK_MODULES = new Set(['visits', 'deal-tasks', 'processes', 'actions', 'reports']);

export async function generateOrg(pool: pg.Pool, options: GenerateOrgOptions): Promise<GenerateOrgResult> {
  const t0 = performance.now();
  const opts = { seed: 42, contactsPerCustomer: 3, opportunityEvery: 5, batch: 100_000, concurrency: 2, deferIndexes: true,
    trustedLoad: true, analyze: true, followups: true, actions: 5 * options.customers, ...options };
  if (opts.reps < 1 || opts.customers < 1) throw new Error('generateOrg: reps and customers must be at least 1');
  const now = opts.now ?? new Date();
  const present = new Set<string>((await pool.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)).rows.map((r) => r.table_name));
  const missing = REQUIRED.filter((t) => !present.has(t));
  if (missing.length) throw new Error(`generateOrg: tables missing (database not migrated?): ${missing.join(', ')}`);
  const has = (t: string) => present.has(t);
  const skipped = OPTIONAL.filter((t) => !has(t)).map((table) => ({ table, reason: 'table does not exist' }));

  await installDefaults(pool, { seedDemo: false, now, logger: benchLogger });
  const maxId = async (table: string) => Number((await pool.query(`SELECT coalesce(max(id), 0) AS m FROM ${table}`)).rows[0].m);
  const maxUser = await maxId('users');
  const tag = maxUser === 0 ? `b${opts.seed}` : `b${opts.seed}.${maxUser}`;
  const lines = await upsertProductLines(pool);

  const tables: TableStat[] = [];
  const ranges: Record<string, IdRange> = {};
  const trusted = new Set<string>();
  /** Loads one table: timed, with its plain indexes deferred and FK triggers skipped where allowed. */
  const load = async (label: string, table: string, fn: (o: BatchOpts) => Promise<number>) => {
    const skipTriggers = opts.trustedLoad && (await canLoadTrusted(pool, table));
    if (skipTriggers) trusted.add(table);
    const o: BatchOpts = { seed: opts.seed, now, batch: opts.batch, concurrency: opts.concurrency, exec: makeExec(pool, skipTriggers) };
    const t = performance.now();
    const rows = opts.deferIndexes ? await withDeferredIndexes(pool, table, () => fn(o)) : await fn(o);
    const ms = performance.now() - t;
    const stat = { table: label, rows, ms, rowsPerSec: rows / Math.max(ms / 1000, 1e-9) };
    tables.push(stat);
    opts.onTable?.(stat);
    return rows;
  };
  const newIds = async (table: string, after: number) => {
    const r = (await pool.query(`SELECT coalesce(min(id), 0) AS min, coalesce(max(id), -1) AS max, count(*)::int AS count
                                   FROM ${table} WHERE id > $1`, [after])).rows[0];
    return (ranges[table] = { min: Number(r.min), max: Number(r.max), count: r.count });
  };

  const tp = performance.now();
  const force = await createSalesForce(pool, { reps: opts.reps, seed: opts.seed, tag });
  const peopleMs = performance.now() - tp;
  tables.push({ table: 'departments+users', rows: force.departments + force.users, ms: peopleMs,
    rowsPerSec: (force.departments + force.users) / Math.max(peopleMs / 1000, 1e-9) });

  const beforeCustomers = await maxId('customers');
  await load('customers', 'customers', (o) => insertCustomers(force, lines, opts.customers, beforeCustomers === 0 ? '' : `${tag}·`, o));
  const customers = await newIds('customers', beforeCustomers);
  if (has('contacts')) await load('contacts', 'contacts', (o) => insertContacts(customers, opts.contactsPerCustomer, o));
  if (has('orders')) await load('orders', 'orders', (o) => insertOrders(customers, o));
  // the organisation's last 90 days, from the demo's own modules at the large scale (not the system's
  // alert jobs: benchmarks measure those themselves)
  const beforeOpps = await maxId('opportunities');
  const beforeActions = await maxId('actions');
  const calendar = await loadWorkCalendar(pool);
  const ctx: SeedContext = {
    pool, exec: makeExec(pool, false), scale: 'bench', seed: opts.seed, window: historyWindow(now, calendar, opts.historyDays ?? 90),
    scope: { repIds: force.repIds }, batch: opts.batch, concurrency: opts.concurrency, storage: null, system: null,
    knobOverrides: { opportunities: { perCustomer: 1 / Math.max(1, opts.opportunityEvery) } }, log: () => undefined,
  };
  const modules = HISTORY_MODULES.filter((m) => m.name !== 'detections'
    && (opts.followups || m.name !== 'followups') && (opts.actions !== 0 || !WORK_MODULES.has(m.name)));
  await dropSeedTables(pool);
  try {
    const run = await runSeedModules(modules, ctx);
    for (const m of run.modules) {
      const rows = Object.values(m.rows).reduce((a, n) => a + n, 0);
      const stat = { table: `history: ${m.name}`, rows, ms: m.ms, rowsPerSec: rows / Math.max(m.ms / 1000, 1e-9) };
      tables.push(stat);
      opts.onTable?.(stat);
    }
  } finally {
    await dropSeedTables(pool);
  }
  const opps = await newIds('opportunities', beforeOpps);
  const actions = await newIds('actions', beforeActions);

  const subjects = await loadSubjects(pool, customers, opps.count ? opps : null, force.repIds);
  const events = opts.events ?? 0;
  if (has('events') && events > 0) await load('events', 'events', (o) => insertEvents(events, subjects, actions.count ? actions : null, o));
  else if (events > 0) skipped.find((x) => x.table === 'events')!.reason += ` (${events} rows not generated)`;

  const insertMs = tables.reduce((a, t) => a + t.ms, 0);
  const rows = tables.reduce((a, t) => a + t.rows, 0);
  const loaded = ['departments', 'users', 'customers', 'contacts', 'orders', 'leads', 'opportunities', 'stage_moves', 'actions', 'submissions',
    'attachments', 'followups', 'daily_reports', 'events'].filter(has);
  const tv = performance.now();
  const broken = trusted.size ? await findBrokenReferences(pool, [...trusted]) : [];
  const verifyMs = performance.now() - tv;
  if (broken.length) {
    throw new Error(`generateOrg: broken references after a trusted load: ${broken.map((b) => `${b.constraint} (${b.rows})`).join(', ')}`);
  }
  const ta = performance.now();
  if (opts.analyze) await pool.query(`ANALYZE ${loaded.join(', ')}`);
  const analyzeMs = performance.now() - ta;
  await pool.query(
    `INSERT INTO settings (key, value) VALUES ('bench.org', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [JSON.stringify({ tag, seed: opts.seed, reps: opts.reps, customers: opts.customers, events, actions: actions.count,
      generatedAt: now.toISOString(), ranges })],
  );
  return {
    tag, tables, skipped, rows, insertMs, rowsPerSec: rows / Math.max(insertMs / 1000, 1e-9), verifyMs, analyzeMs,
    totalMs: performance.now() - t0, ranges, trusted: [...trusted],
  };
}

/** What the last generateOrg run in this database recorded (null if none): lets a benchmark reuse an org. */
export async function readOrgManifest(pool: pg.Pool): Promise<Record<string, unknown> | null> {
  const r = await pool.query(`SELECT value FROM settings WHERE key = 'bench.org'`);
  return r.rows[0]?.value ?? null;
}

async function upsertProductLines(pool: pg.Pool): Promise<number[]> {
  const ids: number[] = [];
  for (const [code, name] of [['beverage', '饮料'], ['snack', '休闲食品'], ['medical', '医用耗材']]) {
    const { rows } = await pool.query(
      `INSERT INTO product_lines (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id`,
      [code, name]);
    ids.push(Number(rows[0].id));
  }
  return ids;
}

export function printGenerateResult(r: GenerateOrgResult, out: (s: string) => void = console.log): void {
  const fmt = (ms: number) => (ms / 1000).toFixed(2);
  const rows = r.tables.map((t) => [t.table, t.rows.toLocaleString('en-US'), fmt(t.ms), Math.round(t.rowsPerSec).toLocaleString('en-US')]);
  rows.push(['total (inserts)', r.rows.toLocaleString('en-US'), fmt(r.insertMs), Math.round(r.rowsPerSec).toLocaleString('en-US')]);
  const head = ['table', 'rows', 'seconds', 'rows/s'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (x: string[]) => x.map((s, i) => (i === 0 ? s.padEnd(w[i]) : s.padStart(w[i]))).join('  ');
  out([`\ngenerate-org (tag ${r.tag})`, line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n'));
  out(`FK check ${fmt(r.verifyMs)} s (trusted load: ${r.trusted.join(', ') || 'none'}); ANALYZE ${fmt(r.analyzeMs)} s; ` +
    `wall clock incl. setup ${fmt(r.totalMs)} s`);
  for (const s of r.skipped) out(`skipped ${s.table}: ${s.reason}`);
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '500' },
      customers: { type: 'string', default: '100000' },
      events: { type: 'string', default: '5000000' },
      actions: { type: 'string' },
      seed: { type: 'string', default: '42' },
      batch: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '2' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string', default: BENCH_DEFAULTS.dataDir },
      port: { type: 'string', default: String(BENCH_DEFAULTS.port) },
      database: { type: 'string', default: BENCH_DEFAULTS.database },
      append: { type: 'boolean', default: false },
      plain: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`npx tsx bench/generate-org.ts [--reps 500] [--customers 100000] [--events 5000000] [--actions 5×customers] [--seed 42]
  [--batch 100000] [--concurrency 2] [--database-url postgres://…] [--data-dir ./data/bench] [--port 54331]
  [--database actionflow_bench] [--append] [--plain]
Without --database-url an embedded PostgreSQL is started under --data-dir and the database is recreated
(unless --append); the cluster stays on disk for later benchmarks, the server is stopped at exit.
With --database-url the org is added to that database (migrated first); nothing is dropped.
--plain: keep every index and run the foreign-key triggers per row (no bulk-load tricks).`);
    return;
  }
  const int = (k: keyof typeof values) => {
    const n = Number(values[k]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${k} must be a non-negative integer`);
    return n;
  };
  const concurrency = Math.max(1, int('concurrency'));
  const db = await openBenchDatabase({
    databaseUrl: values['database-url'], dataDir: values['data-dir'], port: int('port'), database: values.database,
    fresh: !values.append, poolSize: concurrency + 1,
  });
  try {
    console.error(`generating into ${db.url.replace(/:[^:@/]+@/, ':***@')}`);
    const r = await generateOrg(db.pool, {
      reps: int('reps'), customers: int('customers'), events: int('events'), seed: int('seed'),
      ...(values.actions !== undefined ? { actions: int('actions') } : {}),
      batch: Math.max(1000, int('batch')), concurrency, deferIndexes: !values.plain, trustedLoad: !values.plain,
      onTable: (t) => console.error(`  ${t.table}: ${t.rows.toLocaleString('en-US')} rows in ${(t.ms / 1000).toFixed(2)} s`),
    });
    printGenerateResult(r);
  } finally {
    await db.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
