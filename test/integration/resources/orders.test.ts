import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';

describe('orders API', () => {
  let api: TestApi;
  let pool: pg.Pool;
  const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];
  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    (await one(`SELECT count(*)::int AS n FROM ${sql}`, params)).n;
  const customerId = async (name: string): Promise<number> => (await one('SELECT id FROM customers WHERE name = $1', [name])).id;
  const orderNo = () => `T${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  it('records a contract for a rep\'s customer, reads it back, and logs the event', async () => {
    const cid = await customerId('永辉超市上海区域公司');
    const no = orderNo();
    const res = await api.call('POST', '/api/orders', {
      as: 'rep.zhao',
      body: { orderNo: no, kind: 'contract', customerId: cid, amount: 256000.5, orderedAt: '2026-03-15T10:00:00+08:00', dueAt: '2026-04-15T10:00:00+08:00' },
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ orderNo: no, kind: 'contract', customerId: cid, customerName: '永辉超市上海区域公司', amount: 256000.5, status: 'confirmed', orderedAt: '2026-03-15T02:00:00.000Z' });
    expect((await api.call('GET', `/api/orders/${res.body.id}`, { as: 'rep.zhao' })).body).to.deep.equal(res.body);
    const ev = await one(`SELECT data FROM events WHERE entity_type = 'order' AND entity_id = $1 AND type = 'order.created'`, [res.body.id]);
    expect(ev.data).to.include({ orderNo: no, kind: 'contract', amount: 256000.5 });
  });

  it('refuses a second order with the same order number with 409 DUPLICATE', async () => {
    const cid = await customerId('华联超市总部');
    const no = orderNo();
    expect((await api.call('POST', '/api/orders', { as: 'rep.zhao', body: { orderNo: no, customerId: cid, amount: 1 } })).status).to.equal(201);
    const dup = await api.call('POST', '/api/orders', { as: 'rep.zhao', body: { orderNo: no, customerId: cid, amount: 2 } });
    expect(dup.status).to.equal(409);
    expect(dup.body.error.code).to.equal('DUPLICATE');
    expect(dup.body.error.message).to.include(no);
    const seeded = (await one('SELECT order_no FROM orders ORDER BY id LIMIT 1')).order_no;
    expect((await api.call('POST', '/api/orders', { as: 'rep.zhou', body: { orderNo: seeded, customerId: await customerId('物美超市北京总部'), amount: 2 } })).status).to.equal(409);
  });

  it('updates status and due date, links an opportunity of the same customer, and unlinks it', async () => {
    const cid = await customerId('华联超市总部');
    const created = await api.call('POST', '/api/orders', { as: 'rep.zhao', body: { orderNo: orderNo(), customerId: cid, amount: 500, status: 'draft' } });
    const opp = await one('SELECT id FROM opportunities WHERE customer_id = $1 LIMIT 1', [cid]);
    const linked = await api.call('PATCH', `/api/orders/${created.body.id}`, {
      as: 'rep.zhao', body: { status: 'shipped', dueAt: '2026-05-01T00:00:00+08:00', opportunityId: opp.id },
    });
    expect(linked.status).to.equal(200);
    expect(linked.body).to.include({ status: 'shipped', dueAt: '2026-04-30T16:00:00.000Z', opportunityId: opp.id });
    const otherCustomersOpp = await one(`SELECT id FROM opportunities WHERE name = '六院骨科耗材入院'`);
    const wrong = await api.call('PATCH', `/api/orders/${created.body.id}`, { as: 'rep.zhao', body: { opportunityId: otherCustomersOpp.id } });
    expect(wrong.status).to.equal(422);
    expect(wrong.body.error.code).to.equal('REFERENCE_INVALID');
    const unlinked = await api.call('PATCH', `/api/orders/${created.body.id}`, { as: 'rep.zhao', body: { opportunityId: null, dueAt: null } });
    expect(unlinked.body).to.include({ opportunityId: null, dueAt: null, status: 'shipped' });
    const ev = await pool.query(`SELECT data FROM events WHERE entity_id = $1 AND type = 'order.updated' ORDER BY id`, [created.body.id]);
    expect(ev.rows[0].data).to.include({ fromStatus: 'draft', toStatus: 'shipped', toOpportunity: opp.id });
    expect(ev.rows).to.have.length(2);
  });

  it('hides orders of rep.zhou\'s customers from rep.zhao (404) and scopes lists and totals through the customer', async () => {
    const zhouCustomer = await customerId('物美超市北京总部');
    const theirs = await one('SELECT id FROM orders WHERE customer_id = $1 LIMIT 1', [zhouCustomer]);
    const read = await api.call('GET', `/api/orders/${theirs.id}`, { as: 'rep.zhao' });
    expect(read.status).to.equal(404);
    expect(read.body.error.code).to.equal('ORDER_NOT_FOUND');
    expect((await api.call('PATCH', `/api/orders/${theirs.id}`, { as: 'rep.zhao', body: { status: 'cancelled' } })).status).to.equal(404);
    const create = await api.call('POST', '/api/orders', { as: 'rep.zhao', body: { orderNo: orderNo(), customerId: zhouCustomer, amount: 1 } });
    expect(create.status).to.equal(422);
    expect(create.body.error.code).to.equal('REFERENCE_INVALID');

    const zhao = await api.call('GET', '/api/orders?limit=1', { as: 'rep.zhao' });
    expect(zhao.body.total).to.equal(await count(`orders o JOIN customers c ON c.id = o.customer_id JOIN users u ON u.id = c.owner_id WHERE u.wecom_userid = 'rep.zhao'`));
    const east = await count(`orders o JOIN customers c ON c.id = o.customer_id JOIN departments d ON d.id = c.department_id WHERE d.name = '华东区'`);
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.call('GET', `/api/orders?limit=25&sort=amount&order=asc${cursor ? `&cursor=${cursor}` : ''}`, { as: 'mgr.li' });
      expect(page.body.total).to.equal(east);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).to.have.length(east);
    const amounts = seen.map((o) => o.amount);
    expect(amounts).to.deep.equal([...amounts].sort((a, b) => a - b));
    expect((await api.call('GET', '/api/orders', { as: 'compliance.he' })).status).to.equal(403);
  });

  it('filters by customer, kind, status and Shanghai calendar days', async () => {
    const cid = await customerId('罗森静安寺店');
    const mk = (orderedAt: string, kind = 'order') =>
      api.call('POST', '/api/orders', { as: 'rep.zhao', body: { orderNo: orderNo(), customerId: cid, amount: 10, kind, orderedAt } });
    await mk('2025-06-01T00:30:00+08:00'); // 2025-05-31 in UTC, 6月1日 in Shanghai
    await mk('2025-06-30T23:59:00+08:00', 'contract');
    await mk('2025-07-01T00:00:00+08:00');
    const june = await api.call('GET', `/api/orders?customerId=${cid}&from=2025-06-01&to=2025-06-30`, { as: 'rep.zhao' });
    expect(june.body.total).to.equal(2);
    const contracts = await api.call('GET', `/api/orders?customerId=${cid}&kind=contract&status=confirmed`, { as: 'rep.zhao' });
    expect(contracts.body.items.map((o: any) => o.kind)).to.deep.equal(['contract']);
    const backwards = await api.call('GET', '/api/orders?from=2025-07-01&to=2025-06-01', { as: 'rep.zhao' });
    expect(backwards.status).to.equal(400);
  });

  it('suggests the customer\'s latest orders, newest first, for the visit report to link', async () => {
    const cid = await customerId('上海嘉禾食品经销有限公司');
    const expected = (await pool.query('SELECT id FROM orders WHERE customer_id = $1 ORDER BY ordered_at DESC, id DESC LIMIT 3', [cid])).rows.map((r) => r.id);
    const res = await api.call('GET', `/api/customers/${cid}/recent-orders?limit=3`, { as: 'rep.zhao' });
    expect(res.status).to.equal(200);
    expect(res.body.items.map((o: any) => o.id)).to.deep.equal(expected);
    const fewer = await api.call('GET', `/api/customers/${cid}/recent-orders?limit=1`, { as: 'mgr.li' });
    expect(fewer.body.items.map((o: any) => o.id)).to.deep.equal(expected.slice(0, 1));
    const other = await api.call('GET', `/api/customers/${await customerId('物美超市北京总部')}/recent-orders`, { as: 'rep.zhao' });
    expect(other.status).to.equal(404);
    expect((await api.call('GET', `/api/customers/${cid}/recent-orders?limit=0`, { as: 'rep.zhao' })).status).to.equal(400);
    // a customer of theirs with no order yet: nothing to suggest, not a missing customer
    const fresh = await one(
      `INSERT INTO customers (name, type, owner_id, department_id) SELECT '新开发的客户', 'store', id, department_id FROM users WHERE wecom_userid = 'rep.zhao' RETURNING id`);
    const none = await api.call('GET', `/api/customers/${fresh.id}/recent-orders?limit=3`, { as: 'rep.zhao' });
    expect(none.status).to.equal(200);
    expect(none.body.items).to.deep.equal([]);
  });

  it('creates once per Idempotency-Key, also when five retries race', async () => {
    const body = { orderNo: orderNo(), customerId: await customerId('全家徐家汇店'), amount: 99.99 };
    const headers = { 'Idempotency-Key': `order-${randomUUID()}` };
    const first = await api.call('POST', '/api/orders', { as: 'rep.zhao', body, headers });
    const second = await api.call('POST', '/api/orders', { as: 'rep.zhao', body, headers });
    expect([first.status, second.status]).to.deep.equal([201, 201]);
    expect(second.body).to.deep.equal(first.body);
    expect(second.headers.get('idempotent-replayed')).to.equal('true');
    const raceBody = { ...body, orderNo: orderNo() };
    const raceHeaders = { 'Idempotency-Key': `order-${randomUUID()}` };
    const raced = await Promise.all(Array.from({ length: 5 }, () => api.call('POST', '/api/orders', { as: 'rep.zhao', body: raceBody, headers: raceHeaders })));
    expect(raced.map((r) => r.status)).to.deep.equal([201, 201, 201, 201, 201]);
    for (const r of raced) expect(r.body).to.deep.equal(raced[0].body);
    expect(await count('orders WHERE order_no IN ($1, $2)', [body.orderNo, raceBody.orderNo])).to.equal(2);
  });

  it('rejects a negative amount, more than two decimals and a malformed order number with VALIDATION_FAILED', async () => {
    const cid = await customerId('华联超市总部');
    const res = await api.call('POST', '/api/orders', { as: 'rep.zhao', body: { orderNo: 'a b', customerId: cid, amount: -1, kind: 'invoice' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    const byPath = Object.fromEntries(res.body.error.details.map((d: any) => [d.path, d.message]));
    expect(byPath['body.amount']).to.equal('金额不能为负');
    expect(byPath['body.orderNo']).to.match(/订单号/);
    expect(byPath).to.have.property('body.kind');
    const decimals = await api.call('POST', '/api/orders', { as: 'rep.zhao', body: { orderNo: orderNo(), customerId: cid, amount: 10.005 } });
    expect(decimals.body.error.details).to.deep.equal([{ path: 'body.amount', message: '金额最多两位小数' }]);
    const amountEdit = await api.call('PATCH', '/api/orders/1', { as: 'rep.zhao', body: { amount: 5 } });
    expect(amountEdit.status).to.equal(400);
  });
});
