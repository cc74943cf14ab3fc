/**
 * Retail sales data and promotions (#21 items 4 and 5), on a generated chain:
 * 2,000 stores (groups of 5 of one chain, format and region), 50 products.
 *
 * - csv_import_ms: importing a POS export of ROWS sales rows (store × SKU ×
 *   day) from CSV through importSalesFile — read, check every row, COPY into
 *   a staging table, one merge (target: 1M rows ≤ 30 s); baseline_insert_ms: the same number of
 *   rows written by one INSERT … SELECT generate_series into a table of the
 *   same shape and key (no foreign keys) — what merely writing them costs here;
 * - csv_restate_ms: a second export of the same ROWS store × SKU × day keys
 *   with other units (a corrected export), imported the same way over the
 *   clerks' own figures — 5 of the 50 products on 4 store-days in 5, as
 *   clerks enter the products they are asked about — so every row is
 *   replaced and the rollup of entries against the POS (retail_entry_days)
 *   recounts the entered days; rollup_drift_rows: rows of that rollup that
 *   differ from a recount from scratch afterwards (0 when exact);
 * - *_node_cpu_ms / *_pg_cpu_ms: the CPU each import took in node and in the
 *   database (on a busy machine the wall time is mostly waiting for a core);
 * - xlsx_import_ms: 100k rows from an .xlsx file (the XLSX size);
 * - promotion_read_p50/p95_ms: a promotion over 200 stores (each with 4
 *   matched stores) and 2 SKUs, its uplift and ROI by both methods worked out
 *   on read, 20 reads; baseline_sum_ms: one plain sum over the same stores'
 *   sales of those SKUs.
 *
 *   npm run bench -- retail
 *   BENCH_SCALE=small npm run bench -- retail        100k CSV rows
 */
import os from 'node:os';
import type pg from 'pg';
import ExcelJS from 'exceljs';
import { loadActiveActor } from '../core/auth/actor.js';
import { withTransaction } from '../core/db/pool.js';
import { addCalendarDays, shanghaiDate } from '../core/flow/time.js';
import { createPromotion, getPromotionOrThrow } from '../core/retail/promotions.js';
import { entryDaysDrift } from '../core/retail/entry-days.js';
import { importSalesFile } from '../core/retail/sales-import.js';
import { timedWithCpu, withTempBenchDatabase } from './bench-db.js';
import { median, msSince, type BenchResult } from './report.js';

const SCALES = { small: { csvRows: 100_000 }, default: { csvRows: 1_000_000 } } as const;
const STORES = 2_000;
const PRODUCTS = 50;
const XLSX_ROWS = 100_000;
/** The products clerks enter (the first ENTERED of the catalogue), on 4 store-days in 5. */
const ENTERED = 5;

export async function run(): Promise<BenchResult> {
  const scale = SCALES[(process.env.BENCH_SCALE as keyof typeof SCALES) ?? 'default'] ?? SCALES.default;
  return withTempBenchDatabase('af-bench-retail-', 4, (db) => measure(db.pool, db.dataDir, scale.csvRows));
}

