/**
 * 门店健康度评分卡 (#21 item 6) on a generated chain of 10,000 stores in 100
 * regions, one month of every record the twelve metrics count: POS sales and
 * clerks' entries (4 products a day), 会员推荐 most days, a weekly patrol with
 * its five ticks, two stock-outs and two 门店整改 actions, a 新品上架 with its
 * four step actions.
 *
 * - ranking_ms: every store scored for the month and ranked by region, as
 *   the director sees it (median of 3; target ≤ 2,000 ms), and the CPU one
 *   ranking took in node and in the database (its connections, and parallel
 *   workers that exited): on a busy machine the wall time is mostly waiting
 *   for a core; baseline_count_ms: one bare COUNT over the same month's rows
 *   of the same tables;
 * - card_p50/p95_ms: one store's card (the month and the five before it,
 *   for its trend) for 40 stores (target p95 ≤ 50 ms); baseline_card_count_ms:
 *   the same bare COUNT for one store;
 * - pos_import_ms: a POS export of 1,000,000 rows restating 25 days of the
 *   month (every eighth figure changed) imported from CSV through
 *   importSalesFile, with the clerks' entries of those days in place, so the
 *   rollup of entries against the POS (retail_entry_days) is recounted for
 *   250,000 store-days (target ≤ 30,000 ms); baseline_insert_ms: the same
 *   number of rows by one INSERT … SELECT into a bare copy of retail_sales;
 *   pos_import_node/pg_cpu_ms: the CPU the import took in node and in the database;
 *   rollup_drift_rows: rows of the rollup that differ from the entries
 *   recounted from scratch afterwards (0 when exact);
 * - load_1m_start/end: the machine's load average around the run.
 *
 *   npm run bench -- scorecard
 */
import os from 'node:os';
import type pg from 'pg';
import { loadActiveActor, type Actor } from '../core/auth/actor.js';
import { addMonths, monthStart } from '../core/dashboards/period.js';
import { addCalendarDays, shanghaiDate } from '../core/flow/time.js';
import { LAUNCH_ACTION_DEFINITIONS } from '../core/flow/launch-steps.js';
import { entryDaysDrift } from '../core/retail/entry-days.js';
import { importSalesFile } from '../core/retail/sales-import.js';
import { rankStores, storeScorecard } from '../core/retail/scorecard.js';
import { BENCH_DEFAULTS, postgresCpuMs, timedWithCpu, withTempBenchDatabase } from './bench-db.js';
import { median, msSince, type BenchResult } from './report.js';

const STORES = 10_000;
const PRODUCTS = 4;
const DAYS = 31;
/** Days of the month the POS export restates: STORES × PRODUCTS × 25 = 1,000,000 rows. */
const IMPORT_DAYS = 25;

export async function run(): Promise<BenchResult> {
  return withTempBenchDatabase('af-bench-scorecard-', 4, (db) => measure(db.pool, db.dataDir));
}

