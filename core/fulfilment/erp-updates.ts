/**
 * Order status from the ERP (reps don't ship orders): a batch of updates by
 * API, or the same as a CSV export. Each update carries the ERP's own id, so
 * a re-sent batch or file changes nothing; a batch with any bad row is
 * refused whole. An update may move the status (confirmed, shipped,
 * delivered, cancelled — never back to an earlier one) and restate the
 * order's lines; a line changed after the order was confirmed is marked, as
 * is a return — 订单错漏 reads those marks.
 *
 *   await applyErpUpdates(db, actor, [{ updateId: 'E-1', orderNo: 'SO1', status: 'shipped', at }], 'api');
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { parseBusinessDateTime } from '../flow/time.js';
import { parseCsv } from '../imports/csv.js';
import { OperationalDateTime } from '../resources/schemas.js';

const STATUS_ORDER = ['draft', 'confirmed', 'shipped', 'delivered'] as const;
export const ERP_STATUS_LABELS = { draft: '草稿', confirmed: '已确认', shipped: '已发货', delivered: '已送达', cancelled: '已取消' } as const;
const ErpStatus = z.enum(['draft', 'confirmed', 'shipped', 'delivered', 'cancelled'], { message: '状态只能是：草稿、已确认、已发货、已送达、已取消' });
const Qty = z.number().min(0, '数量不能为负').max(1e9);

export const ErpLineSchema = z.strictObject({
  lineNo: z.number().int().min(1).max(10_000),
  sku: z.string().trim().min(1, '商品编码不能为空').max(60),
  name: z.string().trim().max(200).nullish(),
  qtyOrdered: Qty,
  qtyShipped: Qty.default(0),
  qtyReturned: Qty.default(0),
});

export const ErpUpdateSchema = z.strictObject({
  /** The ERP's id for this update: the same id twice is the same update. */
  updateId: z.string().trim().min(1).max(100),
  orderNo: z.string().trim().min(1).max(40),
  status: ErpStatus.optional(),
  at: OperationalDateTime,
  lines: z.array(ErpLineSchema).max(500).optional(),
});
export type ErpUpdate = z.output<typeof ErpUpdateSchema>;

export const ErpBatchSchema = z.strictObject({ updates: z.array(ErpUpdateSchema).min(1, '没有更新').max(1000, '一次最多1000条') });
export const ErpResultSchema = z.object({ applied: z.number(), alreadyApplied: z.number(), orders: z.number() });
export type ErpResult = z.infer<typeof ErpResultSchema>;

/** Applies the updates oldest first; unknown order numbers refuse the whole batch. */
export async function applyErpUpdates(db: Db, actor: Actor, updates: ErpUpdate[], source: 'api' | 'import'): Promise<ErpResult> {
  assertCan(actor, 'orders', 'update');
  // ERP feeds are company-wide: directors (or an integration member with their rights) send them
  if (actor.role !== 'director') throw new AppError('FORBIDDEN', { resource: 'orders', verb: 'erp' }, '只有销售总监（或以其身份接入的 ERP）可以导入订单状态');
  const nos = [...new Set(updates.map((u) => u.orderNo))];
  const { rows } = await db.query('SELECT id, order_no FROM orders WHERE order_no = ANY($1) FOR UPDATE', [nos]);
  const idOf = new Map(rows.map((r) => [r.order_no as string, r.id as number]));
  const missing = nos.filter((n) => !idOf.has(n));
  if (missing.length) {
    throw new AppError('VALIDATION_FAILED', missing.slice(0, 50).map((n) => ({ path: `orderNo ${n}`, message: `订单 ${n} 不存在` })));
  }
  let applied = 0;
  for (const u of [...updates].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    if (await applyOne(db, actor, idOf.get(u.orderNo)!, u, source)) applied++;
  }
  return { applied, alreadyApplied: updates.length - applied, orders: nos.length };
}