async function measure(pool: pg.Pool, dataDir: string, csvRows: number): Promise<BenchResult> {
  const loadStart = os.loadavg()[0]!;
  const now = new Date();
  const today = shanghaiDate(now);
  await generateChain(pool);
  const admin = (await loadActiveActor(pool, { wecomUserid: 'bench.admin' }))!;
  const director = (await loadActiveActor(pool, { wecomUserid: 'bench.director' }))!;
  const { rows: stores } = await pool.query('SELECT code FROM retail_stores ORDER BY customer_id');
  const { rows: products } = await pool.query('SELECT sku FROM retail_products ORDER BY id');

  // the POS export: every store × product × day, oldest day first, until csvRows rows; then the same keys restated
  const perDay = stores.length * products.length;
  const days = Math.ceil(csvRows / perDay);
  const posExport = (units: (s: number, p: number, d: number) => number) => {
    const chunks: Buffer[] = [];
    let text = '门店编码,商品编码,日期,销量,销售额\n';
    let n = 0;
    for (let d = days; d >= 1 && n < csvRows; d--) {
      const day = addCalendarDays(today, -d);
      for (let s = 0; s < stores.length && n < csvRows; s++) {
        for (let p = 0; p < products.length && n < csvRows; p++, n++) {
          const u = units(s, p, d);
          text += `${stores[s].code},${products[p].sku},${day},${u},${(u * 4.5).toFixed(2)}\n`;
        }
        if (text.length > 1e6) { chunks.push(Buffer.from(text)); text = ''; }
      }
    }
    chunks.push(Buffer.from(text));
    return { csv: Buffer.concat(chunks), n };
  };
  const { csv, n } = posExport((s, p, d) => (s * 7 + p * 3 + d) % 23);
  console.error(`  CSV: ${n.toLocaleString('en-US')} rows, ${(csv.length / 1e6).toFixed(1)} MB over ${days} days`);
  // vacuumed before each import, as autovacuum would have been: not counted as the import's CPU
  await pool.query('VACUUM ANALYZE');
  const fresh = await timedWithCpu(dataDir, () => withTransaction(pool, (tx) => importSalesFile(tx, admin, csv, { fileName: 'bench.csv', mode: 'all' }, now)));
  const imported = fresh.result;
  const csvMs = fresh.ms;

  await enterClerkFigures(pool, today, days);
  const restatement = posExport((s, p, d) => (s * 7 + p * 3 + d) % 23 + 1 + (s + d) % 3);
  await pool.query('VACUUM ANALYZE');
  const enteredDays = Number((await pool.query('SELECT count(*) AS n FROM retail_entry_days')).rows[0].n);
  const restate = await timedWithCpu(dataDir, () => withTransaction(pool, (tx) => importSalesFile(tx, admin, restatement.csv, { fileName: 'bench-restated.csv', mode: 'all' }, now)));
  if (restate.result.replaced !== n) throw new Error(`the restatement replaced ${restate.result.replaced} of ${n} rows`);
  const drift = (await entryDaysDrift(pool)).length;

  await pool.query('CREATE TABLE bench_sales_baseline (LIKE retail_sales INCLUDING ALL)');
  const tb = performance.now();
  await pool.query(
    `INSERT INTO bench_sales_baseline (store_id, product_id, day, units, amount, batch_id)
     SELECT 1 + i % $2, 1 + i % 50, current_date - (i / $2)::int, i % 23, (i % 23) * 4.5, 'baseline' FROM generate_series(1, $1) i`, [n, STORES]);
  const baselineMs = msSince(tb);

  // XLSX: 100k rows of the day before the CSV's first day
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('销量');
  ws.addRow(['门店编码', '商品编码', '日期', '销量']);
  const xDays = Math.ceil(XLSX_ROWS / perDay);
  let x = 0;
  for (let d = 0; d < xDays && x < XLSX_ROWS; d++) {
    const day = new Date(`${addCalendarDays(today, -days - 1 - d)}T00:00:00Z`);
    for (let s = 0; s < stores.length && x < XLSX_ROWS; s++) {
      for (let p = 0; p < products.length && x < XLSX_ROWS; p++, x++) ws.addRow([stores[s].code, products[p].sku, day, (s + p + d) % 19]);
    }
  }
  const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
  console.error(`  XLSX: ${x.toLocaleString('en-US')} rows, ${(xlsx.length / 1e6).toFixed(1)} MB`);
  const tx0 = performance.now();
  const xImported = await withTransaction(pool, (tx) => importSalesFile(tx, admin, xlsx, { fileName: 'bench.xlsx', mode: 'all' }, now));
  const xlsxMs = msSince(tx0);

  // a promotion over 200 stores (one per group of 5: the other 4 are its matched stores), 2 SKUs, half of the data's days
  const { rows: promoted } = await pool.query('SELECT customer_id AS id FROM retail_stores WHERE customer_id % 10 = 0 ORDER BY customer_id LIMIT 200');
  const { rows: skus } = await pool.query('SELECT id FROM retail_products ORDER BY id LIMIT 2');
  const promo = await withTransaction(pool, (tx) => createPromotion(tx, director, {
    name: '压测促销', storeIds: promoted.map((r) => Number(r.id)), productIds: skus.map((r) => Number(r.id)),
    startsOn: addCalendarDays(today, -Math.max(1, Math.floor(days / 2))), endsOn: addCalendarDays(today, 7), cost: 10_000,
  }, now));
  const reads: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await getPromotionOrThrow(pool, director, promo.id, now);
    reads.push(msSince(t));
  }
  const sums: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await pool.query('SELECT sum(units) FROM retail_sales WHERE store_id = ANY($1::bigint[]) AND product_id = ANY($2::bigint[])',
      [promoted.map((r) => Number(r.id)), skus.map((r) => Number(r.id))]);
    sums.push(msSince(t));
  }
  const view = await getPromotionOrThrow(pool, director, promo.id, now);
  const sorted = [...reads].sort((a, b) => a - b);
  const p95 = sorted[Math.ceil(sorted.length * 0.95) - 1]!;
  return {
    name: 'retail sales import and promotion ROI',
    metrics: {
      csv_rows: imported.rowsImported, csv_mb: Math.round(csv.length / 1e5) / 10, csv_import_ms: Math.round(csvMs),
      csv_rows_per_s: Math.round(imported.rowsImported / (csvMs / 1000)),
      csv_node_cpu_ms: fresh.nodeCpuMs, csv_pg_cpu_ms: fresh.pgCpuMs ?? 'n/a',
      csv_restate_ms: Math.round(restate.ms), csv_restate_node_cpu_ms: restate.nodeCpuMs, csv_restate_pg_cpu_ms: restate.pgCpuMs ?? 'n/a',
      entered_days: enteredDays, rollup_drift_rows: drift,
      baseline_insert_ms: Math.round(baselineMs),
      xlsx_rows: xImported.rowsImported, xlsx_import_ms: Math.round(xlsxMs),
      promotion_stores: view.stores.length, promotion_matched_stores: view.matched?.stores ?? 0,
      promotion_read_p50_ms: Math.round(median(reads) * 10) / 10, promotion_read_p95_ms: Math.round(p95 * 10) / 10,
      baseline_sum_ms: Math.round(median(sums) * 10) / 10,
      load_1m_start: Math.round(loadStart * 10) / 10, load_1m_end: Math.round(os.loadavg()[0]! * 10) / 10,
      target: 'CSV 1M rows ≤ 30000 ms (fresh and restating); XLSX 100k rows imports',
    },
    ratios: {
      csv_import_ms: csvMs / Math.max(1, baselineMs), csv_restate_ms: restate.ms / Math.max(1, baselineMs), promotion_read_p50_ms: median(reads) / Math.max(0.1, median(sums)),
    },
  };
}