async function measure(pool: pg.Pool, dataDir: string): Promise<BenchResult> {
  const loadStart = os.loadavg()[0]!;
  const now = new Date();
  const today = shanghaiDate(now);
  // the month read: last calendar month, whole
  const start = addMonths(monthStart(today), -1);
  const t0 = performance.now();
  await generate(pool, start);
  console.error(`  generated ${STORES.toLocaleString('en-US')} stores' month in ${Math.round(msSince(t0) / 1000)} s`);
  // vacuumed now, not by autovacuum during the timings (its exited workers would count as the ranking's CPU)
  await pool.query('VACUUM ANALYZE');
  const director = (await loadActiveActor(pool, { wecomUserid: 'bench.director' }))!;
  const period = { period: 'month' as const, start };

  const rankings: number[] = [];
  let ranked = 0;
  const pg0 = postgresCpuMs(dataDir, BENCH_DEFAULTS.database, { exited: true });
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await rankStores(pool, director, period, now);
    rankings.push(msSince(t));
    ranked = r.regions.reduce((n, g) => n + g.stores.filter((s) => s.score !== null).length, 0);
  }
  const nodeCpu = process.cpuUsage(cpu0);
  const pgCpu = pg0 === null ? null : postgresCpuMs(dataDir, BENCH_DEFAULTS.database, { exited: true })! - pg0;
  const span = { f: start, t: monthStart(today) };
  const countSql = (store: string) => `
    SELECT (SELECT count(*) FROM retail_sales WHERE day >= $1 AND day < $2 ${store})
         + (SELECT count(*) FROM retail_clerk_sales WHERE day >= $1 AND day < $2 ${store})
         + (SELECT count(*) FROM retail_member_referrals WHERE day >= $1 AND day < $2 ${store})
         + (SELECT count(*) FROM retail_patrols WHERE finished_at >= $1 AND finished_at < $2 ${store})
         + (SELECT count(*) FROM retail_stockouts WHERE reported_at >= $1 AND reported_at < $2 ${store})
         + (SELECT count(*) FROM retail_launches WHERE launch_date >= $1 AND launch_date < $2 ${store}) AS n`;
  const counts: number[] = [];
  let rows = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    rows = Number((await pool.query(countSql(''), [span.f, span.t])).rows[0].n);
    counts.push(msSince(t));
  }

  const { rows: sample } = await pool.query(`SELECT customer_id AS id FROM retail_stores ORDER BY md5(customer_id::text) LIMIT 40`);
  const cards: number[] = [];
  const cardCounts: number[] = [];
  for (const s of sample) {
    const t = performance.now();
    await storeScorecard(pool, director, Number(s.id), period, now);
    cards.push(msSince(t));
    const c = performance.now();
    await pool.query(countSql('AND store_id = $3'), [span.f, span.t, s.id]);
    cardCounts.push(msSince(c));
  }
  const sorted = [...cards].sort((a, b) => a - b);
  const p95 = sorted[Math.ceil(sorted.length * 0.95) - 1]!;
  const imported = await importPos(pool, dataDir, director, start, now);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    name: '门店健康度评分卡',
    metrics: {
      stores: STORES, stores_scored: ranked, month_rows: rows,
      ranking_ms: Math.round(median(rankings)), baseline_count_ms: Math.round(median(counts)),
      ranking_node_cpu_ms: Math.round((nodeCpu.user + nodeCpu.system) / 1000 / 3), ranking_pg_cpu_ms: pgCpu === null ? 'n/a' : Math.round(pgCpu / 3),
      card_p50_ms: round(median(cards)), card_p95_ms: round(p95), baseline_card_count_ms: round(median(cardCounts)),
      pos_import_rows: imported.rows, pos_import_ms: Math.round(imported.ms),
      pos_import_node_cpu_ms: imported.nodeCpuMs, pos_import_pg_cpu_ms: imported.pgCpuMs ?? 'n/a', baseline_insert_ms: Math.round(imported.baselineMs),
      rollup_drift_rows: imported.drift,
      load_1m_start: round(loadStart), load_1m_end: round(os.loadavg()[0]!),
      target: 'ranking of 10,000 stores × 12 metrics ≤ 2000 ms; one card p95 ≤ 50 ms; 1M POS rows ≤ 30000 ms',
    },
    ratios: {
      ranking_ms: median(rankings) / Math.max(0.1, median(counts)), card_p50_ms: median(cards) / Math.max(0.1, median(cardCounts)),
      card_p95_ms: p95 / Math.max(0.1, median(cardCounts)), pos_import_ms: imported.ms / Math.max(1, imported.baselineMs),
    },
  };
}

/**
 * The month's POS restated by a CSV export of 1M rows over the clerks' entries, then the same number of rows by a
 * bare INSERT; and how many rows of the rollup differ from the entries recounted from scratch afterwards.
 */
async function importPos(pool: pg.Pool, dataDir: string, director: Actor, start: string, now: Date) {
  const { rows: stores } = await pool.query('SELECT code FROM retail_stores ORDER BY customer_id');
  const { rows: products } = await pool.query('SELECT id, sku FROM retail_products ORDER BY id');
  let csv = '门店编码,商品编码,日期,销量\n';
  const chunks: Buffer[] = [];
  let n = 0;
  for (let d = 0; d < IMPORT_DAYS; d++) {
    const day = addCalendarDays(start, d);
    for (let s = 0; s < stores.length; s++) {
      for (const p of products) {
        const units = (s + Number(p.id) + d) % 17 + (n % 8 === 0 ? 1 : 0);
        csv += `${stores[s].code},${p.sku},${day},${units}\n`;
        n++;
      }
      if (csv.length > 1e6) { chunks.push(Buffer.from(csv)); csv = ''; }
    }
  }
  chunks.push(Buffer.from(csv));
  const file = Buffer.concat(chunks);
  const { result: r, ms, nodeCpuMs, pgCpuMs } = await timedWithCpu(dataDir, () => importSalesFile(pool, director, file, { fileName: 'bench-pos.csv', mode: 'all' }, now));
  if (r.rowsImported !== n) throw new Error(`imported ${r.rowsImported} of ${n} rows`);
  await pool.query('CREATE TABLE bench_sales_baseline (LIKE retail_sales INCLUDING ALL)');
  const tb = performance.now();
  await pool.query(`INSERT INTO bench_sales_baseline (store_id, product_id, day, units, amount, batch_id)
    SELECT 1 + i % $2, 1 + (i / $2) % $4, $3::date + i / ($2 * $4), i % 17, NULL, 'baseline' FROM generate_series(0, $1 - 1) i`, [n, STORES, start, PRODUCTS]);
  const baselineMs = msSince(tb);
  const drift = (await entryDaysDrift(pool)).length;
  return { rows: n, ms, nodeCpuMs, pgCpuMs, baselineMs, drift };
}

