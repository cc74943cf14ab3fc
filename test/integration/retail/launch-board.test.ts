import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { runOverdueEscalation } from '../../../core/alerts/overdue-escalation.js';
import { shanghaiDate, shanghaiInstant } from '../../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { anAttachment, idemKey, lookups } from '../actions/actions-helpers.js';
import { clock, deps } from '../jobs/jobs-helpers.js';

/**
 * Two stores of 华东区 launch 冰爽绿茶 on Tue 2 June: 罗森 binds the shelf on
 * the day and files the panorama two days late; 全家 does nothing. Deadlines
 * (the template's): ① and ② Wed 3 June, ③ Thu 4 June, ④ Tue 9 June, each at
 * the day's end.
 */
describe('新品上架看板: launches on the process dashboards, with their deadlines and escalation', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  const t = clock(shanghaiInstant('2026-06-02', 10));
  const launches: Record<'lawson' | 'family', any> = { lawson: null, family: null };
  const board = async (as: string, query: Record<string, string> = {}) => {
    const res = await api.call('GET', `/api/retail/launch-board?${new URLSearchParams(query)}`, { as });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };
  const stores = async (as: string, query: Record<string, string> = {}) => {
    const res = await api.call('GET', `/api/retail/launch-board/stores?${new URLSearchParams(query)}`, { as });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: t.now, env: { SESSION_TTL_HOURS: '720' } });
    $ = lookups(pool);
    await seedRetailNetworkForReps(pool, shanghaiDate(t.now()));
    const { rows: [p] } = await pool.query(`SELECT id, barcode FROM retail_products WHERE sku = 'BEV-GT-500'`);
    for (const [key, name] of [['lawson', '罗森静安寺店'], ['family', '全家徐家汇店']] as const) {
      const storeId = (await $.customer(name)).id;
      const res = await api.call('POST', '/api/retail/launches', {
        as: 'mgr.li', body: { storeId, productId: Number(p.id), launchDate: '2026-06-02' }, headers: { 'Idempotency-Key': idemKey() },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      launches[key] = res.body;
    }
    const lawson = launches.lawson;
    expect(lawson.steps.map((s: any) => shanghaiDate(new Date(s.dueAt)))).to.deep.equal(['2026-06-03', '2026-06-03', '2026-06-04', '2026-06-09']);
    const shelf = (await pool.query('SELECT code FROM retail_shelf_positions WHERE store_id = $1 ORDER BY code LIMIT 1', [lawson.store.id])).rows[0].code;
    const clerk = await clerkOf(lawson.store.id);
    const step = (path: string, body: unknown) =>
      api.call('POST', `/api/retail/launches/${lawson.id}/${path}`, { as: clerk, body, headers: { 'Idempotency-Key': idemKey() } });
    expect((await step('bind', { shelfCode: shelf, barcode: p.barcode })).status).to.equal(200);
    t.set(shanghaiInstant('2026-06-05', 11));
    const photo = await anAttachment(pool, { uploadedBy: lawson.assignee.id, kind: 'photo', tags: ['陈列全景'], capturedAt: t.now() });
    const display = await step('display', { attachmentIds: [photo] });
    expect(display.status, JSON.stringify(display.body)).to.equal(200);
    t.set(shanghaiInstant('2026-06-08', 10));
  });
  after(() => api.close());

  async function clerkOf(storeId: number): Promise<string> {
    return (await pool.query('SELECT u.wecom_userid FROM retail_clerks k JOIN users u ON u.id = k.user_id WHERE k.store_id = $1', [storeId])).rows[0].wecom_userid;
  }
  const alertsOf = (launchId: number) => $.count(
    `alerts a JOIN actions x ON x.id = a.subject_id JOIN retail_launches l ON l.process_instance_id = x.process_instance_id
      WHERE a.rule_code = 'overdue_escalation' AND l.id = $1`, [launchId]);

  it('escalates an overdue step once through the overdue job, and the manager\'s alert opens the store\'s launch', async () => {
    const first = await runOverdueEscalation(deps(pool, t.now));
    expect(first.opened).to.be.greaterThan(0);
    const { rows: toManager } = await pool.query(`
      SELECT a.id, a.title, a.data, ar.outbox_id FROM alerts a JOIN alert_recipients ar ON ar.alert_id = a.id JOIN users u ON u.id = ar.user_id
        JOIN actions x ON x.id = a.subject_id
       WHERE a.rule_code = 'overdue_escalation' AND u.wecom_userid = 'mgr.li' AND x.id = $1`, [launches.family.steps[0].actionId]);
    expect(toManager).to.have.length(1);
    expect(toManager[0].title).to.equal('「山野绿茶无糖 500ml 新品上架①扫码绑定货架位」逾期1个工作日，已升级');
    expect(toManager[0].outbox_id).to.not.equal(null);
    expect(toManager[0].data.launch).to.deep.equal({ id: launches.family.id, productName: '山野绿茶无糖 500ml', path: `/launches/${launches.family.id}` });
    const alert = await api.call('GET', `/api/alerts/${toManager[0].id}`, { as: 'mgr.li' });
    expect(alert.body.data.launch.path).to.equal(`/launches/${launches.family.id}`);
    expect(await $.count(`actions WHERE id = $1 AND status = 'escalated'`, [launches.family.steps[0].actionId])).to.equal(1);

    const again = await runOverdueEscalation(deps(pool, t.now));
    expect(again).to.include({ opened: 0, escalationSteps: 0 });
  });

  it('shows the manager each region\'s stores per step, the on-time rate against the deadlines, the overdue steps and the escalations', async () => {
    const b = await board('mgr.li');
    expect(b.period.label).to.equal('2026年6月');
    expect(b.steps).to.deep.equal(['①扫码绑定货架位', '②拍摄陈列全景', '③录入首日销量', '④上传消费者咨询记录']);
    expect(b.launches).to.have.length(1);
    const [launch] = b.launches;
    expect(launch.product.name).to.equal('山野绿茶无糖 500ml');
    // 罗森 stands at ③, 全家 at ①; of the six steps past their deadline or done, only 罗森's ① was on time
    expect(launch.total).to.deep.include({ stores: 2, atStep: [1, 0, 1, 0], done: 0, overdue: 4, dueSoon: 0 });
    expect(launch.total.onTime).to.deep.include({ num: 1, den: 6, display: '16.7%', status: 'red', statusLabel: '预警' });
    expect(launch.total.escalations).to.equal(await alertsOf(launches.family.id) + await alertsOf(launches.lawson.id)).and.be.greaterThan(0);
    expect(launch.regions.map((r: any) => r.name)).to.deep.equal(['华东区']);
    expect(launch.regions[0]).to.deep.include({ name: '华东区', stores: 2, overdue: 4 });
    // the latest first: 全家 stands at ①, its ①② four days past Wed 3 June and ③ three past Thu 4 June; 罗森 at ③, three days late
    const list = await stores('mgr.li');
    expect(list.total).to.equal(2);
    expect(list.items.map((s: any) => [s.storeName, s.regionName, s.step, s.stateLabel, s.overdueSteps, s.lateDays])).to.deep.equal([
      ['全家徐家汇店', '华东区', '①扫码绑定货架位', '已逾期', 3, 4], ['罗森静安寺店', '华东区', '③录入首日销量', '已逾期', 1, 3],
    ]);
    expect(list.items[0].owner.name).to.equal(launches.family.assignee.name);
    expect(list.items[0].escalation).to.equal('已升级至主管');
    expect(list.items[0].launchId).to.equal(launches.family.id);
    expect(shanghaiDate(new Date(list.items[0].dueAt))).to.equal('2026-06-03');
  });

  it('lists the board\'s stores page by page under its filters, with the total, and refuses a bad filter in Chinese', async () => {
    const first = await stores('mgr.li', { limit: '1' });
    expect(first).to.deep.include({ total: 2, nextOffset: 1 });
    expect(first.items.map((s: any) => s.storeName)).to.deep.equal(['全家徐家汇店']);
    const second = await stores('mgr.li', { limit: '1', offset: '1' });
    expect(second).to.deep.include({ total: 2, nextOffset: null });
    expect(second.items.map((s: any) => s.storeName)).to.deep.equal(['罗森静安寺店']);
    expect(await stores('mgr.li', { offset: '5' })).to.deep.include({ items: [], total: 2, nextOffset: null });

    const [launch] = (await board('mgr.li')).launches;
    const region = String(launch.regions[0].id);
    expect((await stores('mgr.li', { productId: String(launch.product.id), regionId: region, state: 'late' })).total).to.equal(2);
    expect((await stores('mgr.li', { regionId: '0' })).total, 'no store of this board is outside a region').to.equal(0);
    expect((await stores('mgr.li', { state: 'on_track' })).total).to.equal(0);
    const { rows: [other] } = await pool.query(`SELECT id FROM retail_products WHERE sku <> 'BEV-GT-500' LIMIT 1`);
    expect((await stores('mgr.li', { productId: String(other.id) })).total).to.equal(0);
    expect((await stores('mgr.chen')).total, 'another region\'s manager').to.equal(0);

    for (const [query, message] of [['state=soon', '状态应为'], ['limit=0', '至少1条'], ['limit=500', '最多100条'], ['limit=abc', '必须是1至100的整数'], ['month=2026-13', '月份格式应为 YYYY-MM']]) {
      const bad = await api.call('GET', `/api/retail/launch-board/stores?${query}`, { as: 'mgr.li' });
      expect(bad.status, query).to.equal(400);
      expect(JSON.stringify(bad.body), query).to.contain(message);
    }
  });

  it('exports exactly the stores the filters show, every page, as CSV and Excel with Chinese headers and Beijing times, within the viewer\'s stores', async () => {
    const headers = ['新品', '门店', '区域', '上架日', '当前步骤', '状态', '逾期步骤数', '最早逾期或将到期的截止时间', '逾期天数', '距截止小时数', '负责人', '升级情况'];
    const get = async (as: string, file: string) => fetch(`${api.baseUrl}/api/retail/launch-board/${file}`, { headers: { Authorization: `Bearer ${await api.tokenFor(as)}` } });
    const csv = await get('mgr.li', 'stores.csv?month=2026-06&state=late');
    expect(csv.status).to.equal(200);
    expect(decodeURIComponent(csv.headers.get('content-disposition')!)).to.include('新品上架看板_2026年6月.csv');
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n').map((l) => l.split(','));
    expect(lines[0]).to.deep.equal(headers);
    expect(lines.slice(1).map((l) => l.slice(0, 7))).to.deep.equal([
      ['山野绿茶无糖 500ml', '全家徐家汇店', '华东区', '2026-06-02', '①扫码绑定货架位', '已逾期', '3'],
      ['山野绿茶无糖 500ml', '罗森静安寺店', '华东区', '2026-06-02', '③录入首日销量', '已逾期', '1'],
    ]);
    // Wed 3 June's end in Beijing, not UTC's afternoon
    expect(lines[1]![7]).to.match(/^2026-06-03 23:59/);
    expect(lines[1]!.slice(8)).to.deep.equal(['4', '', launches.family.assignee.name, '已升级至主管']);

    const none = await get('mgr.li', 'stores.csv?month=2026-06&state=done');
    expect((await none.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n')).to.have.length(1);
    const elsewhere = await get('mgr.chen', 'stores.csv?month=2026-06');
    expect((await elsewhere.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n'), 'another region\'s manager gets the headers only').to.have.length(1);

    const xlsx = await get('mgr.li', 'stores.xlsx?month=2026-06');
    expect(xlsx.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as any);
    const sheet = wb.getWorksheet('新品上架门店明细')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).to.deep.equal(headers);
    expect(sheet.rowCount).to.equal(3);
    expect(sheet.getRow(2).getCell(2).value).to.equal('全家徐家汇店');

    const bad = await get('mgr.li', 'stores.xlsx?state=soon');
    expect(bad.status).to.equal(400);
  });

  it('counts within each role\'s stores: another region\'s manager sees no launch, an inspector their route, a rep their stores; a past month without launches is empty', async () => {
    expect((await board('mgr.chen')).launches).to.deep.equal([]);
    expect((await board('director.wang')).launches[0].total.stores).to.equal(2);
    // an inspector the stores on their route, a rep the stores they own
    const { rows: [inspector] } = await pool.query(`
      SELECT u.wecom_userid, count(*)::int AS n FROM retail_inspector_stores r JOIN users u ON u.id = r.inspector_id
       WHERE r.store_id = ANY($1::bigint[]) GROUP BY 1 ORDER BY 2 DESC LIMIT 1`, [[launches.lawson.store.id, launches.family.store.id]]);
    expect((await board(inspector.wecom_userid)).launches[0].total.stores).to.equal(inspector.n);
    const { rows: [owner] } = await pool.query('SELECT u.wecom_userid FROM customers c JOIN users u ON u.id = c.owner_id WHERE c.id = $1', [launches.lawson.store.id]);
    const owned = await $.count('customers WHERE owner_id = (SELECT owner_id FROM customers WHERE id = $1) AND id = ANY($2::bigint[])',
      [launches.lawson.store.id, [launches.lawson.store.id, launches.family.store.id]]);
    expect((await board(owner.wecom_userid)).launches[0].total.stores).to.equal(owned);
    expect((await board('mgr.li', { month: '2026-05' })).launches).to.deep.equal([]);
    const bad = await api.call('GET', '/api/retail/launch-board?month=2026-13', { as: 'mgr.li' });
    expect(bad.status).to.equal(400);
    expect(JSON.stringify(bad.body)).to.contain('月份格式应为 YYYY-MM');
  });

  it('takes 即将逾期 and the colour bands from the admin\'s setting: previewed, checked, versioned', async () => {
    const current = (await api.call('GET', '/api/settings/retail.launch-board', { as: 'admin.lin' })).body;
    expect(current.value).to.deep.equal({ dueSoonHours: 24, onTimeGood: 90, onTimeWarn: 70 });
    const upsideDown = await api.call('PUT', '/api/settings/retail.launch-board', { as: 'admin.lin', body: { expectedVersion: 0, value: { ...current.value, onTimeGood: 60 } } });
    expect(upsideDown.status).to.equal(400);
    expect(JSON.stringify(upsideDown.body)).to.contain('“健康”的下限应高于“预警”线');
    expect((await api.call('PUT', '/api/settings/retail.launch-board', { as: 'mgr.li', body: { expectedVersion: 0, value: current.value } })).status).to.equal(403);
    expect(await $.count(`setting_versions WHERE key = 'retail.launch-board'`)).to.equal(0);

    // ④ of both stores is due Tue 9 June at the day's end, 38 hours on
    const wider = { dueSoonHours: 48, onTimeGood: 15, onTimeWarn: 10 };
    const preview = await api.call('POST', '/api/settings/retail.launch-board/preview', {
      as: 'admin.lin', body: { scope: { departmentId: null, customerType: null }, value: wider },
    });
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body.summary).to.equal('按新设置，1 个区域的按时完成率颜色会改变；即将逾期的步骤 0 → 2 个。');
    expect(preview.body.lines).to.deep.equal(['山野绿茶无糖 500ml · 华东区 按时完成率 16.7%：预警 → 健康']);
    const ok = await api.call('PUT', '/api/settings/retail.launch-board', { as: 'admin.lin', body: { expectedVersion: 0, value: wider } });
    expect(ok.status, JSON.stringify(ok.body)).to.be.oneOf([200, 201]);
    const [launch] = (await board('mgr.li')).launches;
    expect(launch.total.dueSoon).to.equal(2);
    expect(launch.total.onTime.statusLabel).to.equal('健康');
    expect((await stores('mgr.li', { state: 'late' })).items.map((s: any) => [s.storeName, s.hoursLeft])).to.deep.equal([
      ['全家徐家汇店', 38], ['罗森静安寺店', 38],
    ]);
  });

  it('keeps an unfinished launch on the next month\'s board, whole: its finished stores beside the open ones', async () => {
    t.set(shanghaiInstant('2026-07-01', 9)); // within the test sessions' 30 days
    const lawson = launches.lawson;
    const clerk = await clerkOf(lawson.store.id);
    for (const [path, body] of [['first-day-sales', { firstDaySales: 12 }], ['enquiries', { enquiries: [{ question: '有没有大包装', count: 2 }] }]] as const) {
      const res = await api.call('POST', `/api/retail/launches/${lawson.id}/${path}`, { as: clerk, body, headers: { 'Idempotency-Key': idemKey() } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    }
    const [launch] = (await board('mgr.li')).launches;
    expect(launch.firstDate).to.equal('2026-06-02');
    expect(launch.total).to.deep.include({ stores: 2, done: 1 });
    expect((await stores('mgr.li')).items.map((s: any) => [s.storeName, s.step, s.stateLabel])).to.deep.equal([['全家徐家汇店', '①扫码绑定货架位', '已逾期'], ['罗森静安寺店', null, '已完成']]);
    expect((await stores('mgr.li', { state: 'done' })).items.map((s: any) => s.storeName)).to.deep.equal(['罗森静安寺店']);
  });
});
