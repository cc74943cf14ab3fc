/**
 * Builds an organisation of a chosen size directly in the database, for every
 * benchmark that needs realistic volumes: departments (company → 销售中心 →
 * regions → teams of ~8 reps), users, customers across China, 3 contacts per
 * customer, orders, 跟进 records, opportunities (1 per 5 customers) with their
 * stage moves and contracts, actions, and the event log — for whichever of
 * these tables exist (a missing `actions` table sends its rows to `events`).
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
import { insertContacts, insertCustomers, insertOrders } from './org/customers.js';
import { insertFollowups } from './org/followups.js';
import { createSalesForce } from './org/people.js';
import {
  canLoadTrusted, findBrokenReferences, makeExec, withDeferredIndexes, type BatchOpts, type IdRange,
} from '../core/seed/sql-random.js';
import { insertContracts, insertOpportunities, insertStageMoves } from './org/pipeline.js';

export interface GenerateOrgOptions {
  reps: number;
  customers: number;
  /** Rows for `events`. */
  events?: number;
  /**
   * Rows for `actions` (default 5 per customer) when that table exists and its
   * required columns are known; otherwise they are added to `events`.
   */
  actions?: number;
  /** 跟进 records consistent with the customers' follow-up clocks, ~6 per customer (default true). */
  followups?: boolean;
  seed?: number;
  contactsPerCustomer?: number;
  /** One opportunity per this many customers. */
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
const OPTIONAL = ['contacts', 'orders', 'followups', 'opportunities', 'stage_moves', 'actions', 'events'];

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
  const pipeline = has('opportunities') ? await defaultPipeline(pool) : null;

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
  if (has('followups') && opts.followups) await load('followups', 'followups', (o) => insertFollowups(customers, o));

  let opps: IdRange | null = null;
  if (pipeline) {
    const before = await maxId('opportunities');
    await load('opportunities', 'opportunities', (o) => insertOpportunities(customers, opts.opportunityEvery, pipeline, o));
    opps = await newIds('opportunities', before);
    const generated = opps;
    if (has('stage_moves')) await load('stage_moves', 'stage_moves', (o) => insertStageMoves(generated, pipeline, o));
    if (has('orders')) await load('orders (contracts)', 'orders', (o) => insertContracts(generated, o));
  }

  const subjects = await loadSubjects(pool, customers, opps, force.repIds);
  let events = opts.events ?? 0;
  let actions: IdRange | null = null;
  const actionBudget = opts.actions ?? 0;
  if (actionBudget > 0 && has('actions')) {
    const before = await maxId('actions');
    let reason = '';
    await load('actions', 'actions', async (o) => {
      const r = await insertActions(pool, actionBudget, subjects, o);
      if ('skipped' in r) reason = r.skipped;
      return 'rows' in r ? r.rows : 0;
    });
    if (reason) {
      tables.pop();
      skipped.push({ table: 'actions', reason });
    } else {
      actions = await newIds('actions', before);
    }
  }
  if (actionBudget > 0 && !actions) {
    events += actionBudget;
    skipped.find((x) => x.table === 'actions')!.reason += `; its ${actionBudget.toLocaleString('en-US')} rows went to events`;
  }
  if (has('events') && events > 0) await load('events', 'events', (o) => insertEvents(events, subjects, actions, o));
  else if (events > 0) skipped.find((x) => x.table === 'events')!.reason += ` (${events} rows not generated)`;

  const insertMs = tables.reduce((a, t) => a + t.ms, 0);
  const rows = tables.reduce((a, t) => a + t.rows, 0);
  const loaded = [...new Set(['departments', 'users', ...tables.map((x) => x.table.split(' ')[0])])].filter(has);
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
    [JSON.stringify({ tag, seed: opts.seed, reps: opts.reps, customers: opts.customers, events, actions: actions?.count ?? 0,
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
