/**
 * POS/ERP sales by store × product × day, imported as a file (CSV or XLSX) or
 * a batch through the API. Every row is checked before any is written; a row
 * that fails is reported in Chinese with its row number, column and value,
 * and the importer chooses: nothing (the default — the file is refused whole)
 * or only the good rows (the batch records each row left out). A batch is
 * written once: a file's id is its SHA-256, an API batch's the caller's id,
 * so the same file or batch again imports nothing twice. A later batch that
 * restates a store's day replaces it (a corrected export).
 *
 *   const r = await importSalesFile(db, admin, buffer, { fileName: 'pos-1201.csv', mode: 'all' }, now);
 *   const r = await importSalesBatch(db, admin, { batchId: 'ERP-20261201', rows: [...] , mode: 'all' }, now);
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Actor } from '../auth/actor.js';
import { isPool, withTransaction, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addCalendarDays, parseBusinessDateTime, shanghaiDate } from '../flow/time.js';
import { csvRecords } from '../imports/csv.js';
import { looksLikeXlsx, xlsxRecords } from '../imports/excel.js';
import { readSetting } from '../settings/read.js';
import type { SalesBatchInput, SalesImportResult, SalesRowError } from './sales-schemas.js';
import { salesData } from './sales-data.setting.js';
import { storeScopeSql } from './store-scope.js';

/** The columns of a sales file; a store by its code or its name, a product by its SKU or its barcode. */
export const SALES_COLUMNS = {
  storeCode: '门店编码', storeName: '门店名称', sku: '商品编码', barcode: '商品条码', day: '日期', units: '销量', amount: '销售额',
} as const;
/** How many row errors an answer lists; the count says how many there were. */
const ERRORS_SHOWN = 200;
/** Rows per string handed to COPY: big enough to amortise the stream's overhead, small enough not to hold the file twice. */
const COPY_CHUNK = 10_000;
/** How old a day may be: older is a typo in the year, not last year's sales. */
const OLDEST_DAYS = 3 * 366;

type Mode = 'all' | 'valid';
interface SalesRecord { line: number; store: string; product: string; day: string; units: string; amount: string; cols: ColumnNames }
interface ColumnNames { store: string; product: string }

/** Who may import: the company's sales data is an admin's, a director's or a region's manager's. */
function assertMayImport(actor: Actor): void {
  if (!['admin', 'director', 'manager'].includes(actor.role)) {
    throw new AppError('FORBIDDEN', { resource: 'retail', verb: 'import' }, '只有管理员、销售总监或区域主管可以导入销售数据');
  }
}

/** The stores the actor may import for (code and name → id) and the catalogue (SKU and barcode → id). */
async function lookups(db: Db, actor: Actor) {
  const sql = new Sql();
  // admins import for every store although they sell none: the scope is the director's
  const scope = actor.role === 'admin' ? 'TRUE' : storeScopeSql(actor, sql);
  // one after another: in a transaction they share one connection
  const { rows: stores } = await db.query(sql.unprepared(`SELECT s.customer_id AS id, s.code, c.name FROM retail_stores s JOIN customers c ON c.id = s.customer_id WHERE ${scope}`));
  const { rows: all } = await db.query('SELECT s.code, c.name FROM retail_stores s JOIN customers c ON c.id = s.customer_id');
  const { rows: products } = await db.query('SELECT id, sku, barcode FROM retail_products');
  const store = new Map<string, number>();
  for (const s of stores) { if (s.code) store.set(s.code, Number(s.id)); store.set(s.name, Number(s.id)); }
  const known = new Set(all.flatMap((s) => [s.code, s.name]).filter(Boolean));
  const product = new Map<string, number>();
  for (const p of products) { product.set(p.sku, Number(p.id)); product.set(p.barcode, Number(p.id)); }
  return { store, known, product };
}

/** Columns of the file's header line, or which are missing. */
function columnsOf(header: string[]): (fields: string[]) => Omit<SalesRecord, 'line'> {
  const at = (name: string) => header.findIndex((h) => h.trim() === name);
  const C = SALES_COLUMNS;
  const i = { code: at(C.storeCode), name: at(C.storeName), sku: at(C.sku), barcode: at(C.barcode), day: at(C.day), units: at(C.units), amount: at(C.amount) };
  const missing = [
    i.code < 0 && i.name < 0 ? `${C.storeCode}（或${C.storeName}）` : null,
    i.sku < 0 && i.barcode < 0 ? `${C.sku}（或${C.barcode}）` : null,
    i.day < 0 ? C.day : null, i.units < 0 ? C.units : null,
  ].filter(Boolean);
  if (missing.length) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'header', message: `缺少列：${missing.join('、')}（第1行应为表头：${Object.values(C).join('、')}）` }]);
  }
  const cols = { store: i.code >= 0 ? C.storeCode : C.storeName, product: i.sku >= 0 ? C.sku : C.barcode };
  const get = (f: string[], k: number) => (k >= 0 ? (f[k] ?? '').trim() : '');
  return (f) => ({
    store: get(f, i.code >= 0 ? i.code : i.name), product: get(f, i.sku >= 0 ? i.sku : i.barcode),
    day: get(f, i.day), units: get(f, i.units), amount: get(f, i.amount), cols,
  });
}