/** 100 regions of 100 stores, each with a clerk and a place on an inspector's weekly round; a month of everything counted. */
export async function generate(pool: pg.Pool, start: string): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  await generateStoreNetwork(pool, start, PRODUCTS);
  await q(`INSERT INTO retail_sales_batches (id, source, rows_total, rows_imported, rows_skipped, imported_by, imported_at)
      VALUES ('bench', 'api', 0, 0, 0, (SELECT id FROM users WHERE wecom_userid = 'bench.director'), now())`);
  // POS and clerks' entries: every store × product × day; a clerk's figure off now and then, entered that evening or two days late
  await q(`INSERT INTO retail_sales (store_id, product_id, day, units, amount, batch_id)
      SELECT s.customer_id, p.id, d::date, (s.customer_id + p.id + extract(day FROM d)::int) % 17, 5, 'bench'
        FROM retail_stores s CROSS JOIN retail_products p CROSS JOIN generate_series($1::date - 7, $1::date + $2::int, interval '1 day') d`, [start, DAYS]);
  await q(`INSERT INTO retail_clerk_sales (store_id, product_id, day, units, clerk_id, source, reported_at)
      SELECT r.store_id, r.product_id, r.day, CASE WHEN (r.store_id + (r.day - DATE '2000-01-01')) % 7 = 0 THEN r.units + 5 ELSE r.units END, k.user_id, 'entry',
             (r.day + CASE WHEN r.store_id % 5 = 0 THEN 2 ELSE 0 END)::timestamp + interval '13 hours'
        FROM retail_sales r JOIN retail_clerks k ON k.store_id = r.store_id`);
  await q(`INSERT INTO retail_member_referrals (store_id, day, recommended, joined, clerk_id, reported_at)
      SELECT k.store_id, d::date, 8, (k.store_id + extract(day FROM d)::int) % 5, k.user_id, d + interval '13 hours'
        FROM retail_clerks k CROSS JOIN generate_series($1::date, $1::date + $2::int, interval '1 day') d WHERE (k.store_id + extract(day FROM d)::int) % 6 <> 0`, [start, DAYS]);
  // a weekly patrol, its five ticks passing more at some stores than others
  await q(`INSERT INTO retail_patrols (store_id, inspector_id, started_at, finished_at, checklist, ticks, score, perfunctory)
      SELECT r.store_id, r.inspector_id, w + interval '2 hours', w + interval '2 hours 15 minutes', '[]'::jsonb,
             jsonb_build_object('display', jsonb_build_object('passed', (r.store_id + n) % 3 <> 0), 'price_tags', jsonb_build_object('passed', (r.store_id + n) % 4 <> 0),
                                'stock', jsonb_build_object('passed', true), 'expiry', jsonb_build_object('passed', r.store_id % 5 <> 0),
                                'promotion', jsonb_build_object('passed', (r.store_id * n) % 7 <> 0)), 80, r.store_id % 11 = 0
        FROM retail_inspector_stores r CROSS JOIN generate_series(0, 3) n CROSS JOIN LATERAL (SELECT ($1::date + 7 * n)::timestamptz AS w) x`, [start]);
  // stock-outs with their 缺货处理 actions, answered in 3 or in 40 hours; 门店整改 actions, done before or after their due
  const def = async (code: string) => (await q(`SELECT id, version, code FROM action_definitions WHERE code = $1 ORDER BY version DESC LIMIT 1`, [code])).rows[0];
  const stockout = await def('stockout_response');
  const fix = await def('store_fix');
  const step = await def(LAUNCH_ACTION_DEFINITIONS[0]!.code);
  await q(`INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, status, due_at, submitted_at, created_at, updated_at)
      SELECT $2, 'stockout_response', $3, '缺货', s.customer_id, (SELECT id FROM users WHERE wecom_userid = 'bench.rep'), 'submitted',
             t + interval '1 day', t + CASE WHEN s.customer_id % 3 = 0 THEN interval '40 hours' ELSE interval '3 hours' END, t, t
        FROM retail_stores s CROSS JOIN generate_series(0, 1) n CROSS JOIN LATERAL (SELECT ($1::date + 3 + 11 * n)::timestamptz AS t) x`, [start, stockout.id, stockout.version]);
  await q(`INSERT INTO retail_stockouts (store_id, product_id, reported_by, reported_at, action_id)
      SELECT a.customer_id, (SELECT min(id) FROM retail_products), k.user_id, a.created_at, a.id
        FROM actions a JOIN retail_clerks k ON k.store_id = a.customer_id WHERE a.definition_code = 'stockout_response'`);
  await q(`INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, status, due_at, submitted_at, created_at, updated_at)
      SELECT $2, 'store_fix', $3, '整改', s.customer_id, k.user_id, 'submitted', t + interval '2 days',
             t + CASE WHEN (s.customer_id + n) % 4 = 0 THEN interval '3 days' ELSE interval '1 day' END, t, t
        FROM retail_stores s JOIN retail_clerks k ON k.store_id = s.customer_id CROSS JOIN generate_series(0, 1) n
        CROSS JOIN LATERAL (SELECT ($1::date + 5 + 9 * n)::timestamptz AS t) x`, [start, fix.id, fix.version]);
  // a 新品上架 at every store: a process of four step actions, the last step late at some stores
  await q(`INSERT INTO process_instances (template_code, customer_id, started_by, created_at)
      SELECT 'shelf_launch', s.customer_id, (SELECT id FROM users WHERE wecom_userid = 'bench.rep'), $1::date FROM retail_stores s`, [start]);
  await q(`INSERT INTO retail_launches (store_id, product_id, launch_date, process_instance_id, created_by)
      SELECT p.customer_id, (SELECT min(id) FROM retail_products), $1::date + 4, p.id, p.started_by FROM process_instances p WHERE p.template_code = 'shelf_launch'`, [start]);
  await q(`INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, process_instance_id, node_key, status, due_at, submitted_at, created_at, updated_at)
      SELECT $2, $4, $3, '上架步骤', l.store_id, k.user_id, l.process_instance_id, 'step' || n, 'submitted',
             (l.launch_date + n)::timestamptz, (l.launch_date + n)::timestamptz - CASE WHEN n = 4 AND l.store_id % 6 = 0 THEN interval '-1 day' ELSE interval '2 hours' END,
             $1::date, $1::date
        FROM retail_launches l JOIN retail_clerks k ON k.store_id = l.store_id CROSS JOIN generate_series(1, 4) n`, [start, step.id, step.version, step.code]);
}