async function applyOne(db: Db, actor: Actor, orderId: number, u: ErpUpdate, source: 'api' | 'import'): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO order_updates (update_key, order_id, status, at, lines, source, recorded_by) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (update_key) DO NOTHING`,
    [`erp:${u.updateId}`, orderId, u.status ?? null, u.at, u.lines ? JSON.stringify(u.lines) : null, source, actor.id]);
  if (!rowCount) return false;
  const at = new Date(u.at);
  if (u.status) await moveStatus(db, orderId, u.status, at);
  if (u.lines) await restateLines(db, orderId, u.lines, at);
  await db.query('UPDATE orders SET erp_updated_at = GREATEST(erp_updated_at, $2) WHERE id = $1', [orderId, at]);
  return true;
}

/** Forward only: a late 'confirmed' does not unship an order; 'cancelled' ends it. */
async function moveStatus(db: Db, orderId: number, status: z.infer<typeof ErpStatus>, at: Date): Promise<void> {
  const rank = (s: string) => (s === 'cancelled' ? 99 : STATUS_ORDER.indexOf(s as (typeof STATUS_ORDER)[number]));
  const { rows: [o] } = await db.query('SELECT status FROM orders WHERE id = $1', [orderId]);
  const next = rank(status) > rank(o.status) ? status : o.status;
  await db.query(
    `UPDATE orders SET status = $2,
            confirmed_at = CASE WHEN $3 IN ('confirmed','shipped','delivered') THEN COALESCE(confirmed_at, $4) ELSE confirmed_at END,
            shipped_at   = CASE WHEN $3 IN ('shipped','delivered') THEN COALESCE(shipped_at, $4) ELSE shipped_at END,
            delivered_at = CASE WHEN $3 = 'delivered' THEN COALESCE(delivered_at, $4) ELSE delivered_at END
      WHERE id = $1`,
    [orderId, next, status, at]);
}

async function restateLines(db: Db, orderId: number, lines: z.output<typeof ErpLineSchema>[], at: Date): Promise<void> {
  const { rows: [o] } = await db.query('SELECT confirmed_at FROM orders WHERE id = $1', [orderId]);
  const afterConfirm = o.confirmed_at !== null && at > o.confirmed_at;
  for (const l of lines) {
    await db.query(
      `INSERT INTO order_lines (order_id, line_no, sku, name, qty_ordered, qty_shipped, qty_returned, changed_after_confirm)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (order_id, line_no) DO UPDATE SET sku = EXCLUDED.sku, name = COALESCE(EXCLUDED.name, order_lines.name),
         qty_ordered = EXCLUDED.qty_ordered, qty_shipped = EXCLUDED.qty_shipped, qty_returned = EXCLUDED.qty_returned,
         changed_after_confirm = order_lines.changed_after_confirm
           OR ($8 AND (order_lines.sku <> EXCLUDED.sku OR order_lines.qty_ordered <> EXCLUDED.qty_ordered))`,
      [orderId, l.lineNo, l.sku, l.name ?? null, l.qtyOrdered, l.qtyShipped, l.qtyReturned, afterConfirm]);
  }
}

export const ERP_CSV_COLUMNS = {
  update: '更新编号', order: '订单号', status: '状态', at: '时间', line: '行号', sku: '商品编码', name: '商品名称',
  ordered: '订购数量', shipped: '发货数量', returned: '退货数量',
} as const;
const STATUS_BY_LABEL = new Map<string, string>(Object.entries(ERP_STATUS_LABELS).map(([k, v]) => [v as string, k]));

/**
 * The ERP's CSV export: one row per order line (or per order, without line
 * columns); rows with the same 更新编号 are one update. Checked whole first.
 */
export async function importErpCsv(db: Db, actor: Actor, csv: string): Promise<ErpResult> {
  const C = ERP_CSV_COLUMNS;
  const { rows } = parseCsv(csv, [C.update, C.order, C.at]);
  if (rows.length === 0) throw new AppError('VALIDATION_FAILED', [{ path: 'file', message: '文件只有表头，没有数据行' }]);
  const grouped = new Map<string, { update: Record<string, unknown>; lines: unknown[]; line: number }>();
  for (const r of rows) {
    const v = r.values;
    const g = grouped.get(v[C.update]) ?? {
      line: r.line,
      update: {
        // a spreadsheet's time is Shanghai wall-clock; one that does not read is left for the schema to name
        updateId: v[C.update], orderNo: v[C.order], at: parseBusinessDateTime(v[C.at])?.toISOString() ?? v[C.at],
        ...(v[C.status] ? { status: STATUS_BY_LABEL.get(v[C.status]) ?? v[C.status] } : {}),
      },
      lines: [],
    };
    if (v[C.line]) {
      g.lines.push({
        lineNo: Number(v[C.line]), sku: v[C.sku], ...(v[C.name] ? { name: v[C.name] } : {}),
        qtyOrdered: Number(v[C.ordered]), qtyShipped: Number(v[C.shipped] || 0), qtyReturned: Number(v[C.returned] || 0),
      });
    }
    grouped.set(v[C.update], g);
  }
  const problems: Array<{ path: string; message: string }> = [];
  const updates: ErpUpdate[] = [];
  for (const g of grouped.values()) {
    const parsed = ErpUpdateSchema.safeParse(g.lines.length ? { ...g.update, lines: g.lines } : g.update);
    if (parsed.success) updates.push(parsed.data);
    else for (const i of parsed.error.issues) problems.push({ path: `第${g.line}行`, message: i.message });
  }
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems.slice(0, 50));
  return applyErpUpdates(db, actor, updates, 'import');
}
