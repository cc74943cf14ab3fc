import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';

describe('contacts API', () => {
  let api: TestApi;
  let pool: pg.Pool;
  const customerId = async (name: string): Promise<number> =>
    (await pool.query('SELECT id FROM customers WHERE name = $1', [name])).rows[0].id;
  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    (await pool.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  it('lets a rep add a contact to their customer, read it back, update it, and logs both changes', async () => {
    const cid = await customerId('华联超市总部');
    const created = await api.call('POST', '/api/contacts', {
      as: 'rep.zhao',
      body: { customerId: cid, name: '周采购', department: '采购部', title: '采购总监', buyingRole: 'decider', phone: '13800001111' },
    });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ customerId: cid, customerName: '华联超市总部', name: '周采购', buyingRole: 'decider', buyingRoleLabel: '决策者' });

    const got = await api.call('GET', `/api/contacts/${created.body.id}`, { as: 'rep.zhao' });
    expect(got.body).to.deep.equal(created.body);

    const updated = await api.call('PATCH', `/api/contacts/${created.body.id}`, { as: 'rep.zhao', body: { title: '采购副总裁', notes: null } });
    expect(updated.status).to.equal(200);
    expect(updated.body).to.include({ title: '采购副总裁', department: '采购部', notes: null });

    const list = await api.call('GET', `/api/contacts?customerId=${cid}&sort=name&order=asc`, { as: 'rep.zhao' });
    expect(list.body.items.map((c: any) => c.id)).to.include(created.body.id);
    expect(list.body.total).to.equal(await count('contacts WHERE customer_id = $1', [cid]));

    const events = await pool.query(`SELECT type FROM events WHERE entity_type = 'contact' AND entity_id = $1 ORDER BY id`, [created.body.id]);
    expect(events.rows.map((r) => r.type)).to.deep.equal(['contact.created', 'contact.updated']);
  });

  it('hides another rep\'s customer contacts: 404 on read and update, 422 when creating on their customer', async () => {
    const zhouCustomer = await customerId('物美超市北京总部');
    const { rows: [theirs] } = await pool.query('SELECT id FROM contacts WHERE customer_id = $1 LIMIT 1', [zhouCustomer]);
    const read = await api.call('GET', `/api/contacts/${theirs.id}`, { as: 'rep.zhao' });
    expect(read.status).to.equal(404);
    expect(read.body.error.code).to.equal('CONTACT_NOT_FOUND');
    const update = await api.call('PATCH', `/api/contacts/${theirs.id}`, { as: 'rep.zhao', body: { title: 'x' } });
    expect(update.status).to.equal(404);
    const create = await api.call('POST', '/api/contacts', { as: 'rep.zhao', body: { customerId: zhouCustomer, name: '某人' } });
    expect(create.status).to.equal(422);
    expect(create.body.error.code).to.equal('REFERENCE_INVALID');
    const filtered = await api.call('GET', `/api/contacts?customerId=${zhouCustomer}`, { as: 'rep.zhao' });
    expect(filtered.body).to.deep.include({ items: [], total: 0 });
  });

  it('counts only scoped contacts: a rep their customers\', mgr.li only 华东, the director all', async () => {
    const zhao = await api.call('GET', '/api/contacts?limit=5', { as: 'rep.zhao' });
    expect(zhao.body.total).to.equal(await count(
      `contacts ct JOIN customers c ON c.id = ct.customer_id JOIN users u ON u.id = c.owner_id WHERE u.wecom_userid = 'rep.zhao'`));
    expect(zhao.body.items).to.have.length(5);

    const east = await count(`contacts ct JOIN customers c ON c.id = ct.customer_id JOIN departments d ON d.id = c.department_id WHERE d.name = '华东区'`);
    const li: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.call('GET', `/api/contacts?limit=40${cursor ? `&cursor=${cursor}` : ''}`, { as: 'mgr.li' });
      expect(page.body.total).to.equal(east);
      li.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(li).to.have.length(east);
    expect(new Set(li.map((c) => c.id)).size).to.equal(east);
    const northCustomer = await customerId('北京协和医院');
    expect(li.some((c) => c.customerId === northCustomer)).to.equal(false);

    const all = await api.call('GET', '/api/contacts?limit=1', { as: 'director.wang' });
    expect(all.body.total).to.equal(await count('contacts'));
    expect((await api.call('GET', '/api/contacts', { as: 'compliance.he' })).status).to.equal(403);
  });

  it('creates once per Idempotency-Key and replays the first response', async () => {
    const cid = await customerId('罗森静安寺店');
    const body = { customerId: cid, name: '幂等联系人', buyingRole: 'influencer' };
    const headers = { 'Idempotency-Key': `contact-${randomUUID()}` };
    const first = await api.call('POST', '/api/contacts', { as: 'rep.zhao', body, headers });
    const second = await api.call('POST', '/api/contacts', { as: 'rep.zhao', body, headers });
    expect(first.status).to.equal(201);
    expect(second.status).to.equal(201);
    expect(second.body).to.deep.equal(first.body);
    expect(second.headers.get('idempotent-replayed')).to.equal('true');
    expect(await count(`contacts WHERE name = '幂等联系人'`)).to.equal(1);
  });

  it('keeps one row when five identical retries race', async () => {
    const cid = await customerId('全家徐家汇店');
    const body = { customerId: cid, name: '并发联系人' };
    const headers = { 'Idempotency-Key': `contact-${randomUUID()}` };
    const results = await Promise.all(Array.from({ length: 5 }, () => api.call('POST', '/api/contacts', { as: 'rep.zhao', body, headers })));
    expect(results.map((r) => r.status)).to.deep.equal([201, 201, 201, 201, 201]);
    for (const r of results) expect(r.body).to.deep.equal(results[0].body);
    expect(await count(`contacts WHERE name = '并发联系人'`)).to.equal(1);
  });

  it('rejects an unknown decision role, an empty name and an unknown field with VALIDATION_FAILED', async () => {
    const cid = await customerId('华联超市总部');
    const res = await api.call('POST', '/api/contacts', {
      as: 'rep.zhao', body: { customerId: cid, name: ' ', buyingRole: 'boss', mood: 'happy' },
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    expect(res.body.error.message).to.equal('请求内容不符合要求');
    const paths = res.body.error.details.map((d: any) => d.path);
    expect(paths).to.include.members(['body.name', 'body.buyingRole']);
    expect(res.body.error.details.find((d: any) => d.path === 'body.name').message).to.equal('不能为空');
    const empty = await api.call('PATCH', '/api/contacts/1', { as: 'rep.zhao', body: {} });
    expect(empty.status).to.equal(400);
    expect(empty.body.error.details[0].message).to.equal('至少修改一个字段');
  });

  it('draws the relationship graph: contacts by department with roles and reporting lines, 404 out of scope', async () => {
    const cid = await customerId('上海市第六人民医院');
    const res = await api.call('GET', `/api/customers/${cid}/relationship-graph`, { as: 'rep.zhao' });
    expect(res.status).to.equal(200);
    const contacts = await count(`contacts WHERE customer_id = $1 AND status = 'active'`, [cid]);
    const depts = (await pool.query(`SELECT DISTINCT department FROM contacts WHERE customer_id = $1 AND status = 'active'`, [cid])).rows.length;
    expect(res.body.customer).to.deep.equal({ id: cid, name: '上海市第六人民医院', type: 'hospital' });
    expect(res.body.departments).to.have.length(depts);
    expect(res.body.contacts).to.have.length(contacts);
    const director = res.body.contacts.find((n: any) => n.title === '设备科主任');
    expect(director).to.include({ buyingRole: 'decider', buyingRoleLabel: '决策者', preferences: '偏好国产设备，重视售后响应' });
    const buyer = res.body.contacts.find((n: any) => n.title === '采购专员');
    expect(res.body.reportingLines).to.deep.include({ from: buyer.id, to: director.id });

    const other = await api.call('GET', `/api/customers/${await customerId('北京协和医院')}/relationship-graph`, { as: 'rep.zhao' });
    expect(other.status).to.equal(404);
    expect(other.body.error.code).to.equal('CUSTOMER_NOT_FOUND');
  });
});
