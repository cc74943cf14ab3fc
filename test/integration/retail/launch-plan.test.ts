import { expect } from 'chai';
import type pg from 'pg';
import { shanghaiDate } from '../../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { idemKey, lookups } from '../actions/actions-helpers.js';

describe('starting 新品上架 from the app: the plan with its deadlines, then several stores at once', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  let lawson: number;
  let family: number;
  let noClerk: number;
  let product: number;
  const clock = new Date('2026-04-27T02:00:00Z'); // Monday 10:00 Shanghai
  const launches = () => $.count('retail_launches');

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock });
    $ = lookups(pool);
    await seedRetailNetworkForReps(pool, shanghaiDate(clock));
    lawson = (await $.customer('罗森静安寺店')).id;
    family = (await $.customer('全家徐家汇店')).id;
    // a third store of mgr.li's region whose clerk has not joined yet
    const { rows: [other] } = await pool.query(
      `SELECT s.customer_id AS id FROM retail_stores s JOIN customers c ON c.id = s.customer_id
        WHERE c.department_id = (SELECT department_id FROM customers WHERE id = $1) AND s.customer_id NOT IN ($1, $2) ORDER BY s.customer_id LIMIT 1`,
      [lawson, family]);
    noClerk = Number(other.id);
    await pool.query('DELETE FROM retail_clerks WHERE store_id = $1', [noClerk]);
    product = Number((await pool.query(`SELECT id FROM retail_products WHERE sku = 'BEV-GT-500'`)).rows[0].id);
  });
  after(() => api.close());

  const plan = (as: string, launchDate: string) => api.call('GET', `/api/retail/launch-plan?productId=${product}&launchDate=${launchDate}`, { as });
  const batch = (as: string, body: unknown, key = idemKey()) =>
    api.call('POST', '/api/retail/launches/batch', { as, body, headers: { 'Idempotency-Key': key } });

  it('shows each step\'s deadline counted in working days from the launch date, and which stores cannot take it and why', async () => {
    const res = await plan('mgr.li', '2026-04-28');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.steps.map((s: any) => s.title)).to.deep.equal(['①扫码绑定货架位', '②拍摄陈列全景', '③录入首日销量', '④上传消费者咨询记录']);
    // 1 working day after Tue 04-28 is Wed 04-29, end of day Shanghai
    expect(res.body.steps[0].dueAt).to.equal('2026-04-29T15:59:59.000Z');
    const byId = new Map(res.body.stores.map((s: any) => [s.id, s]));
    expect((byId.get(lawson) as any).refusal).to.equal(null);
    expect((byId.get(lawson) as any).clerkName).to.equal('陆小燕');
    expect((byId.get(noClerk) as any).refusal).to.equal('还没有店员，请先邀请店员加入');
    // a later day moves every deadline
    const later = await plan('mgr.li', '2026-05-12');
    expect(later.body.steps[0].dueAt > res.body.steps[3].dueAt).to.equal(true);
  });

  it('starts the launch at two stores at once, each store\'s clerk getting four steps due exactly as the plan showed', async () => {
    const shown = (await plan('mgr.li', '2026-04-28')).body;
    const res = await batch('mgr.li', { storeIds: [lawson, family], productId: product, launchDate: '2026-04-28' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.items.map((l: any) => l.store.id)).to.deep.equal([lawson, family]);
    for (const l of res.body.items) expect(l.steps.map((s: any) => s.dueAt)).to.deep.equal(shown.steps.map((s: any) => s.dueAt));
    expect(res.body.items.map((l: any) => l.assignee.name)).to.deep.equal(['陆小燕', (await pool.query(
      'SELECT u.name FROM retail_clerks k JOIN users u ON u.id = k.user_id WHERE k.store_id = $1', [family])).rows[0].name]);
    const after = (await plan('mgr.li', '2026-04-28')).body.stores.find((s: any) => s.id === lawson);
    expect(after.refusal).to.equal('已有该商品的上架任务');
    expect(after.launchId).to.equal(res.body.items[0].id);
  });

  it('refuses the whole batch when a store has no clerk or has the launch already, naming each store, and starts none', async () => {
    const before = await launches();
    const res = await batch('mgr.li', { storeIds: [lawson, noClerk], productId: product, launchDate: '2026-04-29' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('LAUNCH_STORES_REFUSED');
    expect(res.body.error.details.stores.map((s: any) => [s.storeId, s.code])).to.deep.equal([[lawson, 'LAUNCH_EXISTS'], [noClerk, 'CLERK_NOT_IN_STORE']]);
    expect(res.body.error.message).to.contain('罗森静安寺店：这家门店已有该商品的上架任务');
    expect(res.body.error.message).to.contain('未发起任何上架');
    expect(await launches()).to.equal(before);
  });

  it('a retried batch with the same Idempotency-Key starts nothing twice', async () => {
    const otherProduct = Number((await pool.query(`SELECT id FROM retail_products WHERE sku <> 'BEV-GT-500' ORDER BY id LIMIT 1`)).rows[0].id);
    const key = idemKey();
    const body = { storeIds: [family], productId: otherProduct, launchDate: '2026-04-28' };
    const first = await batch('mgr.li', body, key);
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    const before = await launches();
    const again = await batch('mgr.li', body, key);
    expect(again.body.items[0].id).to.equal(first.body.items[0].id);
    expect(await launches()).to.equal(before);
  });

  it('refuses a day that does not exist and a store out of the actor\'s reach, in Chinese', async () => {
    const bad = await plan('mgr.li', '2026-02-30');
    expect(bad.status).to.equal(400);
    expect(JSON.stringify(bad.body)).to.contain('上架日期不存在');
    const rep = await batch('rep.sun', { storeIds: [lawson], productId: product, launchDate: '2026-04-30' });
    expect(rep.status).to.equal(422);
    expect(rep.body.error.details.stores[0].code).to.equal('STORE_NOT_FOUND');
    expect(rep.body.error.message).not.to.contain('罗森静安寺店');
    expect((await plan('clerk.1', '2026-04-28')).status).to.equal(403);
  });
});
