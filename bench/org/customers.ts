import { CONTACT_TEMPLATES, GIVEN, HOSPITAL_CONTACT_TEMPLATES, SURNAMES } from '../../core/seed/demo-org.data.js';
import { DISTRICTS, ROADS, TRADE_WORDS } from '../../core/seed/china.js';
import type { SalesForce } from './people.js';
import { days, pick, runBatches, unit, type BatchOpts, type IdRange } from '../../core/seed/sql-random.js';


/**
 * Customers g = 1…n: type mix (10% KA, 15% hospital, 45% store, 30% dealer),
 * owned by a random rep and placed around that rep's team city, 3% inactive,
 * last effective follow-up spread over the last 60 days (8% never; half of
 * those had a non-effective one), last follow-up between it and now, a third
 * with an incomplete profile. Names carry g, so they stay unique.
 */
export async function insertCustomers(
  force: SalesForce, productLineIds: number[], n: number, nameTag: string, o: BatchOpts,
): Promise<number> {
  const s = o.seed;
  const cityNames = force.repCities.map((c) => c.name);
  const params = [force.repIds, force.repDeptIds, cityNames, force.repCities.map((c) => c.lat),
    force.repCities.map((c) => c.lng), productLineIds, o.now, TRADE_WORDS, DISTRICTS, ROADS, nameTag];
  const sql = `
    INSERT INTO customers (name, type, address, lat, lng, coord_system, owner_id, department_id, product_line_id, status,
                           became_active_at, last_followup_at, last_effective_followup_at, profile, created_at, updated_at)
    SELECT x.city || x.word || CASE x.type WHEN 'ka' THEN '超市' WHEN 'hospital' THEN '医院' WHEN 'store' THEN '便利店'
                                            ELSE '商贸有限公司' END || '（' || $11 || x.g || '）',
           x.type,
           x.city || '市' || ($9::text[])[1 + ${pick('x.g', s, 6, '8')}] || ($10::text[])[1 + ${pick('x.g', s, 7, '12')}]
             || (1 + ${pick('x.g', s, 8, 999)}) || '号',
           round((($4::float8[])[x.ri] + (${unit('x.g', s, 9)} - 0.5) * 0.5)::numeric, 6),
           round((($5::float8[])[x.ri] + (${unit('x.g', s, 10)} - 0.5) * 0.6)::numeric, 6),
           'gcj02', ($1::bigint[])[x.ri], ($2::bigint[])[x.ri],
           CASE WHEN x.type = 'hospital' THEN ($6::bigint[])[3] ELSE ($6::bigint[])[1 + ${pick('x.g', s, 11, 2)}] END,
           CASE WHEN ${unit('x.g', s, 12)} < 0.03 THEN 'inactive' ELSE 'active' END,
           x.active_at,
           CASE WHEN x.last_eff IS NOT NULL THEN x.last_eff + (($7::timestamptz - x.last_eff) * ${unit('x.g', s, 13)})
                WHEN ${unit('x.g', s, 17)} < 0.5 THEN $7::timestamptz - ${days(unit('x.g', s, 18), 60)} END,
           x.last_eff,
           CASE WHEN ${pick('x.g', s, 14, 3)} = 2 THEN jsonb_build_object('当前采购周期', '季度')
                ELSE jsonb_build_object('历史合作痛点', CASE x.type WHEN 'hospital' THEN '耗材编码未备案，入院流程长'
                                                                   ELSE '账期偏长，陈列位费用高' END,
                                        '当前采购周期', CASE x.type WHEN 'ka' THEN '月度' ELSE '季度' END,
                                        '年采购额', (10 + ${pick('x.g', s, 15, 490)}) || '万') END,
           x.active_at, $7::timestamptz
      FROM (SELECT g,
                   1 + ${pick('g', s, 1, force.repIds.length)} AS ri,
                   ($3::text[])[1 + ${pick('g', s, 1, force.repIds.length)}] AS city,
                   ($8::text[])[1 + ${pick('g', s, 2, TRADE_WORDS.length)}] AS word,
                   CASE WHEN ${unit('g', s, 3)} < 0.10 THEN 'ka' WHEN ${unit('g', s, 3)} < 0.25 THEN 'hospital'
                        WHEN ${unit('g', s, 3)} < 0.70 THEN 'store' ELSE 'dealer' END AS type,
                   $7::timestamptz - ${days(unit('g', s, 4), 300)} - interval '60 days' AS active_at,
                   CASE WHEN ${unit('g', s, 5)} < 0.08 THEN NULL
                        ELSE $7::timestamptz - ${days(unit('g', s, 16), 60)} END AS last_eff
              FROM generate_series($12::bigint, $13::bigint) g) x`;
  return runBatches(n, o.batch, o.concurrency, (from, to) => o.exec(sql, [...params, from, to]));
}