/** A spreadsheet saved as CSV by Chinese Excel is GBK; anything else is UTF-8 (with or without BOM). */
function decodeText(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer).replace(/^\uFEFF/, '');
  } catch {
    try { return new TextDecoder('gbk', { fatal: true }).decode(buffer); } catch {
      throw new AppError('VALIDATION_FAILED', [{ path: 'file', message: '文件不是 CSV 文本或 .xlsx 表格，请从 POS/ERP 导出 CSV 或 Excel 后再导入' }]);
    }
  }
}

async function* fileRecords(buffer: Buffer): AsyncGenerator<SalesRecord> {
  const source = looksLikeXlsx(buffer) ? xlsxRecords(buffer) : csvRecords(decodeText(buffer));
  let read: ((f: string[]) => Omit<SalesRecord, 'line'>) | null = null;
  for await (const r of source) {
    if (!read) { read = columnsOf(r.fields); continue; }
    yield { line: r.line, ...read(r.fields) };
  }
  if (!read) throw new AppError('VALIDATION_FAILED', [{ path: 'file', message: '文件是空的' }]);
}

/** The rows as columns ready to write, and every row error. */
interface Checked {
  total: number;
  storeIds: number[]; productIds: number[]; days: string[]; units: number[]; amounts: Array<string | null>;
  errors: SalesRowError[];
  errorCount: number;
}

async function check(db: Db, actor: Actor, records: AsyncIterable<SalesRecord> | Iterable<SalesRecord>, now: Date): Promise<Checked> {
  const { store, known, product } = await lookups(db, actor);
  const { maxUnitsPerDay } = await readSetting(db, salesData);
  const today = shanghaiDate(now);
  const oldest = addCalendarDays(today, -OLDEST_DAYS);
  const out: Checked = { total: 0, storeIds: [], productIds: [], days: [], units: [], amounts: [], errors: [], errorCount: 0 };
  const seen = new Map<string, number>();
  // a file has few distinct days and a million rows: each day is read once
  const days = new Map<string, string | null>();
  const dayOf = (text: string): string | null => {
    let d = days.get(text);
    if (d === undefined) {
      const at = /^\d{4}[-/]\d{1,2}[-/]\d{1,2}$/.test(text) ? parseBusinessDateTime(text) : null;
      d = at ? shanghaiDate(at) : null;
      days.set(text, d);
    }
    return d;
  };
  const fail = (line: number, column: string, value: string, message: string) => {
    out.errorCount++;
    if (out.errors.length < ERRORS_SHOWN) out.errors.push({ line, column, value, message });
  };
  for await (const r of records) {
    out.total++;
    const before = out.errorCount;
    const storeId = store.get(r.store);
    if (!r.store) fail(r.line, r.cols.store, r.store, '门店不能为空');
    else if (storeId === undefined) fail(r.line, r.cols.store, r.store, known.has(r.store) ? '这家门店不在你的管辖范围内' : '系统中没有这家门店');
    const productId = product.get(r.product);
    if (!r.product) fail(r.line, r.cols.product, r.product, '商品不能为空');
    else if (productId === undefined) fail(r.line, r.cols.product, r.product, '商品目录中没有这个商品');
    const day = dayOf(r.day);
    if (!day) fail(r.line, SALES_COLUMNS.day, r.day, '日期应为 年-月-日，如 2026-12-01');
    else if (day > today) fail(r.line, SALES_COLUMNS.day, r.day, '日期在今天之后，POS 不会有未来的销量');
    else if (day < oldest) fail(r.line, SALES_COLUMNS.day, r.day, '日期早于三年前，请核对年份');
    const units = /^-?\d+(\.\d+)?$/.test(r.units) ? Number(r.units) : NaN;
    if (Number.isNaN(units)) fail(r.line, SALES_COLUMNS.units, r.units, r.units ? '销量应为数字（件）' : '销量不能为空');
    else if (units < 0) fail(r.line, SALES_COLUMNS.units, r.units, '销量不能为负数（退货请在 POS 中冲减后再导出）');
    else if (!Number.isInteger(units)) fail(r.line, SALES_COLUMNS.units, r.units, '销量应为整数件');
    else if (units > maxUnitsPerDay) fail(r.line, SALES_COLUMNS.units, r.units, `单店单品一天超过${maxUnitsPerDay}件，不合常理，请核对`);
    const amount = r.amount === '' ? null : /^\d+(\.\d{1,2})?$/.test(r.amount) && Number(r.amount) <= 1e9 ? r.amount : undefined;
    if (amount === undefined) fail(r.line, SALES_COLUMNS.amount, r.amount, '销售额应为不小于0的金额（元，最多两位小数）');
    if (out.errorCount > before) continue;
    const key = `${storeId}:${productId}:${day}`;
    const first = seen.get(key);
    if (first !== undefined) { fail(r.line, r.cols.store, r.store, `与第${first}行是同一门店、同一商品、同一天，请合并为一行`); continue; }
    seen.set(key, r.line);
    out.storeIds.push(storeId!); out.productIds.push(productId!); out.days.push(day!); out.units.push(units); out.amounts.push(amount ?? null);
  }
  return out;
}

