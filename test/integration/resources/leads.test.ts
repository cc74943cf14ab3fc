import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';

describe('leads API', () => {
  let api: TestApi;
  let pool: pg.Pool;
  const ids = new Map<string, number>();
  const dept = new Map<string, number>();
  const uid = (u: string) => ids.get(u)!;
  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    (await pool.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n;
  const newLead = async (as: string, body: Record<string, unknown> = {}) => {
    const res = await api.call('POST', '/api/leads', { as, body: { title: '新品进场意向', company: `测试公司${randomUUID().slice(0, 8)}`, ...body } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  };

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    for (const r of (await pool.query('SELECT id, wecom_userid FROM users')).rows) ids.set(r.wecom_userid, r.id);
    for (const r of (await pool.query('SELECT id, name FROM departments')).rows) dept.set(r.name, r.id);
  });
  after(() => api.close());

  it('assigns a rep\'s own lead to themselves and records the assignment', async () => {
    const lead = await newLead('rep.zhao', { contactName: '刘经理', phone: '021-55556666', source: 'exhibition', customerType: 'ka' });
    expect(lead).to.include({ assigneeId: uid('rep.zhao'), assigneeName: '赵磊', status: 'assigned', departmentId: dept.get('华东区'), source: 'exhibition' });
    const history = await api.call('GET', `/api/leads/${lead.id}/assignments`, { as: 'rep.zhao' });
    expect(history.body.items).to.have.length(1);
    expect(history.body.items[0]).to.include({ fromUserId: null, toUserId: uid('rep.zhao'), method: 'manual', byUserId: uid('rep.zhao') });
    const events = await pool.query(`SELECT type FROM events WHERE entity_type = 'lead' AND entity_id = $1 ORDER BY id`, [lead.id]);
    expect(events.rows.map((r) => r.type)).to.deep.equal(['lead.created', 'lead.assigned']);
  });

  it('round-robins new leads across the 华东 team and wraps after the last rep', async () => {
    await pool.query('DELETE FROM lead_rotation');
    const team = ['rep.zhao', 'rep.qian', 'rep.sun'].sort((a, b) => uid(a) - uid(b));
    const got: number[] = [];
    for (let i = 0; i < 4; i++) {
      const lead = await newLead('mgr.li', { assignment: { method: 'round_robin', departmentId: dept.get('华东区') } });
      got.push(lead.assigneeId);
    }
    expect(got).to.deep.equal([...team, team[0]].map(uid));
    const rotation = await pool.query('SELECT last_user_id FROM lead_rotation WHERE department_id = $1', [dept.get('华东区')]);
    expect(rotation.rows[0].last_user_id).to.equal(uid(team[0]));
  });

  it('never gives the same turn twice when round-robin assignments race', async () => {
    await pool.query('DELETE FROM lead_rotation');
    const leads = await Promise.all(Array.from({ length: 6 }, () => newLead('mgr.chen')));
    expect(leads.every((l) => l.status === 'new' && l.assigneeId === null && l.departmentId === dept.get('华北区'))).to.equal(true);
    const results = await Promise.all(leads.map((l) => api.call('POST', `/api/leads/${l.id}/assign`, {
      as: 'mgr.chen', body: { method: 'round_robin', departmentId: dept.get('华北区') },
    })));
    expect(results.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    const perRep = new Map<number, number>();
    for (const r of results) perRep.set(r.body.assigneeId, (perRep.get(r.body.assigneeId) ?? 0) + 1);
    expect([...perRep.keys()].sort()).to.deep.equal(['rep.zhou', 'rep.wu', 'rep.zheng'].map(uid).sort());
    expect([...perRep.values()]).to.deep.equal([2, 2, 2]);
  });

  it('does not spend a second rotation turn when an assignment is retried with the same Idempotency-Key', async () => {
    const lead = await newLead('mgr.li');
    const headers = { 'Idempotency-Key': `assign-${randomUUID()}` };
    const body = { method: 'round_robin', departmentId: dept.get('华东区') };
    const first = await api.call('POST', `/api/leads/${lead.id}/assign`, { as: 'mgr.li', body, headers });
    const retry = await api.call('POST', `/api/leads/${lead.id}/assign`, { as: 'mgr.li', body, headers });
    expect([first.status, retry.status]).to.deep.equal([200, 200]);
    expect(retry.body).to.deep.equal(first.body);
    expect(await count('lead_assignments WHERE lead_id = $1', [lead.id])).to.equal(1);
  });

  it('routes by territory: the lead\'s own department, or the region the director names', async () => {
    const northLead = await newLead('mgr.chen');
    const res = await api.call('POST', `/api/leads/${northLead.id}/assign`, { as: 'mgr.chen', body: { method: 'territory' } });
    expect(res.status).to.equal(200);
    expect(['rep.zhou', 'rep.wu', 'rep.zheng'].map(uid)).to.include(res.body.assigneeId);

    const poolLead = await newLead('director.wang');
    expect(poolLead).to.include({ status: 'new', assigneeId: null, departmentId: dept.get('销售中心') });
    const byRegion = await api.call('POST', `/api/leads/${poolLead.id}/assign`, {
      as: 'director.wang', body: { method: 'territory', region: dept.get('华东区'), reason: '上海客户' },
    });
    expect(byRegion.status).to.equal(200);
    expect(byRegion.body.departmentId).to.equal(dept.get('华东区'));
    expect(['rep.zhao', 'rep.qian', 'rep.sun'].map(uid)).to.include(byRegion.body.assigneeId);
    const noTeam = await api.call('POST', `/api/leads/${(await newLead('director.wang')).id}/assign`, { as: 'director.wang', body: { method: 'territory' } });
    expect(noTeam.status).to.equal(422);
    expect(noTeam.body.error.code).to.equal('NO_ASSIGNEE_AVAILABLE');
  });

  it('records a reassignment with from, to, method, reason and who did it', async () => {
    const lead = await newLead('mgr.li', { assignment: { method: 'manual', assigneeId: uid('rep.qian') } });
    const res = await api.call('POST', `/api/leads/${lead.id}/assign`, {
      as: 'mgr.li', body: { method: 'manual', assigneeId: uid('rep.sun'), reason: '钱芳休假' },
    });
    expect(res.body).to.include({ assigneeId: uid('rep.sun'), assigneeName: '孙浩', status: 'assigned' });
    const history = await api.call('GET', `/api/leads/${lead.id}/assignments`, { as: 'mgr.li' });
    expect(history.body.items.map((a: any) => [a.fromUserId, a.toUserId, a.method, a.reason, a.byUserName])).to.deep.equal([
      [null, uid('rep.qian'), 'manual', null, '李明'],
      [uid('rep.qian'), uid('rep.sun'), 'manual', '钱芳休假', '李明'],
    ]);
    const ev = await pool.query(`SELECT data FROM events WHERE entity_type = 'lead' AND entity_id = $1 AND type = 'lead.assigned' ORDER BY id DESC LIMIT 1`, [lead.id]);
    expect(ev.rows[0].data).to.include({ from: uid('rep.qian'), to: uid('rep.sun'), method: 'manual', reason: '钱芳休假' });
    // the previous assignee no longer sees it; the new one does
    expect((await api.call('GET', `/api/leads/${lead.id}`, { as: 'rep.qian' })).status).to.equal(404);
    expect((await api.call('GET', `/api/leads/${lead.id}`, { as: 'rep.sun' })).status).to.equal(200);
  });

  it('lets only managers within their subtree and the director assign; reps get 403', async () => {
    const lead = await newLead('mgr.li');
    const rep = await api.call('POST', `/api/leads/${lead.id}/assign`, { as: 'rep.zhao', body: { method: 'manual', assigneeId: uid('rep.zhao') } });
    expect(rep.status).to.equal(403);
    expect(rep.body.error.code).to.equal('FORBIDDEN');
    const repCreate = await api.call('POST', '/api/leads', {
      as: 'rep.zhao', body: { title: 't', company: 'c', assignment: { method: 'manual', assigneeId: uid('rep.qian') } },
    });
    expect(repCreate.status).to.equal(403);
    const outsider = await api.call('POST', `/api/leads/${lead.id}/assign`, { as: 'mgr.li', body: { method: 'manual', assigneeId: uid('rep.zhou') } });
    expect(outsider.status).to.equal(422);
    expect(outsider.body.error.code).to.equal('ASSIGNEE_INVALID');
    const otherTeam = await api.call('POST', `/api/leads/${lead.id}/assign`, { as: 'mgr.li', body: { method: 'round_robin', departmentId: dept.get('华北区') } });
    expect(otherTeam.status).to.equal(422);
    expect(otherTeam.body.error.code).to.equal('DEPARTMENT_NOT_FOUND');
    const notVisible = await api.call('POST', `/api/leads/${lead.id}/assign`, { as: 'mgr.chen', body: { method: 'manual', assigneeId: uid('rep.zhou') } });
    expect(notVisible.status).to.equal(404);
    expect(notVisible.body.error.code).to.equal('LEAD_NOT_FOUND');
    expect(await count('lead_assignments WHERE lead_id = $1', [lead.id])).to.equal(0);
  });

  it('hides rep.zhou\'s leads from rep.zhao (404) and counts only scoped leads in totals', async () => {
    const zhous = await newLead('rep.zhou', { company: '北京某连锁' });
    expect((await api.call('GET', `/api/leads/${zhous.id}`, { as: 'rep.zhao' })).status).to.equal(404);
    const upd = await api.call('PATCH', `/api/leads/${zhous.id}`, { as: 'rep.zhao', body: { title: '改' } });
    expect(upd.status).to.equal(404);
    expect(upd.body.error.code).to.equal('LEAD_NOT_FOUND');

    const zhao = await api.call('GET', '/api/leads?limit=1', { as: 'rep.zhao' });
    expect(zhao.body.total).to.equal(await count('leads WHERE assignee_id = $1', [uid('rep.zhao')]));
    const li = await api.call('GET', '/api/leads?limit=200', { as: 'mgr.li' });
    expect(li.body.total).to.equal(await count('leads WHERE department_id = $1', [dept.get('华东区')]));
    expect(li.body.items.every((l: any) => l.departmentId === dept.get('华东区'))).to.equal(true);
    const director = await api.call('GET', '/api/leads?limit=1', { as: 'director.wang' });
    expect(director.body.total).to.equal(await count('leads'));
    const filtered = await api.call('GET', `/api/leads?status=assigned&assigneeId=${uid('rep.sun')}&q=${encodeURIComponent('测试公司')}`, { as: 'mgr.li' });
    expect(filtered.body.items.every((l: any) => l.assigneeId === uid('rep.sun') && l.status === 'assigned')).to.equal(true);
  });

  it('converts a lead to a customer in scope and disqualifies one only with a reason', async () => {
    const lead = await newLead('rep.zhao');
    const noCustomer = await api.call('PATCH', `/api/leads/${lead.id}`, { as: 'rep.zhao', body: { status: 'converted' } });
    expect(noCustomer.status).to.equal(400);
    expect(noCustomer.body.error.details[0]).to.deep.equal({ path: 'body.customerId', message: '转化线索时必须指定客户（customerId）' });
    const zhouCustomer = (await pool.query(`SELECT id FROM customers WHERE name = '物美超市北京总部'`)).rows[0].id;
    const foreign = await api.call('PATCH', `/api/leads/${lead.id}`, { as: 'rep.zhao', body: { status: 'converted', customerId: zhouCustomer } });
    expect(foreign.status).to.equal(422);
    const own = (await pool.query(`SELECT id FROM customers WHERE name = '华联超市总部'`)).rows[0].id;
    const converted = await api.call('PATCH', `/api/leads/${lead.id}`, { as: 'rep.zhao', body: { status: 'converted', customerId: own } });
    expect(converted.body).to.include({ status: 'converted', customerId: own });
    expect(converted.body.convertedAt).to.be.a('string');

    const other = await newLead('rep.zhao');
    const noReason = await api.call('PATCH', `/api/leads/${other.id}`, { as: 'rep.zhao', body: { status: 'disqualified' } });
    expect(noReason.status).to.equal(400);
    const dq = await api.call('PATCH', `/api/leads/${other.id}`, { as: 'rep.zhao', body: { status: 'disqualified', reason: '无采购预算' } });
    expect(dq.body).to.include({ status: 'disqualified', statusReason: '无采购预算' });
    const ev = await pool.query(`SELECT data FROM events WHERE entity_id = $1 AND type = 'lead.status_changed'`, [other.id]);
    expect(ev.rows[0].data).to.include({ from: 'assigned', to: 'disqualified', reason: '无采购预算' });
  });

  it('creates once per Idempotency-Key, also when five retries race', async () => {
    const body = { title: '幂等线索', company: '幂等公司' };
    const headers = { 'Idempotency-Key': `lead-${randomUUID()}` };
    const first = await api.call('POST', '/api/leads', { as: 'rep.qian', body, headers });
    const second = await api.call('POST', '/api/leads', { as: 'rep.qian', body, headers });
    expect(second.status).to.equal(201);
    expect(second.body).to.deep.equal(first.body);
    const raceHeaders = { 'Idempotency-Key': `lead-${randomUUID()}` };
    const raced = await Promise.all(Array.from({ length: 5 }, () =>
      api.call('POST', '/api/leads', { as: 'mgr.li', body: { title: '并发线索', company: '并发公司', assignment: { method: 'round_robin', departmentId: dept.get('华东区') } }, headers: raceHeaders })));
    expect(raced.map((r) => r.status)).to.deep.equal([201, 201, 201, 201, 201]);
    for (const r of raced) expect(r.body).to.deep.equal(raced[0].body);
    expect(await count(`leads WHERE company IN ('幂等公司', '并发公司')`)).to.equal(2);
    expect(await count('lead_assignments WHERE lead_id = $1', [raced[0].body.id])).to.equal(1);
  });

  it('rejects malformed leads and assignment bodies with VALIDATION_FAILED', async () => {
    const res = await api.call('POST', '/api/leads', { as: 'rep.zhao', body: { title: '', company: 'x', phone: 'abc', status: 'new' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: any) => d.path)).to.include.members(['body.title', 'body.phone']);
    const lead = await newLead('mgr.li');
    const bad = await api.call('POST', `/api/leads/${lead.id}/assign`, { as: 'mgr.li', body: { method: 'lottery' } });
    expect(bad.status).to.equal(400);
    const missing = await api.call('POST', `/api/leads/${lead.id}/assign`, { as: 'mgr.li', body: { method: 'manual' } });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.details[0].path).to.equal('body.assigneeId');
    const query = await api.call('GET', '/api/leads?status=won', { as: 'mgr.li' });
    expect(query.status).to.equal(400);
    expect(query.body.error.details[0].path).to.equal('query.status');
  });
});