/** `perCustomer` contacts each, roles rotated through the hospital or trade templates. */
export async function insertContacts(customers: IdRange, perCustomer: number, o: BatchOpts): Promise<number> {
  const s = o.seed;
  const col = (k: 'department' | 'title' | 'role' | 'attitude') =>
    [CONTACT_TEMPLATES.map((t) => t[k]), HOSPITAL_CONTACT_TEMPLATES.map((t) => t[k])];
  const [deptT, deptH] = col('department');
  const [titleT, titleH] = col('title');
  const [roleT, roleH] = col('role');
  const [attT, attH] = col('attitude');
  const tpl = (trade: number, hosp: number) =>
    `CASE WHEN c.type = 'hospital' THEN ($${hosp}::text[])[t.i] ELSE ($${trade}::text[])[t.i] END`;
  const sql = `
    INSERT INTO contacts (customer_id, name, department, title, buying_role, attitude, phone, created_at, updated_at)
    SELECT c.id,
           ($9::text[])[1 + ${pick('c.id * 8 + k', s, 20, SURNAMES.length)}] || ($10::text[])[1 + ${pick('c.id * 8 + k', s, 21, GIVEN.length)}],
           ${tpl(1, 2)}, ${tpl(3, 4)}, ${tpl(5, 6)}, ${tpl(7, 8)},
           '13' || ${pick('c.id * 8 + k', s, 22, 10)} || lpad(${pick('c.id * 8 + k', s, 23, 100_000_000)}::text, 8, '0'),
           c.created_at, c.created_at
      FROM customers c
     CROSS JOIN generate_series(1, ${perCustomer}) k
     CROSS JOIN LATERAL (SELECT 1 + ((k - 1 + ${pick('c.id', s, 24, 4)}) % 4)::int AS i) t
     WHERE c.id BETWEEN $11 AND $12`;
  const params = [deptT, deptH, titleT, titleH, roleT, roleH, attT, attH, SURNAMES, GIVEN];
  const perBatch = Math.max(1, Math.floor(o.batch / Math.max(1, perCustomer)));
  return runBatches(customers.max - customers.min + 1, perBatch, o.concurrency, (from, to) =>
    o.exec(sql, [...params, customers.min + from - 1, customers.min + to - 1]));
}

/** 0–3 orders per customer (1.5 on average) over the last 180 days; order_no carries the customer id. */
export async function insertOrders(customers: IdRange, o: BatchOpts): Promise<number> {
  const s = o.seed;
  const sql = `
    INSERT INTO orders (order_no, kind, customer_id, owner_id, amount, status, ordered_at, due_at, created_at)
    SELECT 'BO' || c.id || '-' || k, 'order', c.id, c.owner_id,
           round((2000 + ${unit('c.id * 4 + k', s, 30)} * 98000)::numeric, 2),
           CASE WHEN ${unit('c.id * 4 + k', s, 31)} < 0.05 THEN 'cancelled' WHEN ${unit('c.id * 4 + k', s, 31)} < 0.20 THEN 'shipped'
                WHEN ${unit('c.id * 4 + k', s, 31)} < 0.30 THEN 'confirmed' ELSE 'delivered' END,
           x.at, x.at + interval '7 days', x.at
      FROM customers c
     CROSS JOIN LATERAL generate_series(1, ${pick('c.id', s, 32, 4)}::int) k
     CROSS JOIN LATERAL (SELECT $1::timestamptz - interval '5 days' - ${days(unit('c.id * 4 + k', s, 33), 175)} AS at) x
     WHERE c.id BETWEEN $2 AND $3`;
  const perBatch = Math.max(1, Math.floor(o.batch / 1.5));
  return runBatches(customers.max - customers.min + 1, perBatch, o.concurrency, (from, to) =>
    o.exec(sql, [o.now, customers.min + from - 1, customers.min + to - 1]));
}
