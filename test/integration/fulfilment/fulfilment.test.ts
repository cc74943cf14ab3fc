import { expect } from 'chai';
import type pg from 'pg';
import {
  runComplaintEscalation, runFirstOrderLate, runFulfilmentChecks, runOrderErrors, runReorderOverdue,
} from '../../../core/alerts/fulfilment-checks.js';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { DAY, deps } from '../jobs/jobs-helpers.js';
import { settingsClient } from '../settings/support/settings-client.js';

describe('order fulfilment alerts: 首单延迟发货, 返单超期, 订单错漏, 客户投诉升级', () => {
  let api: TestApi;
  let pool: pg.Pool;
  const now = () => new Date();
  const d = () => deps(pool, now);
  const alerts = async (rule: string) => (await pool.query(
    `SELECT a.id, a.title, a.severity, a.status, a.subject_id, array_agg(r.role_reason ORDER BY r.role_reason) AS roles
       FROM alerts a LEFT JOIN alert_recipients r ON r.alert_id = a.id WHERE a.rule_code = $1 GROUP BY a.id ORDER BY a.id`, [rule])).rows;
  const erp = (body: unknown, as = 'director.wang') => api.call('POST', '/api/orders/erp-updates', { as, body });

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  it('alerts each new store whose first order is unshipped 17 days after signing, once, to the rep and their manager', async () => {
    const first = await runFirstOrderLate(d());
    expect(first.summary).to.match(/^首单延迟发货：发现2项，新增预警2条，发送4条卡片/);
    const rows = await alerts('first_order_late');
    expect(rows.map((r) => r.title)).to.deep.equal(['新客户「便利蜂上海长寿路店」首单 SO-NEW-1 签约17天仍未发货', '新客户「美宜佳上海古北店」首单 SO-NEW-2 签约17天仍未发货']);
    expect(rows[0]).to.include({ severity: 'critical' });
    expect(rows[0].roles).to.deep.equal(['manager', 'owner']);
    expect((await runFirstOrderLate(d())).summary).to.match(/新增预警0条，发送0条卡片/);
  });

  it('takes ERP updates once per update id, moves the status forward only, and resolves the alert once the order ships', async () => {
    const update = {
      updateId: 'ERP-7001', orderNo: 'SO-NEW-1', status: 'shipped', at: new Date(Date.now() - 3_600_000).toISOString(),
      lines: [{ lineNo: 1, sku: 'BEV-001', qtyOrdered: 240, qtyShipped: 240 }, { lineNo: 2, sku: 'SNK-014', qtyOrdered: 120, qtyShipped: 120 }],
    };
    expect((await erp({ updates: [update] })).body).to.deep.equal({ applied: 1, alreadyApplied: 0, orders: 1 });
    expect((await erp({ updates: [update] })).body).to.deep.equal({ applied: 0, alreadyApplied: 1, orders: 1 });
    // a late 'confirmed' from an older export does not unship it
    await erp({ updates: [{ updateId: 'ERP-6999', orderNo: 'SO-NEW-1', status: 'confirmed', at: new Date(Date.now() - 2 * DAY).toISOString() }] });
    const { rows: [o] } = await pool.query(`SELECT status, shipped_at FROM orders WHERE order_no = 'SO-NEW-1'`);
    expect(o.status).to.equal('shipped');
    expect(o.shipped_at).to.not.equal(null);
    const r = await runFirstOrderLate(d());
    expect(r.summary).to.contain('1条已自动解除');
    expect((await alerts('first_order_late')).map((a) => a.status)).to.deep.equal(['resolved', 'open']);
  });

  it('refuses a batch naming an unknown order (nothing applied) and anyone but the director', async () => {
    const before = (await pool.query('SELECT count(*)::int AS n FROM order_updates')).rows[0].n;
    const bad = await erp({ updates: [
      { updateId: 'ERP-8001', orderNo: 'SO-NEW-2', status: 'shipped', at: new Date().toISOString() },
      { updateId: 'ERP-8002', orderNo: 'NO-SUCH', status: 'shipped', at: new Date().toISOString() },
    ] });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details).to.deep.equal([{ path: 'orderNo NO-SUCH', message: '订单 NO-SUCH 不存在' }]);
    expect((await pool.query('SELECT count(*)::int AS n FROM order_updates')).rows[0].n).to.equal(before);
    expect((await erp({ updates: [{ updateId: 'ERP-8003', orderNo: 'SO-NEW-2', at: new Date().toISOString() }] }, 'rep.zhao')).status).to.equal(403);
  });

  it('flags an order changed after confirmation, returned, or shipped short — from a CSV export — once per order', async () => {
    const at = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    const csv = [
      '更新编号,订单号,状态,时间,行号,商品编码,商品名称,订购数量,发货数量,退货数量',
      `C-1,SO-NEW-2,已确认,${at(30)},1,BEV-001,冰红茶500ml,240,0,0`,
      `C-1,SO-NEW-2,已确认,${at(30)},2,SNK-014,薯片原味,120,0,0`,
      `C-2,SO-NEW-2,,${at(20)},1,BEV-001,冰红茶500ml,200,0,0`,
      `C-2,SO-NEW-2,,${at(20)},2,SNK-014,薯片原味,120,0,0`,
      `C-3,SO-NEW-2,已发货,${at(10)},1,BEV-001,冰红茶500ml,200,200,0`,
      `C-3,SO-NEW-2,已发货,${at(10)},2,SNK-014,薯片原味,120,100,0`,
    ].join('\n');
    const res = await api.call('POST', '/api/orders/erp-updates/import', { as: 'director.wang', body: { csv } });
    expect(res.body).to.deep.equal({ applied: 3, alreadyApplied: 0, orders: 1 });
    expect((await api.call('POST', '/api/orders/erp-updates/import', { as: 'director.wang', body: { csv } })).body.applied).to.equal(0);
    const r = await runOrderErrors(d());
    expect(r.summary).to.match(/订单错漏：发现2项/);
    const titles = (await alerts('order_errors')).map((a) => a.title);
    expect(titles).to.include('订单 SO-NEW-2（美宜佳上海古北店）确认后改单、发货数量与订单不符');
    expect(titles.some((t) => t.includes('华联超市总部') && t.includes('发货数量与订单不符'))).to.equal(true);
    expect((await runOrderErrors(d())).summary).to.match(/新增预警0条/);
  });

  it('alerts a repeat customer past 1.5× their usual reorder interval, and a new order resolves it', async () => {
    const { rows: [c] } = await pool.query(`SELECT id, owner_id FROM customers WHERE name = '好德便利虹口店'`);
    await pool.query('UPDATE orders SET status = \'cancelled\' WHERE customer_id = $1', [c.id]);
    for (const daysAgo of [70, 60, 50, 40]) {
      await pool.query(`INSERT INTO orders (order_no, customer_id, owner_id, amount, status, ordered_at) VALUES ($1, $2, $3, 1000, 'delivered', $4)`,
        [`RO-${daysAgo}`, c.id, c.owner_id, new Date(Date.now() - daysAgo * DAY)]);
    }
    await runReorderOverdue(d());
    const [a] = (await alerts('reorder_overdue')).filter((x) => x.subject_id === c.id);
    expect(a.title).to.equal('老客户「好德便利虹口店」40天未返单（平时约10天一单）');
    await pool.query(`INSERT INTO orders (order_no, customer_id, owner_id, amount, status, ordered_at) VALUES ('RO-0', $1, $2, 1000, 'confirmed', now())`, [c.id, c.owner_id]);
    await runReorderOverdue(d());
    expect((await alerts('reorder_overdue')).find((x) => x.id === a.id).status).to.equal('resolved');
  });

  it('gives a complaint its SLA by severity, escalates one past it and repeated complaints to the director, and resolves with it', async () => {
    const { rows: [c] } = await pool.query(`SELECT id FROM customers WHERE name = '罗森静安寺店'`);
    const rec = await api.call('POST', '/api/complaints', {
      as: 'rep.zhao', body: { customerId: c.id, severity: 'high', category: 'quality', title: '饮料胀袋', receivedAt: new Date(Date.now() - 30 * 3_600_000).toISOString() },
    });
    expect(rec.status).to.equal(201);
    expect(rec.body).to.include({ severityLabel: '严重', categoryLabel: '产品质量', overdue: true, status: 'open' });
    expect(Date.parse(rec.body.slaDueAt) - Date.parse(rec.body.receivedAt)).to.equal(24 * 3_600_000);
    for (const title of ['送货迟到', '发票抬头错误']) {
      await api.call('POST', '/api/complaints', { as: 'rep.zhao', body: { customerId: c.id, severity: 'low', category: 'service', title } });
    }
    await runComplaintEscalation(d());
    const rows = await alerts('complaint_escalation');
    const overdue = rows.find((x) => x.title.includes('饮料胀袋'));
    expect(overdue.title).to.equal('「罗森静安寺店」的严重投诉超时未处理：饮料胀袋');
    expect(overdue.roles).to.include('director');
    expect(rows.map((x) => x.title)).to.include('「罗森静安寺店」30天内投诉3次');
    const done = await api.call('POST', `/api/complaints/${rec.body.id}/resolve`, { as: 'rep.zhao', body: { resolution: '已换货并致歉' } });
    expect(done.body).to.include({ status: 'resolved', overdue: false });
    await runComplaintEscalation(d());
    expect((await alerts('complaint_escalation')).find((x) => x.id === overdue.id).status).to.equal('resolved');
  });

  it('refuses a complaint about another customer\'s order, in the future, or with an unknown severity, saving nothing', async () => {
    const { rows: [c] } = await pool.query(`SELECT id FROM customers WHERE name = '罗森静安寺店'`);
    const { rows: [o] } = await pool.query(`SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.name = '华联超市总部' LIMIT 1`);
    const n = async () => (await pool.query('SELECT count(*)::int AS n FROM complaints')).rows[0].n;
    const before = await n();
    const other = await api.call('POST', '/api/complaints', { as: 'rep.zhao', body: { customerId: c.id, orderId: o.id, severity: 'low', category: 'other', title: 'x' } });
    expect(other.body.error.message).to.equal('投诉关联的订单不属于这个客户');
    const future = await api.call('POST', '/api/complaints', { as: 'rep.zhao', body: { customerId: c.id, severity: 'low', category: 'other', title: 'x', receivedAt: new Date(Date.now() + DAY).toISOString() } });
    expect(future.body.error.details[0].message).to.equal('投诉时间不能晚于现在');
    const bad = await api.call('POST', '/api/complaints', { as: 'rep.zhao', body: { customerId: c.id, severity: 'urgent', category: 'other', title: 'x' } });
    expect(bad.body.error.details[0].message).to.equal('严重程度只能是：一般、较重、严重、紧急');
    expect(await n()).to.equal(before);
  });

  it('takes its numbers from the settings an admin edits: previewed on current data, applied to the next run and to new complaints', async () => {
    const settings = settingsClient(api);
    const firstOrder = await settings.value('admin.lin', 'alerts.first-order-late');
    expect(firstOrder).to.deep.include({ enabled: true, days: 7, signedWithinDays: 90 });
    const { rows: [store] } = await pool.query(
      `UPDATE customers SET signed_at = now() - interval '20 days'
        WHERE id = (SELECT c.id FROM customers c WHERE c.status = 'active' AND NOT EXISTS (
                      SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.shipped_at IS NOT NULL) ORDER BY c.id LIMIT 1)
       RETURNING name`);
    const preview = await settings.preview('admin.lin', 'alerts.first-order-late', { ...firstOrder, days: 30 });
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body.summary).to.match(/按现在的设置会产生 1 条预警，按新设置 0 条（新增 0，减少 1）/);
    expect(preview.body.lines).to.deep.equal([`不再预警：客户「${store.name}」`]);
    expect((await settings.save('rep.zhao', 'alerts.first-order-late', { ...firstOrder, days: 30 })).status).to.equal(403);
    const saved = await settings.save('admin.lin', 'alerts.first-order-late', { ...firstOrder, days: 30 }, { comment: '新店首单放宽到30天' });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    const { rows: [rule] } = await pool.query(`SELECT name, params FROM alert_rules WHERE code = 'first_order_late'`);
    expect(rule).to.deep.include({ name: '新客户签约30天首单未发货' });
    expect((await runFirstOrderLate(d())).summary, 'signed 20 days ago, within the new 30').to.match(/^首单延迟发货：发现0项/);

    const sla = await settings.value('admin.lin', 'alerts.complaint-escalation');
    expect((await settings.save('admin.lin', 'alerts.complaint-escalation', { ...sla, slaHours: { ...sla.slaHours, low: 2 } })).status).to.equal(200);
    const c = (await pool.query(`SELECT id FROM customers WHERE name LIKE '%华联%' ORDER BY id LIMIT 1`)).rows[0];
    const rec = await api.call('POST', '/api/complaints', { as: 'rep.zhao', body: { customerId: c.id, severity: 'low', category: 'service', title: '送货没打招呼' } });
    expect(new Date(rec.body.slaDueAt).getTime() - new Date(rec.body.receivedAt).getTime()).to.equal(2 * 3_600_000);
  });

  it('runs all four as one job, each reporting in Chinese', async () => {
    const reports = await runFulfilmentChecks(d());
    expect(reports.map((r) => r.summary.split('：')[0])).to.deep.equal(['首单延迟发货', '返单超期', '订单错漏', '客户投诉升级']);
  });
});
