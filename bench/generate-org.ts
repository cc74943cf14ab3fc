/**
 * Builds an organisation of a chosen size directly in the database, for every
 * benchmark that needs realistic volumes: departments (company → 销售中心 →
 * regions → teams of ~8 reps), users, customers across China, 3 contacts per
 * customer, orders, opportunities (1 per 5 customers) with their stage moves
 * and contracts, and the event log — for whichever of these tables exist.
 * Rows are produced server-side (INSERT … SELECT FROM generate_series, values
 * hashed from the row number and the seed), 50k–200k rows per statement.
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
import type { Pipeline } from '../core/flow/pipeline.js';
import { installDefaults } from '../core/seed/install.js';
import { BENCH_DEFAULTS, benchLogger, openBenchDatabase } from './bench-db.js';
import { insertActions, insertEvents, loadSubjects } from './org/activity.js';
import { insertContacts, insertCustomers, insertOrders, type BatchOpts, type IdRange } from './org/customers.js';
import { createSalesForce } from './org/people.js';
import { insertContracts, insertOpportunities, insertStageMoves } from './org/pipeline.js';

export interface GenerateOrgOptions {
  reps: number;
  customers: number;
  /** Rows for `events`. */
  events?: number;
  /** Rows for `actions` when that table exists (and its columns are known); otherwise added to `events`. */
  actions?: number;
  seed?: number;
  contactsPerCustomer?: number;
  /** One opportunity per this many customers. */
  opportunityEvery?: number;
  /** Rows per INSERT statement (50k–200k is the sweet spot). */
  batch?: number;
  /** Parallel connections for the big tables; the pool needs at least this many. */
  concurrency?: number;
  now?: Date;
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
  analyzeMs: number;
  totalMs: number;
  ranges: Record<string, IdRange>;
}

const REQUIRED = ['departments', 'users', 'product_lines', 'customers'];
const OPTIONAL = ['contacts', 'orders', 'opportunities', 'stage_moves', 'events', 'actions'];