/**
 * The clerks' own figures over the POS days: each store's clerk enters the first ENTERED products on 4 days in 5,
 * one in 7 of them off the POS by a few units, in one statement (the rollup's trigger counts them).
 */
async function enterClerkFigures(pool: pg.Pool, today: string, days: number): Promise<void> {
  await pool.query(`INSERT INTO users (wecom_userid, name, role, department_id) SELECT 'bench.clerk.' || s.customer_id, '店员', 'clerk', s.region_id FROM retail_stores s`);
  await pool.query(`INSERT INTO retail_clerks (user_id, store_id, created_at) SELECT u.id, s.customer_id, $1::date - 60
      FROM retail_stores s JOIN users u ON u.wecom_userid = 'bench.clerk.' || s.customer_id`, [today]);
  await pool.query(`INSERT INTO retail_clerk_sales (store_id, product_id, day, units, clerk_id, source, reported_at)
      SELECT r.store_id, r.product_id, r.day, r.units + CASE WHEN (r.store_id + r.product_id + (r.day - DATE '2000-01-01')) % 7 = 0 THEN 3 ELSE 0 END,
             k.user_id, 'entry', (r.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' - interval '4 hours'
        FROM retail_sales r JOIN retail_clerks k ON k.store_id = r.store_id
       WHERE r.product_id <= (SELECT min(id) FROM retail_products) + $1 - 1 AND r.day >= $2::date - $3::int
         AND (r.store_id + (r.day - DATE '2000-01-01')) % 5 <> 0`, [ENTERED, today, days]);
}

/** One region per 100 stores, 10 chains × 2 formats: every store has 4 others of its chain, format and region. */
async function generateChain(pool: pg.Pool): Promise<void> {
  await pool.query(`INSERT INTO departments (name, path) SELECT '区域' || g, '/' FROM generate_series(1, $1) g`, [STORES / 100]);
  await pool.query(`UPDATE departments SET path = '/' || id || '/'`);
  await pool.query(`
    INSERT INTO users (wecom_userid, name, role, department_id) VALUES
      ('bench.admin', '压测管理员', 'admin', NULL), ('bench.director', '压测总监', 'director', NULL),
      ('bench.rep', '压测业务员', 'rep', (SELECT min(id) FROM departments))`);
  await pool.query(`
    INSERT INTO customers (name, type, owner_id, department_id)
    SELECT '门店' || g, 'store', (SELECT id FROM users WHERE wecom_userid = 'bench.rep'),
           (SELECT id FROM departments ORDER BY id OFFSET (g - 1) / 100 LIMIT 1)
      FROM generate_series(1, $1) g`, [STORES]);
  await pool.query(`
    INSERT INTO retail_stores (customer_id, code, chain, format, region_id)
    SELECT c.id, 'MD' || lpad(c.id::text, 6, '0'), '连锁' || ((c.id / 10) % 10), CASE WHEN (c.id / 5) % 2 = 0 THEN '便利店' ELSE '社区店' END, c.department_id
      FROM customers c WHERE c.type = 'store'`);
  await pool.query(`
    INSERT INTO retail_products (sku, barcode, name, category)
    SELECT 'SKU-' || g, (6900000000000 + g)::text, '商品' || g, '饮料' FROM generate_series(1, $1) g`, [PRODUCTS]);
}
