/**
 * The four fulfilment checks (首单延迟发货, 返单超期, 订单错漏, 客户投诉升级) over
 * an organisation with a million orders: 100k customers with ten orders each
 * at a customer-specific cadence, one order in ten with lines (a few of them
 * short, returned or changed after confirmation), 5% of customers newly
 * signed, 20k complaints. Measured:
 *
 * - checks_ms: all four checks, end to end (resolve, select, word, write alerts
 *   and cards) — target ≤ 2 s; median of three runs after the first (the first
 *   also opens the alerts: reported as first_run_ms);
 * - baseline_scan_ms: one sequential count over the orders table in the same
 *   run — what merely reading a million orders costs here.
 *
 *   npm run bench -- fulfilment
 *   BENCH_SCALE=small npm run bench -- fulfilment      10k customers / 100k orders
 */
import type pg from 'pg';
import {
  runComplaintEscalation, runFirstOrderLate, runFulfilmentChecks, runOrderErrors, runReorderOverdue,
} from '../core/alerts/fulfilment-checks.js';
import { loadConfig } from '../core/config.js';
import { DAY_MS } from '../core/flow/time.js';
import { benchLogger, withTempBenchDatabase } from './bench-db.js';
import { generateOrg, printGenerateResult } from './generate-org.js';
import { median, msSince, type BenchResult } from './report.js';

const SCALES = {
  small: { reps: 50, customers: 10_000, ordersPerCustomer: 10 },
  default: { reps: 300, customers: 100_000, ordersPerCustomer: 10 },
} as const;

export async function run(): Promise<BenchResult> {
  const scale = SCALES[(process.env.BENCH_SCALE as keyof typeof SCALES) ?? 'default'] ?? SCALES.default;
  return withTempBenchDatabase('af-bench-fulfilment-', 4, (db) => measure(db.pool, scale));
}

async function measure(pool: pg.Pool, scale: (typeof SCALES)[keyof typeof SCALES]): Promise<BenchResult> {
  const now = new Date();
  const gen = await generateOrg(pool, {
    reps: scale.reps, customers: scale.customers, events: 0, followups: false, actions: 0, contactsPerCustomer: 0, opportunityEvery: 1_000_000,
    seed: 11, now, onTable: (t) => console.error(`  ${t.table}: ${t.rows.toLocaleString('en-US')} rows in ${(t.ms / 1000).toFixed(1)} s`),
  });
  printGenerateResult(gen);
  const tg = performance.now();
  await generateFulfilment(pool, scale.ordersPerCustomer, now);
  console.error(`  fulfilment data in ${(msSince(tg) / 1000).toFixed(1)} s`);
  const { rows: [n] } = await pool.query(
    `SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines, (SELECT count(*) FROM complaints) AS complaints`);
  const deps = { pool, logger: benchLogger, now: () => now, config: loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'bench-secret-0123456789abcdef', PUBLIC_URL: 'https://af.example.com' }) };

  const tf = performance.now();
  const first = await runFulfilmentChecks(deps);
  const firstMs = msSince(tf);
  const runs: number[] = [];
  const perRule: Record<string, number[]> = { first_order_late: [], reorder_overdue: [], order_errors: [], complaint_escalation: [] };
  const each = [runFirstOrderLate, runReorderOverdue, runOrderErrors, runComplaintEscalation];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    for (const [k, fn] of each.entries()) {
      const tr = performance.now();
      await fn(deps);
      perRule[Object.keys(perRule)[k]].push(msSince(tr));
    }
    runs.push(msSince(t));
  }
  const scans: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await pool.query('SELECT count(*) FROM orders WHERE amount >= 0');
    scans.push(msSince(t));
  }
  const checks = median(runs);
  const baseline = median(scans);
  for (const r of first) console.log(`  ${r.summary}`);
  return {
    name: 'fulfilment checks (4 rules)',
    metrics: {
      orders: Number(n.orders), order_lines: Number(n.lines), complaints: Number(n.complaints),
      first_run_ms: Math.round(firstMs), checks_ms: Math.round(checks), baseline_scan_ms: Math.round(baseline),
      ...Object.fromEntries(Object.entries(perRule).map(([k, xs]) => [`${k}_ms`, Math.round(median(xs))])),
      alerts_opened: first.reduce((s, r) => s + Number(r.opened ?? 0), 0), target: 'checks ≤ 2000 ms',
    },
    ratios: { checks_ms: checks / Math.max(1, baseline) },
  };
}

/** Orders at a cadence per customer (7–45 days), lines on one order in ten, signings and complaints. */
async function generateFulfilment(pool: pg.Pool, perCustomer: number, now: Date): Promise<void> {
  await pool.query(
    `INSERT INTO orders (order_no, kind, customer_id, owner_id, amount, status, ordered_at, confirmed_at, shipped_at, due_at)
     SELECT 'F' || c.id || '-' || k, 'order', c.id, c.owner_id, 1000 + (c.id % 97) * 10,
            CASE WHEN k = $1 AND c.id % 5 = 0 THEN 'confirmed' ELSE 'delivered' END,
            t.at, t.at, CASE WHEN k = $1 AND c.id % 5 = 0 THEN NULL ELSE t.at + interval '2 days' END, t.at + interval '7 days'
       FROM customers c CROSS JOIN generate_series(1, $1) k
       -- every 7th customer stopped reordering two cadences ago (返单超期)
       CROSS JOIN LATERAL (SELECT CASE WHEN c.id % 7 = 0 THEN 2 ELSE 0 END AS gap) g
       CROSS JOIN LATERAL (SELECT $2::timestamptz - ((($1 - k + g.gap) * (7 + c.id % 39)) + (c.id % 13)) * interval '1 day' AS at) t`,
    [perCustomer, now]);
  await pool.query(
    `INSERT INTO order_lines (order_id, line_no, sku, qty_ordered, qty_shipped, qty_returned, changed_after_confirm)
     SELECT o.id, l, 'SKU-' || (o.id % 500), 10 * l,
            CASE WHEN o.id % 97 = 0 THEN 10 * l - 1 WHEN o.status = 'delivered' THEN 10 * l ELSE 0 END,
            CASE WHEN o.id % 211 = 0 THEN 1 ELSE 0 END, o.id % 301 = 0
       FROM orders o CROSS JOIN generate_series(1, 2) l WHERE o.id % 10 = 0`);
  await pool.query(`UPDATE customers SET signed_at = $1::timestamptz - (id % 60) * interval '1 day' WHERE id % 20 = 0`, [now]);
  await pool.query(
    `INSERT INTO complaints (customer_id, severity, category, title, received_at, sla_due_at, status, resolved_at, owner_id, department_id)
     SELECT c.id, (ARRAY['low','medium','high','critical'])[1 + c.id % 4], 'delivery', '到货延误',
            $1::timestamptz - (c.id % 90) * interval '1 day', $1::timestamptz - (c.id % 90) * interval '1 day' + interval '24 hours',
            CASE WHEN c.id % 3 = 0 THEN 'open' ELSE 'resolved' END,
            CASE WHEN c.id % 3 = 0 THEN NULL ELSE $1::timestamptz - (c.id % 90) * interval '1 day' + interval '5 hours' END,
            c.owner_id, c.department_id
       FROM customers c WHERE c.id % 5 = 0`, [new Date(now.getTime() - DAY_MS)]);
  await pool.query('ANALYZE orders; ANALYZE order_lines; ANALYZE complaints; ANALYZE customers');
}