function refusal(c: Checked): AppError {
  const shown = c.errors.slice(0, 3).map((e) => `第${e.line}行「${e.column}」${e.message}`).join('；');
  return new AppError('SALES_FILE_REFUSED', { rowsTotal: c.total, errorCount: c.errorCount, goodRows: c.storeIds.length, errors: c.errors },
    `${shown}${c.errorCount > 3 ? ` 等${c.errorCount}处错误` : ''}。未导入任何数据${c.storeIds.length ? `；也可以选择只导入正确的${c.storeIds.length}行` : ''}`);
}

async function existing(db: Db, batchId: string): Promise<SalesImportResult | null> {
  const { rows: [b] } = await db.query('SELECT * FROM retail_sales_batches WHERE id = $1', [batchId]);
  return b ? { ...batchView(b), alreadyImported: true, inserted: 0, replaced: 0, unchanged: 0 } : null;
}

export function batchView(b: any): Omit<SalesImportResult, 'alreadyImported' | 'inserted' | 'replaced' | 'unchanged'> {
  return {
    batchId: b.id, source: b.source, fileName: b.file_name, rowsTotal: b.rows_total, rowsImported: b.rows_imported,
    rowsSkipped: b.rows_skipped, skipped: b.skipped, importedAt: new Date(b.imported_at).toISOString(),
  };
}

/**
 * The checked rows, in key order, as COPY's text format: each chunk then lands
 * on neighbouring pages of the key's index instead of all over it.
 */
function* copyLines(c: Checked): Generator<string> {
  const order = Array.from(c.storeIds.keys()).sort((a, b) =>
    c.storeIds[a]! - c.storeIds[b]! || c.productIds[a]! - c.productIds[b]! || (c.days[a]! < c.days[b]! ? -1 : c.days[a]! > c.days[b]! ? 1 : 0));
  for (let i = 0; i < order.length; i += COPY_CHUNK) {
    let text = '';
    for (const k of order.slice(i, i + COPY_CHUNK)) text += `${c.storeIds[k]}\t${c.productIds[k]}\t${c.days[k]}\t${c.units[k]}\t${c.amounts[k] ?? '\\N'}\n`;
    yield text;
  }
}

/**
 * The stores and products the rows name, each locked once against a delete
 * until this commits: what retail_sales' foreign keys did row by row (035).
 * One that went since the check (deleted meanwhile) refuses the batch.
 */
async function lockStoresAndProducts(db: Db, c: Checked): Promise<void> {
  const stores = [...new Set(c.storeIds)];
  const products = [...new Set(c.productIds)];
  const { rowCount: s } = await db.query('SELECT 1 FROM retail_stores WHERE customer_id = ANY($1::bigint[]) FOR KEY SHARE', [stores]);
  const { rowCount: p } = await db.query('SELECT 1 FROM retail_products WHERE id = ANY($1::bigint[]) FOR KEY SHARE', [products]);
  if (s !== stores.length || p !== products.length) throw new AppError('CONFLICT', { resource: 'retail_sales' });
}

