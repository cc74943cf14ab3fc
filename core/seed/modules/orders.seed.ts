/**
 * 订单与合同: a signed contract for every won deal (the attribution link of
 * 商机→合同), its first delivery order a week or two later, and the steady
 * re-orders of active customers every three to six weeks — the orders a visit
 * report must link (orders.linked), so the latest ones exist before the visits
 * that cite them.
 */
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { pick, unit } from '../sql-random.js';
import { officeHours } from '../history-window.js';

export const ordersSeed = defineSeedModule<{ reordersPerCustomer: number }>({
  name: 'orders',
  label: '订单与合同',
  after: ['opportunities'],
  knobs: { demo: { reordersPerCustomer: 3 }, bench: { reordersPerCustomer: 1 } },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    const start = new Date(`${ctx.window.days[0]}T00:00:00+08:00`);
    const before = Number((await ctx.pool.query('SELECT coalesce(max(id), 0) AS m FROM orders')).rows[0].m);
    const contracts = await ctx.exec(`
      INSERT INTO orders (order_no, kind, customer_id, opportunity_id, owner_id, amount, status, ordered_at, due_at, created_at)
      SELECT 'HT' || to_char(o.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || o.id, 'contract', o.customer_id, o.id, o.owner_id,
             o.amount, 'confirmed', o.closed_at, o.closed_at + interval '30 days', o.closed_at
        FROM opportunities o
       WHERE o.owner_id = ANY($1::bigint[]) AND o.status = 'won' AND o.closed_at >= $2
         AND NOT EXISTS (SELECT 1 FROM orders x WHERE x.opportunity_id = o.id AND x.kind = 'contract')
       ORDER BY o.id`, [ctx.scope.repIds, start]);
    const firstOrders = await ctx.exec(`
      INSERT INTO orders (order_no, kind, customer_id, opportunity_id, owner_id, amount, status, ordered_at, due_at, created_at)
      SELECT 'SO' || to_char(x.at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || o.id, 'order', o.customer_id, o.id, o.owner_id,
             round(o.amount * (0.2 + 0.2 * ${unit('o.id', s, 190)})::numeric, 2),
             CASE WHEN x.at < $3::timestamptz - interval '10 days' THEN 'delivered' ELSE 'shipped' END, x.at, x.at + interval '7 days', x.at
        FROM opportunities o
        CROSS JOIN LATERAL (SELECT ${officeHours(`o.closed_at + interval '1 day' * (5 + ${pick('o.id', s, 191, 10)})`)} AS at) x
       WHERE o.owner_id = ANY($1::bigint[]) AND o.status = 'won' AND o.closed_at >= $2 AND x.at < $3
       ORDER BY o.id`, [ctx.scope.repIds, start, ctx.window.now]);
    const reorders = await ctx.exec(`
      INSERT INTO orders (order_no, kind, customer_id, owner_id, amount, status, ordered_at, due_at, created_at)
      SELECT 'SO' || to_char(x.at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || c.id || '-' || j, 'order', c.id, c.owner_id,
             round((3000 + ${unit('c.id * 8 + j', s, 192)} * 60000)::numeric, 2),
             CASE WHEN x.at < $3::timestamptz - interval '10 days' THEN 'delivered' WHEN x.at < $3::timestamptz - interval '2 days' THEN 'shipped'
                  ELSE 'confirmed' END, x.at, x.at + interval '7 days', x.at
        FROM customers c CROSS JOIN generate_series(1, $4::int) j
        CROSS JOIN LATERAL (SELECT ${officeHours(`greatest($2::timestamptz, c.became_active_at) + ($3::timestamptz - greatest($2::timestamptz, c.became_active_at)) * ((j - 1 + ${unit('c.id * 8 + j', s, 193)}) / $4::int)`)} AS at) x
       WHERE c.owner_id = ANY($1::bigint[]) AND c.status = 'active' AND ${unit('c.id * 8 + j', s, 194)} < 0.75 AND x.at < $3
         AND NOT EXISTS (SELECT 1 FROM orders y WHERE y.order_no = 'SO' || to_char(x.at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || c.id || '-' || j)
       ORDER BY c.id, j`,
      [ctx.scope.repIds, start, ctx.window.now, k.reordersPerCustomer]);
    const events = await ctx.exec(`
      INSERT INTO events (at, actor_id, entity_type, entity_id, type, data)
      SELECT o.created_at, o.owner_id, 'order', o.id, 'order.created', jsonb_build_object('orderNo', o.order_no, 'kind', o.kind, 'amount', o.amount)
        FROM orders o WHERE o.id > $1`, [before]);
    return { orders: contracts + firstOrders + reorders, events };
  },
});
