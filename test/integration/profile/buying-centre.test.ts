import { expect } from 'chai';
import type pg from 'pg';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';

describe('buying centre: roles, attitude, 内线 and contact events', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let cid: number;
  const today = shanghaiDate(new Date());
  const daysAgo = (n: number) => addCalendarDays(today, -n);
  const contactOf = async (title: string) =>
    (await pool.query('SELECT * FROM contacts WHERE customer_id = $1 AND title = $2', [cid, title])).rows[0];
  const historyOf = async (as = 'rep.sun') =>
    (await api.call('GET', `/api/customers/${cid}/contact-events`, { as })).body.items as any[];

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    cid = (await pool.query(`SELECT id FROM customers WHERE name = '南京鼓楼医院'`)).rows[0].id;
  });
  after(() => api.close());

  it('adds a contact with role, attitude, 内线 mark, preferences and a reporting line, kept as an 新增 event', async () => {
    const boss = await contactOf('设备科主任');
    const res = await api.call('POST', '/api/contacts', {
      as: 'rep.sun',
      body: { customerId: cid, name: '陈晓', department: '信息科', title: '信息科科长', buyingRole: 'influencer', attitude: 'support', isCoach: true, preferences: '关注数据接口和信创', reportsToId: boss.id },
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({
      buyingRole: 'influencer', buyingRoleLabel: '影响者', attitude: 'support', attitudeLabel: '支持', isCoach: true,
      preferences: '关注数据接口和信创', reportsToId: boss.id, reportsToName: boss.name, status: 'active',
    });
    const [added] = await historyOf();
    expect(added).to.include({ kind: 'added', kindLabel: '新增联系人', contactName: '陈晓', occurredOn: today, source: 'app' });
    expect(added.summary).to.equal('新增联系人 陈晓（信息科·信息科科长，影响者·支持·内线）');
  });

  it('keeps a role or attitude change as history, and leaves corrections (a phone number) without an event', async () => {
    const nurse = await contactOf('护士长');
    const before = (await historyOf()).length;
    await api.call('PATCH', `/api/contacts/${nurse.id}`, { as: 'rep.sun', body: { phone: '13900000000' } });
    expect(await historyOf()).to.have.length(before);
    const res = await api.call('PATCH', `/api/contacts/${nurse.id}`, { as: 'rep.sun', body: { attitude: 'oppose', isCoach: false } });
    expect(res.status).to.equal(200);
    const [changed] = await historyOf();
    expect(changed).to.include({ kind: 'role_changed', contactName: nurse.name });
    expect(changed.summary).to.equal(`${nurse.name} 角色/态度：使用者·支持·内线 → 使用者·反对`);
  });

  it('records 调岗 with its date: the contact moves, the old place stays in the history', async () => {
    const buyer = await contactOf('采购专员');
    const res = await api.call('POST', '/api/contact-events', {
      as: 'rep.sun', body: { kind: 'transferred', contactId: buyer.id, occurredOn: daysAgo(16), department: '院办', title: '院长助理', buyingRole: 'gatekeeper', note: '原采购专员调岗' },
    });
    expect(res.status).to.equal(201);
    expect(res.body.contact).to.include({ department: '院办', title: '院长助理', buyingRole: 'gatekeeper' });
    expect(res.body.event).to.include({ kind: 'transferred', kindLabel: '调岗', occurredOn: daysAgo(16), note: '原采购专员调岗' });
    expect(res.body.event.summary).to.equal(`${buyer.name} 调岗：采购中心·采购专员 → 院办·院长助理`);
  });

  it('records 新任 replacing someone: the newcomer inherits the role unless another is given, with preferences', async () => {
    const moved = (await pool.query(`SELECT * FROM contacts WHERE customer_id = $1 AND title = '院长助理'`, [cid])).rows[0];
    const res = await api.call('POST', '/api/contact-events', {
      as: 'rep.sun',
      body: { kind: 'joined', customerId: cid, occurredOn: daysAgo(15), replacesContactId: moved.id,
        contact: { name: '王磊', department: '采购中心', title: '采购专员', preferences: '偏好国产设备' } },
    });
    expect(res.status).to.equal(201);
    // the replaced contact had become a gatekeeper by then: the role passes on as it stands
    expect(res.body.contact).to.include({ name: '王磊', buyingRole: 'gatekeeper', preferences: '偏好国产设备' });
    expect(res.body.event.summary).to.equal(`王磊 新任采购中心·采购专员，接替${moved.name}`);
  });

  it('records 离职 and 汇报关系变化; a departed contact takes no further changes', async () => {
    const pharmacist = await contactOf('药剂科副主任');
    const boss = await contactOf('设备科主任');
    const line = await api.call('POST', '/api/contact-events', {
      as: 'rep.sun', body: { kind: 'reporting_changed', contactId: pharmacist.id, occurredOn: daysAgo(14), reportsToId: boss.id },
    });
    expect(line.status).to.equal(201);
    expect(line.body.event.summary).to.equal(`${pharmacist.name} 汇报关系：无 → ${boss.name}`);
    const left = await api.call('POST', '/api/contact-events', {
      as: 'rep.sun', body: { kind: 'left', contactId: pharmacist.id, occurredOn: daysAgo(11) },
    });
    expect(left.body.contact).to.include({ status: 'left', leftOn: daysAgo(11) });
    const again = await api.call('POST', '/api/contact-events', {
      as: 'rep.sun', body: { kind: 'transferred', contactId: pharmacist.id, occurredOn: daysAgo(10), title: '主任' },
    });
    expect(again.status).to.equal(422);
    expect(again.body.error).to.include({ code: 'CONTACT_LEFT' });
    expect(again.body.error.message).to.include('已离职');
    // newest first by when it happened, after everything dated today; the demo's contacts as first known come last
    const history = await historyOf();
    const dated = history.filter((e) => e.occurredOn < today && e.kind !== 'first_known').map((e) => `${e.occurredOn} ${e.kindLabel}`);
    expect(dated).to.deep.equal([`${daysAgo(11)} 离职`, `${daysAgo(14)} 汇报关系变化`, `${daysAgo(15)} 新任`, `${daysAgo(16)} 调岗`]);
    const firstKnown = history.filter((e) => e.kind === 'first_known');
    expect(firstKnown.length).to.be.greaterThan(0);
    expect(history.slice(-firstKnown.length)).to.deep.equal(firstKnown);
  });

  it('refuses a future date, a reporting loop, a boss from another customer and an unknown kind, changing nothing', async () => {
    const boss = await contactOf('设备科主任');
    const sub = (await pool.query('SELECT id FROM contacts WHERE reports_to_id = $1 LIMIT 1', [boss.id])).rows[0];
    const other = (await pool.query(`SELECT k.id FROM contacts k JOIN customers c ON c.id = k.customer_id WHERE c.name = '华联超市总部' LIMIT 1`)).rows[0];
    const count = async () => (await pool.query('SELECT count(*)::int AS n FROM contact_events')).rows[0].n;
    const n = await count();
    const post = (body: unknown) => api.call('POST', '/api/contact-events', { as: 'rep.sun', body });
    const future = await post({ kind: 'left', contactId: boss.id, occurredOn: '2199-01-01' });
    expect(future.status).to.equal(400);
    expect(future.body.error.details[0].message).to.equal('发生日期不能晚于今天');
    const loop = await post({ kind: 'reporting_changed', contactId: boss.id, occurredOn: today, reportsToId: sub.id });
    expect(loop.status).to.equal(422);
    expect(loop.body.error.message).to.include('不能形成循环');
    const foreign = await api.call('PATCH', `/api/contacts/${boss.id}`, { as: 'rep.sun', body: { reportsToId: other.id } });
    expect(foreign.status).to.equal(422);
    expect(foreign.body.error.message).to.equal('汇报对象必须是同一客户的联系人');
    const unknown = await post({ kind: 'promoted', contactId: boss.id, occurredOn: today });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.details[0].message).to.include('调岗、离职、新任、汇报关系变化');
    expect(await count()).to.equal(n);
    expect((await contactOf('设备科主任')).status).to.equal('active');
  });

  it('counts recorded chain changes as the decision-chain update of the next hospital follow-up, once', async () => {
    const followUp = () => api.call('POST', '/api/followups', {
      as: 'rep.sun',
      body: { customerId: cid, channel: 'phone', summary: '与设备科主任沟通了新任采购专员的情况和下一步计划安排',
        actionItems: [{ text: '周五前发送国产设备对比方案', dueDate: today }] },
    });
    const first = await followUp();
    expect(first.status).to.equal(201);
    expect(first.body.effective).to.equal(true);
    expect(first.body.reasons).to.include('已更新客户决策链。');
    const claimed = await pool.query('SELECT count(*)::int AS n FROM contact_events WHERE followup_id = $1', [first.body.id]);
    expect(claimed.rows[0].n).to.be.greaterThan(3);
    const second = await followUp();
    expect(second.body.effective).to.equal(false);
    expect(second.body.unmet).to.include('DECISION_CHAIN_NOT_UPDATED');
  });

  it('hides the history and refuses changes on another rep\'s customer', async () => {
    const out = await api.call('GET', `/api/customers/${cid}/contact-events`, { as: 'rep.zhao' });
    expect(out.status).to.equal(422);
    const theirs = await api.call('POST', '/api/contact-events', { as: 'rep.zhao', body: { kind: 'left', contactId: (await contactOf('设备科主任')).id, occurredOn: today } });
    expect(theirs.status).to.equal(404);
  });
});
