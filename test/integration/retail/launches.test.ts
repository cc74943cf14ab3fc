import { expect } from 'chai';
import type pg from 'pg';
import { shanghaiDate } from '../../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { tempDataDir, upload } from '../attachments/support/http.js';
import { SAMPLES } from '../attachments/support/sample-files.js';
import { idemKey, lookups } from '../actions/actions-helpers.js';

describe('新品上架: a four-step gated launch worked by the store\'s clerk', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let data: ReturnType<typeof tempDataDir>;
  let $: ReturnType<typeof lookups>;
  let store: { id: number; shelf: string };
  let otherShelf: string;
  let product: { id: number; barcode: string };
  const clock = new Date('2026-04-27T02:00:00Z'); // Monday 10:00 Shanghai
  const count = (table: string, where = 'TRUE', args: unknown[] = []) => $.count(`${table} WHERE ${where}`, args);

  before(async () => {
    ({ pool } = await freshDatabase());
    data = tempDataDir();
    api = await startTestApi({ pool, now: () => clock, env: { DATA_DIR: data.dir, SESSION_TTL_HOURS: '720' } });
    $ = lookups(pool);
    await seedRetailNetworkForReps(pool, shanghaiDate(clock));
    const lawson = (await $.customer('罗森静安寺店')).id;
    const family = (await $.customer('全家徐家汇店')).id;
    const shelf = async (id: number) => (await pool.query('SELECT code FROM retail_shelf_positions WHERE store_id = $1 ORDER BY code LIMIT 1', [id])).rows[0].code;
    store = { id: lawson, shelf: await shelf(lawson) };
    otherShelf = await shelf(family);
    const { rows: [p] } = await pool.query(`SELECT id, barcode FROM retail_products WHERE sku = 'BEV-GT-500'`);
    product = { id: Number(p.id), barcode: p.barcode };
  });
  after(async () => {
    await api.close();
    data.remove();
  });

  const step = (as: string, id: number, path: string, body: unknown) =>
    api.call('POST', `/api/retail/launches/${id}/${path}`, { as, body, headers: { 'Idempotency-Key': idemKey() } });

  let launch: any;

  it('starts a launch as four actions for the store\'s clerk, due in working days from the launch date, shown as a locked sequence', async () => {
    const res = await api.call('POST', '/api/retail/launches', {
      as: 'mgr.li', body: { storeId: store.id, productId: product.id, launchDate: '2026-04-28' }, headers: { 'Idempotency-Key': idemKey() },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    launch = res.body;
    expect(launch.assignee.name).to.equal('陆小燕');
    expect(launch.steps.map((s: any) => s.title)).to.deep.equal(['扫码绑定货架位', '拍摄陈列全景', '录入首日销量', '上传消费者咨询记录']);
    expect(launch.steps.map((s: any) => s.lockedBy)).to.deep.equal([null, '①扫码绑定货架位', '②拍摄陈列全景', '③录入首日销量']);
    expect(launch.current).to.equal('bind');
    // 1 working day after Tue 04-28 is Wed 04-29, end of day Shanghai
    expect(launch.steps[0].dueAt).to.equal('2026-04-29T15:59:59.000Z');
    expect(await count('action_escalation_steps s JOIN actions a ON a.id = s.action_id', 'a.process_instance_id = $1', [launch.processInstanceId])).to.equal(12);

    const clerkView = await api.call('GET', '/api/retail/launches', { as: 'clerk.1' });
    expect(clerkView.body.items.map((l: any) => l.id)).to.deep.equal([launch.id]);
    expect(clerkView.body.items[0].mine).to.equal(true);
    expect((await api.call('GET', `/api/retail/launches/${launch.id}`, { as: 'clerk.2' })).status).to.equal(404);
  });

  it('refuses a second launch of the same product at the store', async () => {
    const res = await api.call('POST', '/api/retail/launches', {
      as: 'mgr.li', body: { storeId: store.id, productId: product.id, launchDate: '2026-04-28' }, headers: { 'Idempotency-Key': idemKey() },
    });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('LAUNCH_EXISTS');
  });

  it('answers a step out of order with 409 ACTION_LOCKED naming the missing step, and writes nothing', async () => {
    const before = await count('submissions');
    const res = await step('clerk.1', launch.id, 'first-day-sales', { firstDaySales: 12 });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('ACTION_LOCKED');
    expect(res.body.error.details.blocking[0].definitionCode).to.equal('shelf_display');
    expect(res.body.error.message).to.contain('②拍摄陈列全景');
    expect(await count('submissions')).to.equal(before);
  });

  it('refuses another store\'s shelf code, an unknown barcode and another product\'s barcode in Chinese, binding nothing', async () => {
    const other = await step('clerk.1', launch.id, 'bind', { shelfCode: otherShelf, barcode: product.barcode });
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('SHELF_CODE_OTHER_STORE');
    expect(other.body.error.message).to.contain('属于其他门店');

    const unknown = await step('clerk.1', launch.id, 'bind', { shelfCode: store.shelf, barcode: '6900000000001' });
    expect(unknown.body.error.code).to.equal('BARCODE_UNKNOWN');
    const wrong = await step('clerk.1', launch.id, 'bind', { shelfCode: store.shelf, barcode: '6901234567908' });
    expect(wrong.body.error.code).to.equal('BARCODE_NOT_LAUNCHED');
    expect(wrong.body.error.message).to.contain('柠檬气泡水').and.contain('山野绿茶无糖');
    const garbled = await step('clerk.1', launch.id, 'bind', { shelfCode: store.shelf, barcode: 'abc' });
    expect(garbled.status).to.equal(400);
    expect(JSON.stringify(garbled.body)).to.contain('商品条码应为8–14位数字');

    expect(await count('submissions s JOIN actions a ON a.id = s.action_id', 'a.process_instance_id = $1', [launch.processInstanceId])).to.equal(0);
    expect((await pool.query('SELECT shelf_position_id FROM retail_launches WHERE id = $1', [launch.id])).rows[0].shelf_position_id).to.equal(null);
  });

  it('binds the shelf with the store\'s code and the new product\'s barcode, unlocking the panorama photo', async () => {
    const res = await step('clerk.1', launch.id, 'bind', { shelfCode: store.shelf, barcode: product.barcode });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.launch.shelfPosition.code).to.equal(store.shelf);
    expect(res.body.launch.steps[0]).to.deep.include({ done: true, statusLabel: '已提交' });
    expect(res.body.launch.steps[0].record).to.deep.equal({ shelfCode: store.shelf, barcode: product.barcode });
    expect(res.body.launch.steps[1].lockedBy).to.equal(null);
    expect(res.body.launch.current).to.equal('display');
    const again = await step('clerk.1', launch.id, 'bind', { shelfCode: store.shelf, barcode: product.barcode });
    expect(again.body.error.code).to.equal('LAUNCH_STEP_DONE');
  });

  it('only the launch\'s clerk files its steps', async () => {
    const res = await step('mgr.li', launch.id, 'display', { attachmentIds: [1] });
    expect(res.status).to.equal(403);
  });

  it('checks the panorama like a visit photo: a photo without the 陈列全景 tag is refused with the reason', async () => {
    const token = await api.tokenFor('clerk.1');
    const untagged = (await upload(api, token, SAMPLES.jpeg(), { kind: 'photo', tags: '其他', filename: 'x.jpg' })).body;
    const refused = await step('clerk.1', launch.id, 'display', { attachmentIds: [untagged.id] });
    expect(refused.status).to.equal(422);
    expect(refused.body.error.code).to.equal('VISIT_REPORT_REJECTED');
    expect(JSON.stringify(refused.body.error.details.failures)).to.contain('陈列全景');

    const photo = (await upload(api, token, SAMPLES.jpeg(), { kind: 'photo', tags: '陈列全景', filename: '陈列.jpg' })).body;
    const ok = await step('clerk.1', launch.id, 'display', { attachmentIds: [photo.id] });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body.launch.steps[1].record.photoIds).to.deep.equal([photo.id]);
  });

  it('refuses negative and absurd first-day sales with Chinese messages, then takes a plausible figure', async () => {
    const negative = await step('clerk.1', launch.id, 'first-day-sales', { firstDaySales: -3 });
    expect(negative.status).to.equal(400);
    expect(JSON.stringify(negative.body)).to.contain('首日销量不能为负数');
    const absurd = await step('clerk.1', launch.id, 'first-day-sales', { firstDaySales: 999999 });
    expect(JSON.stringify(absurd.body)).to.contain('首日销量超过5000件');
    const ok = await step('clerk.1', launch.id, 'first-day-sales', { firstDaySales: 18 });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body.launch.steps[2].record.firstDaySales).to.equal(18);
    // the clerk's own figure for the launch day, for 数据填报准确率 to hold against the POS's
    const { rows } = await pool.query(
      `SELECT day::text, units, source, u.wecom_userid FROM retail_clerk_sales k JOIN users u ON u.id = k.clerk_id WHERE store_id = $1 AND product_id = $2`,
      [store.id, product.id]);
    expect(rows).to.deep.equal([{ day: launch.launchDate, units: 18, source: 'launch', wecom_userid: 'clerk.1' }]);
  });

  it('completes the launch with the consumers\' enquiries', async () => {
    const empty = await step('clerk.1', launch.id, 'enquiries', { enquiries: [] });
    expect(JSON.stringify(empty.body)).to.contain('请至少记录一条消费者咨询');
    const ok = await step('clerk.1', launch.id, 'enquiries', { enquiries: [{ question: '有没有含糖版', count: 3 }, { question: '买二送一吗', count: 1 }] });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body.launch).to.deep.include({ done: 4, current: null });
    const store2 = (await api.call('GET', '/api/retail/stores', { as: 'clerk.1' })).body.items;
    expect(store2.map((s: any) => s.name)).to.deep.equal(['罗森静安寺店']);
    expect(store2[0].openLaunches).to.equal(0);
  });

  it('gives an inspector the stores of their route, and a launch of one store never unlocks another\'s steps', async () => {
    const east = (await api.call('GET', '/api/retail/stores', { as: 'inspector.1' })).body.items.map((s: any) => s.name);
    expect(east).to.include('罗森静安寺店').and.not.include('便利蜂中关村店');
    const lemon = (await pool.query(`SELECT id FROM retail_products WHERE sku = 'BEV-LM-330'`)).rows[0].id;
    const res = await api.call('POST', '/api/retail/launches', {
      as: 'rep.zhao', body: { storeId: store.id, productId: Number(lemon), launchDate: '2026-04-27' }, headers: { 'Idempotency-Key': idemKey() },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    // the store's first launch has every step done; this one's ① is not
    const locked = await step('clerk.1', res.body.id, 'display', { attachmentIds: [1] });
    expect(locked.status).to.equal(409);
    expect(locked.body.error.details.blocking[0].definitionCode).to.equal('shelf_bind');
  });
});