async function write(db: Db, actor: Actor, c: Checked, batch: { id: string; source: 'file' | 'api'; fileName: string | null; mode: Mode }, now: Date): Promise<SalesImportResult> {
  if (c.total === 0) throw new AppError('VALIDATION_FAILED', [{ path: 'file', message: '文件只有表头，没有数据行' }]);
  if (c.errorCount && (batch.mode === 'all' || c.storeIds.length === 0)) throw refusal(c);
  // the staging table and the merge need one connection and one transaction
  if (isPool(db)) return withTransaction(db, (tx) => write(tx, actor, c, batch, now));
  const { rows: [b] } = await db.query(
    `INSERT INTO retail_sales_batches (id, source, file_name, rows_total, rows_imported, rows_skipped, skipped, imported_by, imported_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (id) DO NOTHING RETURNING *`,
    [batch.id, batch.source, batch.fileName, c.total, c.storeIds.length, c.total - c.storeIds.length, JSON.stringify(c.errors), actor.id, now]);
  // the same batch sent twice at once: the second waits for the first and answers as a repeat
  if (!b) return (await existing(db, batch.id))!;
  await lockStoresAndProducts(db, c);
  // COPY into a bare staging table (no index, no trigger, not logged), then one set-based merge:
  // a million rows cost one statement's planning and one pass over the key's index
  await db.query(`CREATE TEMP TABLE IF NOT EXISTS retail_sales_incoming
    (store_id bigint, product_id bigint, day date, units integer, amount numeric(14,2)) ON COMMIT DROP`);
  await db.query('TRUNCATE retail_sales_incoming');
  await pipeline(Readable.from(copyLines(c)), db.query(copyFrom('COPY retail_sales_incoming FROM STDIN')));
  const { rows: [n] } = await db.query(
    `WITH w AS (
       INSERT INTO retail_sales (store_id, product_id, day, units, amount, batch_id)
       SELECT store_id, product_id, day, units, amount, $1 FROM retail_sales_incoming
       ON CONFLICT (store_id, product_id, day) DO UPDATE SET units = EXCLUDED.units, amount = EXCLUDED.amount, batch_id = EXCLUDED.batch_id
        WHERE (retail_sales.units, retail_sales.amount) IS DISTINCT FROM (EXCLUDED.units, EXCLUDED.amount)
       RETURNING (xmax = 0) AS fresh)
     SELECT count(*) FILTER (WHERE fresh)::int AS inserted, count(*) FILTER (WHERE NOT fresh)::int AS replaced FROM w`, [batch.id]);
  return { ...batchView(b), alreadyImported: false, inserted: n.inserted, replaced: n.replaced, unchanged: c.storeIds.length - n.inserted - n.replaced };
}

/** A CSV (UTF-8 or GBK) or XLSX file; its SHA-256 is its batch id. */
export async function importSalesFile(
  db: Db, actor: Actor, buffer: Buffer, opts: { fileName: string | null; mode: Mode }, now: Date,
): Promise<SalesImportResult> {
  assertMayImport(actor);
  if (buffer.length === 0) throw new AppError('VALIDATION_FAILED', [{ path: 'file', message: '文件是空的' }]);
  const id = `file:${createHash('sha256').update(buffer).digest('hex')}`;
  const again = await existing(db, id);
  if (again) return again;
  const checked = await check(db, actor, fileRecords(buffer), now);
  return write(db, actor, checked, { id, source: 'file', fileName: opts.fileName, mode: opts.mode }, now);
}

/** The API's batch: its rows in JSON, under the caller's batch id. */
export async function importSalesBatch(db: Db, actor: Actor, input: SalesBatchInput, now: Date): Promise<SalesImportResult> {
  assertMayImport(actor);
  const id = `api:${input.batchId}`;
  const again = await existing(db, id);
  if (again) return again;
  const C = SALES_COLUMNS;
  const records = input.rows.map((r, i): SalesRecord => ({
    line: i + 1, store: r.storeCode ?? r.storeName ?? '', product: r.sku ?? r.barcode ?? '', day: r.day, units: String(r.units),
    amount: r.amount === undefined || r.amount === null ? '' : String(r.amount),
    cols: { store: r.storeCode !== undefined ? C.storeCode : C.storeName, product: r.sku !== undefined ? C.sku : C.barcode },
  }));
  const checked = await check(db, actor, records, now);
  return write(db, actor, checked, { id, source: 'api', fileName: null, mode: input.mode }, now);
}

export async function listSalesBatches(db: Db, actor: Actor): Promise<{ items: ReturnType<typeof batchView>[] }> {
  assertMayImport(actor);
  const { rows } = await db.query('SELECT * FROM retail_sales_batches ORDER BY seq DESC LIMIT 20');
  return { items: rows.map(batchView) };
}