/**
 * The chain alone: 100 regions of 100 stores (STORES), each with its clerk and a place on its region inspector's weekly
 * round, a director and a rep, and `products` products launched on `start`.
 */
export async function generateStoreNetwork(pool: pg.Pool, start: string, products: number): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  await q(`INSERT INTO departments (name, path) SELECT '区域' || g, '/' FROM generate_series(1, $1) g`, [STORES / 100]);
  await q(`UPDATE departments SET path = '/' || id || '/'`);
  await q(`INSERT INTO users (wecom_userid, name, role, department_id) VALUES
      ('bench.director', '压测总监', 'director', NULL), ('bench.rep', '压测业务员', 'rep', (SELECT min(id) FROM departments))`);
  await q(`INSERT INTO users (wecom_userid, name, role, department_id)
      SELECT 'bench.inspector.' || d.id, '督导' || d.id, 'inspector', d.id FROM departments d`);
  await q(`INSERT INTO customers (name, type, owner_id, department_id)
      SELECT '门店' || g, 'store', (SELECT id FROM users WHERE wecom_userid = 'bench.rep'), (SELECT id FROM departments ORDER BY id OFFSET (g - 1) / 100 LIMIT 1)
        FROM generate_series(1, $1) g`, [STORES]);
  await q(`INSERT INTO retail_stores (customer_id, code, chain, format, region_id)
      SELECT c.id, 'MD' || lpad(c.id::text, 6, '0'), '连锁' || (c.id % 10), '便利店', c.department_id FROM customers c WHERE c.type = 'store'`);
  await q(`INSERT INTO users (wecom_userid, name, role, department_id) SELECT 'bench.clerk.' || s.customer_id, '店员', 'clerk', s.region_id FROM retail_stores s`);
  await q(`INSERT INTO retail_clerks (user_id, store_id, created_at) SELECT u.id, s.customer_id, $1::date - 60
      FROM retail_stores s JOIN users u ON u.wecom_userid = 'bench.clerk.' || s.customer_id`, [start]);
  await q(`INSERT INTO retail_inspector_stores (inspector_id, store_id, every_days, created_at) SELECT u.id, s.customer_id, 7, $1::date - 60
      FROM retail_stores s JOIN users u ON u.wecom_userid = 'bench.inspector.' || s.region_id`, [start]);
  await q(`INSERT INTO retail_products (sku, barcode, name, category, launch_date)
      SELECT 'SKU-' || g, (6900000000000 + g)::text, '商品' || g, '饮料', $2::date FROM generate_series(1, $1) g`, [products, start]);
}
