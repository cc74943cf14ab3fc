import { expect } from 'chai';
import type pg from 'pg';
import { shanghaiDate } from '../../../core/flow/time.js';
import { orderByDistance } from '../../../core/retail/patrols.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { cameraPhoto } from '../../support/camera-photo.js';
import { freshDatabase } from '../../support/database.js';
import { tempDataDir, upload } from '../attachments/support/http.js';
import { SAMPLES } from '../attachments/support/sample-files.js';
import { idemKey, lookups } from '../actions/actions-helpers.js';

describe('store patrols (巡店) and one-tap stock-outs', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let data: ReturnType<typeof tempDataDir>;
  let $: ReturnType<typeof lookups>;
  let clock = new Date('2026-04-28T02:00:00Z'); // Tuesday 10:00 Shanghai
  const later = (ms: number) => { clock = new Date(clock.getTime() + ms); };
  const MINUTE = 60_000;

  before(async () => {
    ({ pool } = await freshDatabase());
    data = tempDataDir();
    api = await startTestApi({ pool, now: () => clock, env: { DATA_DIR: data.dir, SESSION_TTL_HOURS: '720' } });
    $ = lookups(pool);
    await seedRetailNetworkForReps(pool, shanghaiDate(clock));
  });
  after(async () => {
    await api.close();
    data.remove();
  });

  const photo = async (buffer?: Buffer) => (await upload(api, await api.tokenFor('inspector.1'), buffer ?? await cameraPhoto({ takenAt: clock }),
    { kind: 'photo', tags: '巡店', filename: 'p.jpg' })).body.id as number;
  const tick = (id: number, key: string, body: unknown) => api.call('PUT', `/api/retail/patrols/${id}/items/${key}`, { as: 'inspector.1', body });
  const start = async (storeId: number) => (await api.call('POST', '/api/retail/patrols', { as: 'inspector.1', body: { storeId }, headers: { 'Idempotency-Key': idemKey() } })).body;
  const finish = (id: number) => api.call('POST', `/api/retail/patrols/${id}/finish`, { as: 'inspector.1', headers: { 'Idempotency-Key': idemKey() } });

  it('orders a day\'s stops by distance, nearest first from where the inspector stands', () => {
    const stops = [
      { name: 'far', lat: 31.30, lng: 121.60 }, { name: 'near', lat: 31.23, lng: 121.45 }, { name: 'mid', lat: 31.26, lng: 121.50 },
      { name: 'nowhere', lat: null, lng: null },
    ];
    const ordered = orderByDistance(stops, { lat: 31.22, lng: 121.44 });
    expect(ordered.map((s) => s.name)).to.deep.equal(['near', 'mid', 'far', 'nowhere']);
    expect(ordered[0]!.legKm).to.be.within(1, 2);
    expect(ordered[3]!.legKm).to.equal(null);
  });

  it('gives the inspector today\'s route of their city\'s due stores, ordered by distance, and another city its own inspector', async () => {
    const res = await api.call('GET', '/api/retail/patrol-route?lat=31.2234&lng=121.4465', { as: 'inspector.1' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const names = res.body.route.map((s: any) => s.store.name);
    expect(names[0]).to.equal('罗森静安寺店');
    expect(names).to.include('可的便利浦东店').and.not.include('苏宁小店新街口店').and.not.include('便利蜂中关村店');
    // a day's legs stay within 上海 (南京 was a 270 km last leg)
    expect(Math.max(...res.body.route.map((s: any) => s.legKm ?? 0))).to.be.below(30);
    const { rows: [nanjing] } = await pool.query(
      `SELECT u.wecom_userid, u.position FROM retail_inspector_stores r JOIN users u ON u.id = r.inspector_id JOIN customers c ON c.id = r.store_id
        WHERE c.name = '苏宁小店新街口店'`);
    expect(nanjing.position).to.equal('巡店督导 · 华东区 南京');
    const theirs = await api.call('GET', '/api/retail/patrol-route', { as: nanjing.wecom_userid });
    expect(theirs.body.route.map((s: any) => s.store.name)).to.deep.equal(['苏宁小店新街口店']);
    expect((await api.call('GET', '/api/retail/patrol-route', { as: 'clerk.1' })).status).to.equal(403);
  });

  it('scores a patrol, turns a failed item into a 门店整改 action for the store\'s clerk, and takes the store off today\'s route', async () => {
    const lawson = (await $.customer('罗森静安寺店')).id;
    const p = await start(lawson);
    expect(p.items.map((i: any) => i.key)).to.deep.equal(['display', 'price_tags', 'stock', 'expiry', 'promotion']);
    const early = await finish(p.id);
    expect(early.status).to.equal(422);
    expect(early.body.error.code).to.equal('PATROL_INCOMPLETE');
    expect(early.body.error.message).to.contain('还有5项未检查');

    const noNote = await tick(p.id, 'display', { passed: false, attachmentId: await photo() });
    expect(noNote.status).to.equal(400);
    expect(JSON.stringify(noNote.body)).to.contain('不合格的项请写明问题');
    for (const key of ['display', 'price_tags', 'stock', 'expiry', 'promotion']) {
      later(MINUTE);
      const r = await tick(p.id, key, key === 'price_tags'
        ? { passed: false, note: '新品价签缺失', attachmentId: await photo() } : { passed: true, attachmentId: await photo() });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    }
    later(MINUTE);
    const done = await finish(p.id);
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.deep.include({ score: 80, perfunctory: false });
    expect(done.body.fixActionIds).to.have.length(1);
    const { rows: [fix] } = await pool.query(
      `SELECT a.title, a.definition_code, u.wecom_userid, a.due_at FROM actions a JOIN users u ON u.id = a.assignee_id WHERE a.id = $1`, [done.body.fixActionIds[0]]);
    expect(fix).to.deep.include({ definition_code: 'store_fix', wecom_userid: 'clerk.1' });
    expect(fix.title).to.contain('价格标签').and.contain('新品价签缺失');
    // two working days after Tuesday: Thursday, end of day Shanghai
    expect(fix.due_at.toISOString()).to.equal('2026-04-30T15:59:59.000Z');

    const route = (await api.call('GET', '/api/retail/patrol-route', { as: 'inspector.1' })).body;
    expect(route.route.map((s: any) => s.store.name)).to.not.include('罗森静安寺店');
    expect(route.later.map((s: any) => s.store.name)).to.include('罗森静安寺店');
    const ticked = await tick(p.id, 'stock', { passed: true, attachmentId: await photo() });
    expect(ticked.body.error.code).to.equal('PATROL_FINISHED');
  });

  it('flags a patrol ticked in under two minutes with reused photos as perfunctory, and says why', async () => {
    const family = (await $.customer('全家徐家汇店')).id;
    const p = await start(family);
    // the same picture for the first two items, then the same bytes uploaded again for the rest
    const same = await photo(SAMPLES.jpeg());
    for (const key of ['display', 'price_tags', 'stock', 'expiry', 'promotion']) {
      later(10_000);
      const attachmentId = ['display', 'price_tags'].includes(key) ? same : await photo(SAMPLES.jpeg());
      expect((await tick(p.id, key, { passed: true, attachmentId })).status).to.equal(200);
    }
    const done = await finish(p.id);
    expect(done.body).to.deep.include({ score: 100, perfunctory: true });
    const codes = done.body.perfunctoryReasons.map((r: any) => r.code);
    expect(codes).to.include('PATROL_TOO_FAST');
    expect(done.body.perfunctoryReasons.find((r: any) => r.code === 'PATROL_TOO_FAST').message).to.contain('少于2分钟');
    expect(codes).to.include('PATROL_PHOTO_REPEATED');
    // #19's duplicate check on the photos themselves: the same bytes filed again
    expect(codes).to.include('PHOTO_REUSED');
    const mgr = (await api.call('GET', '/api/retail/patrols', { as: 'mgr.li' })).body.items;
    expect(mgr.map((x: any) => [x.store.name, x.perfunctory])).to.deep.include(['全家徐家汇店', true]);
    expect((await api.call('GET', '/api/retail/patrols', { as: 'mgr.chen' })).body.items).to.deep.equal([]);
  });

  it('refuses a store off the inspector\'s route and another person\'s photo', async () => {
    const beijing = (await $.customer('便利蜂中关村店')).id;
    const res = await api.call('POST', '/api/retail/patrols', { as: 'inspector.1', body: { storeId: beijing }, headers: { 'Idempotency-Key': idemKey() } });
    expect(res.status).to.equal(404);
    expect(res.body.error.message).to.contain('不在你的巡店路线上');
    const kedi = (await $.customer('可的便利浦东店')).id;
    const p = await start(kedi);
    const clerkPhoto = (await upload(api, await api.tokenFor('clerk.1'), SAMPLES.jpeg(), { kind: 'photo', tags: 'x', filename: 'x.jpg' })).body.id;
    const r = await tick(p.id, 'display', { passed: true, attachmentId: clerkPhoto });
    expect(r.body.error.code).to.equal('ATTACHMENT_INVALID');
  });

  it('lets a clerk report a stock-out in one tap: the store\'s rep gets a 缺货处理 action once, however often it is tapped', async () => {
    const { rows: [p] } = await pool.query(`SELECT id FROM retail_products WHERE sku = 'SNK-SW-70'`);
    const tap = () => api.call('POST', '/api/retail/stockouts', { as: 'clerk.1', body: { productId: Number(p.id) }, headers: { 'Idempotency-Key': idemKey() } });
    const first = await tap();
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body).to.deep.include({ assigneeName: '赵磊', repeated: false });
    const again = await tap();
    expect(again.body).to.deep.include({ actionId: first.body.actionId, repeated: true });
    const { rows: [a] } = await pool.query(`SELECT a.definition_code, a.title, u.wecom_userid FROM actions a JOIN users u ON u.id = a.assignee_id WHERE a.id = $1`, [first.body.actionId]);
    expect(a).to.deep.equal({ definition_code: 'stockout_response', title: '缺货：海苔夹心脆 70g（罗森静安寺店）', wecom_userid: 'rep.zhao' });
    expect(await $.count(`outbox WHERE recipient = 'rep.zhao' AND dedupe_key = $1`, [`action:${first.body.actionId}:dispatched`])).to.equal(1);
    expect((await api.call('POST', '/api/retail/stockouts', { as: 'rep.zhao', body: { productId: Number(p.id) }, headers: { 'Idempotency-Key': idemKey() } })).status).to.equal(403);
  });
});
