/**
 * Retail sales data and promotions (#21 items 4 and 5), on a generated chain:
 * 2,000 stores (groups of 5 of one chain, format and region), 50 products.
 *
 * - csv_import_ms: importing a POS export of ROWS sales rows (store × SKU ×
 *   day) from CSV through importSalesFile — read, check every row, COPY into
 *   a staging table, one merge (target: 1M rows ≤ 30 s); baseline_insert_ms: the same number of
 *   rows written by one INSERT … SELECT generate_series into a table of the
 *   same shape and key (no foreign keys) — what merely writing them costs here;
 * - xlsx_import_ms: 100k rows from an .xlsx file (the issue's XLSX size);
 * - promotion_read_p50/p95_ms: a promotion over 200 stores (each with 4
 *   matched stores) and 2 SKUs, its uplift and ROI by both methods worked out
 *   on read, 20 reads; baseline_sum_ms: one plain sum over the same stores'
 *   sales of those SKUs.
 *
 *   npm run bench -- retail
 *   BENCH_SCALE=small npm run bench -- retail        100k CSV rows
 */
import type pg from 'pg';
import ExcelJS from 'exceljs';
import { loadActiveActor } from '../core/auth/actor.js';
import { withTransaction } from '../core/db/pool.js';
import { addCalendarDays, shanghaiDate } from '../core/flow/time.js';
import { createPromotion, getPromotionOrThrow } from '../core/retail/promotions.js';
import { importSalesFile } from '../core/retail/sales-import.js';
import { withTempBenchDatabase } from './bench-db.js';
import { median, msSince, type BenchResult } from './report.js';

const SCALES = { small: { csvRows: 100_000 }, default: { csvRows: 1_000_000 } } as const;
const STORES = 2_000;
const PRODUCTS = 50;
const XLSX_ROWS = 100_000;

export async function run(): Promise<BenchResult> {
  const scale = SCALES[(process.env.BENCH_SCALE as keyof typeof SCALES) ?? 'default'] ?? SCALES.default;
  return withTempBenchDatabase('af-bench-retail-', 4, (db) => measure(db.pool, scale.csvRows));
}

async function measure(pool: pg.Pool, csvRows: number): Promise<BenchResult> {
  const now = new Date();
  const today = shanghaiDate(now);
  await generateChain(pool);
  const admin = (await loadActiveActor(pool, { wecomUserid: 'bench.admin' }))!;
  const director = (await loadActiveActor(pool, { wecomUserid: 'bench.director' }))!;
  const { rows: stores } = await pool.query('SELECT code FROM retail_stores ORDER BY customer_id');
  const { rows: products } = await pool.query('SELECT sku FROM retail_products ORDER BY id');

  // the POS export: every store × product × day, oldest day first, until csvRows rows
  const perDay = stores.length * products.length;
  const days = Math.ceil(csvRows / perDay);
  const lines = ['门店编码,商品编码,日期,销量,销售额'];
  let n = 0;
  for (let d = days; d >= 1 && n < csvRows; d--) {
    const day = addCalendarDays(today, -d);
    for (let s = 0; s < stores.length && n < csvRows; s++) {
      for (let p = 0; p < products.length && n < csvRows; p++, n++) {
        const units = (s * 7 + p * 3 + d) % 23;
        lines.push(`${stores[s].code},${products[p].sku},${day},${units},${(units * 4.5).toFixed(2)}`);
      }
    }
  }
  const csv = Buffer.from(`${lines.join('\n')}\n`);
  lines.length = 0;
  console.error(`  CSV: ${n.toLocaleString('en-US')} rows, ${(csv.length / 1e6).toFixed(1)} MB over ${days} days`);
  const tc = performance.now();
  const imported = await withTransaction(pool, (tx) => importSalesFile(tx, admin, csv, { fileName: 'bench.csv', mode: 'all' }, now));
  const csvMs = msSince(tc);

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
      csv_rows_per_s: Math.round(imported.rowsImported / (csvMs / 1000)), baseline_insert_ms: Math.round(baselineMs),
      xlsx_rows: xImported.rowsImported, xlsx_import_ms: Math.round(xlsxMs),
      promotion_stores: view.stores.length, promotion_matched_stores: view.matched?.stores ?? 0,
      promotion_read_p50_ms: Math.round(median(reads) * 10) / 10, promotion_read_p95_ms: Math.round(p95 * 10) / 10,
      baseline_sum_ms: Math.round(median(sums) * 10) / 10,
      target: 'CSV 1M rows ≤ 30000 ms; XLSX 100k rows imports',
    },
    ratios: { csv_import_ms: csvMs / Math.max(1, baselineMs), promotion_read_p50_ms: median(reads) / Math.max(0.1, median(sums)) },
  };
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