export async function generateOrg(pool: pg.Pool, options: GenerateOrgOptions): Promise<GenerateOrgResult> {
  const t0 = performance.now();
  const opts = { seed: 42, contactsPerCustomer: 3, opportunityEvery: 5, batch: 100_000, concurrency: 2, analyze: true, ...options };
  if (opts.reps < 1 || opts.customers < 1) throw new Error('generateOrg: reps and customers must be at least 1');
  const o: BatchOpts = { seed: opts.seed, now: opts.now ?? new Date(), batch: opts.batch, concurrency: opts.concurrency };
  const present = new Set((await pool.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)).rows.map((r) => r.table_name));
  const missing = REQUIRED.filter((t) => !present.has(t));
  if (missing.length) throw new Error(`generateOrg: tables missing (database not migrated?): ${missing.join(', ')}`);
  const has = (t: string) => present.has(t);
  const skipped = OPTIONAL.filter((t) => !has(t)).map((table) => ({ table, reason: 'table does not exist' }));

  await installDefaults(pool, { seedDemo: false, now: o.now, logger: benchLogger });
  const maxUser = Number((await pool.query('SELECT coalesce(max(id), 0) AS m FROM users')).rows[0].m);
  const tag = maxUser === 0 ? `b${opts.seed}` : `b${opts.seed}.${maxUser}`;
  const lines = await upsertProductLines(pool);
  const pipeline = has('opportunities') ? await defaultPipeline(pool) : null;

  const tables: TableStat[] = [];
  const ranges: Record<string, IdRange> = {};
  const timed = async (table: string, fn: () => Promise<number>) => {
    const t = performance.now();
    const rows = await fn();
    const ms = performance.now() - t;
    const stat = { table, rows, ms, rowsPerSec: rows / Math.max(ms / 1000, 1e-9) };
    tables.push(stat);
    opts.onTable?.(stat);
    return rows;
  };
  const newIds = async (table: string, after: number) => {
    const r = (await pool.query(`SELECT coalesce(min(id), 0) AS min, coalesce(max(id), -1) AS max, count(*)::int AS count
                                   FROM ${table} WHERE id > $1`, [after])).rows[0];
    ranges[table] = { min: Number(r.min), max: Number(r.max), count: r.count };
    return ranges[table];
  };
  const maxId = async (table: string) => Number((await pool.query(`SELECT coalesce(max(id), 0) AS m FROM ${table}`)).rows[0].m);

  let force!: Awaited<ReturnType<typeof createSalesForce>>;
  await timed('departments+users', async () => {
    force = await createSalesForce(pool, { reps: opts.reps, seed: opts.seed, tag });
    return force.departments + force.users;
  });
  const beforeCustomers = await maxId('customers');
  await timed('customers', () => insertCustomers(pool, force, lines, opts.customers, beforeCustomers === 0 ? '' : `${tag}·`, o));
  const customers = await newIds('customers', beforeCustomers);
  if (has('contacts')) await timed('contacts', () => insertContacts(pool, customers, opts.contactsPerCustomer, o));
  if (has('orders')) await timed('orders', () => insertOrders(pool, customers, o));

  let opps: IdRange | null = null;
  if (pipeline) {
    const before = await maxId('opportunities');
    await timed('opportunities', () => insertOpportunities(pool, customers, opts.opportunityEvery, pipeline, o));
    opps = await newIds('opportunities', before);
    if (has('stage_moves')) await timed('stage_moves', () => insertStageMoves(pool, opps!, pipeline, o));
    if (has('orders')) await timed('orders (contracts)', () => insertContracts(pool, opps!, o));
  }

  const subjects = await loadSubjects(pool, customers, opps, force.repIds);
  let events = opts.events ?? 0;
  let actions: IdRange | null = null;
  if ((opts.actions ?? 0) > 0) {
    if (has('actions')) {
      const before = await maxId('actions');
      let reason = '';
      await timed('actions', async () => {
        const r = await insertActions(pool, opts.actions!, subjects, o);
        if ('skipped' in r) reason = r.skipped;
        return 'rows' in r ? r.rows : 0;
      });
      if (reason) {
        tables.pop();
        skipped.push({ table: 'actions', reason: `${reason}; its ${opts.actions} rows went to events` });
        events += opts.actions!;
      } else {
        actions = await newIds('actions', before);
      }
    } else {
      events += opts.actions!;
      const s = skipped.find((x) => x.table === 'actions')!;
      s.reason += `; its ${opts.actions} rows went to events`;
    }
  }
  if (has('events') && events > 0) await timed('events', () => insertEvents(pool, events, subjects, actions, o));
  else if (!has('events') && events > 0) skipped.find((x) => x.table === 'events')!.reason += ` (${events} rows not generated)`;

  const insertMs = tables.reduce((a, t) => a + t.ms, 0);
  const rows = tables.reduce((a, t) => a + t.rows, 0);
  let analyzeMs = 0;
  if (opts.analyze) {
    const t = performance.now();
    const names = [...new Set(tables.flatMap((x) => x.table.split(/[+ ]/)).filter((n) => present.has(n)))];
    await pool.query(`ANALYZE ${names.join(', ')}`);
    analyzeMs = performance.now() - t;
  }
  await pool.query(
    `INSERT INTO settings (key, value) VALUES ('bench.org', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [JSON.stringify({ tag, seed: opts.seed, reps: opts.reps, customers: opts.customers, events, actions: actions?.count ?? 0,
      generatedAt: o.now.toISOString(), ranges })],
  );
  return {
    tag, tables, skipped, rows, insertMs, rowsPerSec: rows / Math.max(insertMs / 1000, 1e-9), analyzeMs,
    totalMs: performance.now() - t0, ranges,
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

async function defaultPipeline(pool: pg.Pool): Promise<{ id: number; definition: Pipeline } | null> {
  const r = await pool.query(`SELECT id, definition FROM pipelines ORDER BY is_default DESC, id LIMIT 1`);
  return r.rows[0] ? { id: Number(r.rows[0].id), definition: r.rows[0].definition as Pipeline } : null;
}

export function printGenerateResult(r: GenerateOrgResult, out: (s: string) => void = console.log): void {
  const fmt = (ms: number) => (ms / 1000).toFixed(2);
  const rows = r.tables.map((t) => [t.table, t.rows.toLocaleString('en-US'), fmt(t.ms), Math.round(t.rowsPerSec).toLocaleString('en-US')]);
  rows.push(['total (inserts)', r.rows.toLocaleString('en-US'), fmt(r.insertMs), Math.round(r.rowsPerSec).toLocaleString('en-US')]);
  const head = ['table', 'rows', 'seconds', 'rows/s'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (x: string[]) => x.map((s, i) => (i === 0 ? s.padEnd(w[i]) : s.padStart(w[i]))).join('  ');
  out([`\ngenerate-org (tag ${r.tag})`, line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n'));
  out(`ANALYZE ${fmt(r.analyzeMs)} s; wall clock incl. setup ${fmt(r.totalMs)} s`);
  for (const s of r.skipped) out(`skipped ${s.table}: ${s.reason}`);
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '500' },
      customers: { type: 'string', default: '100000' },
      events: { type: 'string', default: '5000000' },
      actions: { type: 'string', default: '0' },
      seed: { type: 'string', default: '42' },
      batch: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '2' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string', default: BENCH_DEFAULTS.dataDir },
      port: { type: 'string', default: String(BENCH_DEFAULTS.port) },
      database: { type: 'string', default: BENCH_DEFAULTS.database },
      append: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`npx tsx bench/generate-org.ts [--reps 500] [--customers 100000] [--events 5000000] [--actions 0] [--seed 42]
  [--batch 100000] [--concurrency 2] [--database-url postgres://…] [--data-dir ./data/bench] [--port 54331]
  [--database actionflow_bench] [--append]
Without --database-url an embedded PostgreSQL is started under --data-dir and the database is recreated
(unless --append); the cluster stays on disk for later benchmarks, the server is stopped at exit.
With --database-url the org is added to that database (migrated first); nothing is dropped.`);
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
      reps: int('reps'), customers: int('customers'), events: int('events'), actions: int('actions'), seed: int('seed'),
      batch: Math.max(1000, int('batch')), concurrency,
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
