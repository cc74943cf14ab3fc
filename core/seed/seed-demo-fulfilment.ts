/**
 * Fulfilment cases for the demo, so `npm run job -- fulfilment-check` (and
 * the hourly job) has something to find on a fresh start: two stores signed
 * 17 days ago whose first order is still unshipped (首单延迟发货), an order
 * that shipped short (订单错漏) and a complaint past its SLA (客户投诉升级).
 */
import type pg from 'pg';
import { loadActiveActor } from '../auth/actor.js';
import { DAY_MS } from '../flow/time.js';
import { recordComplaint } from '../fulfilment/complaints.js';

const NEW_STORES: Array<[string, string, number, number]> = [
  ['便利蜂上海长寿路店', '上海市普陀区长寿路588号', 31.2420, 121.4350],
  ['美宜佳上海古北店', '上海市长宁区古北路1500号', 31.2050, 121.4000],
];

export async function seedDemoFulfilment(client: pg.PoolClient, now: Date, userIds: Map<string, number>): Promise<void> {
  const zhao = userIds.get('rep.zhao')!;
  const { rows: [u] } = await client.query('SELECT department_id FROM users WHERE id = $1', [zhao]);
  for (const [i, [name, address, lat, lng]] of NEW_STORES.entries()) {
    const signed = new Date(now.getTime() - 17 * DAY_MS);
    const { rows: [c] } = await client.query(
      `INSERT INTO customers (name, type, address, lat, lng, owner_id, department_id, became_active_at, signed_at, last_followup_at, last_effective_followup_at)
       VALUES ($1, 'store', $2, $3, $4, $5, $6, $7, $7, $8, $8) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [name, address, lat, lng, zhao, u.department_id, signed, new Date(now.getTime() - 2 * DAY_MS)]);
    if (!c) continue;
    const { rows: [o] } = await client.query(
      `INSERT INTO orders (order_no, kind, customer_id, owner_id, amount, status, ordered_at, confirmed_at, due_at)
       VALUES ($1, 'order', $2, $3, $4, 'confirmed', $5, $5, $6) ON CONFLICT (order_no) DO NOTHING RETURNING id`,
      [`SO-NEW-${i + 1}`, c.id, zhao, 18_600 + i * 2_400, new Date(now.getTime() - 15 * DAY_MS), new Date(now.getTime() - 8 * DAY_MS)]);
    if (o) {
      await client.query(`INSERT INTO order_lines (order_id, line_no, sku, name, qty_ordered) VALUES ($1, 1, 'BEV-001', '冰红茶500ml', 240), ($1, 2, 'SNK-014', '薯片原味', 120)`, [o.id]);
    }
  }
  // an order of 华联 that shipped two cases short, and a complaint about it past its SLA
  const { rows: [h] } = await client.query(`SELECT o.id, o.customer_id, c.owner_id FROM orders o JOIN customers c ON c.id = o.customer_id
    WHERE c.name = '华联超市总部' AND o.status IN ('shipped','delivered') ORDER BY o.ordered_at DESC LIMIT 1`);
  if (!h) return;
  await client.query(`UPDATE orders SET confirmed_at = COALESCE(confirmed_at, ordered_at) WHERE id = $1`, [h.id]);
  await client.query(
    `INSERT INTO order_lines (order_id, line_no, sku, name, qty_ordered, qty_shipped) VALUES ($1, 1, 'BEV-001', '冰红茶500ml', 600, 576)
     ON CONFLICT DO NOTHING`, [h.id]);
  if ((await client.query('SELECT 1 FROM complaints WHERE customer_id = $1', [h.customer_id])).rows[0]) return;
  // recorded by its rep as the app records one, so its deadline is the SLA setting's, not a copy of it
  const rep = await loadActiveActor(client, { id: h.owner_id });
  await recordComplaint(client, rep!, {
    customerId: h.customer_id, orderId: h.id, severity: 'high', category: 'wrong_item', title: '冰红茶少发2箱，门店已断货',
    receivedAt: new Date(now.getTime() - 2 * DAY_MS).toISOString(),
  }, now);
}
