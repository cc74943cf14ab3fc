import { expect } from 'chai';
import type pg from 'pg';
import { shanghaiDate } from '../../../core/flow/time.js';
import { gtinCheckDigitOk } from '../../../core/retail/catalogue-schemas.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { idemKey, lookups } from '../actions/actions-helpers.js';

describe('the catalogue and the stores\' shelf positions, edited by the people who keep them', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  const clock = new Date('2026-04-27T02:00:00Z');
  const post = (path: string, as: string, body: unknown) => api.call('POST', path, { as, body, headers: { 'Idempotency-Key': idemKey() } });

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock });
    $ = lookups(pool);
    await seedRetailNetworkForReps(pool, shanghaiDate(clock));
  });
  after(() => api.close());

  it('reads a barcode\'s GS1 check digit: EAN-13, EAN-8 and UPC-A right, one digit off wrong', () => {
    expect(['4006381333931', '96385074', '036000291452', '6901234567892'].map(gtinCheckDigitOk)).to.deep.equal([true, true, true, true]);
    expect(['4006381333932', '690123456789', '12345', 'ABCDEFGHIJKLM'].map(gtinCheckDigitOk)).to.deep.equal([false, false, false, false]);
  });

  it('lets an admin add a product and a manager correct it; a taken SKU or barcode and a misread barcode are refused in Chinese, writing nothing', async () => {
    const before = await $.count('retail_products');
    const body = { sku: 'BEV-GT-1L', barcode: '6901234567953', name: '山野绿茶无糖 1L', category: '饮料', launchDate: '2026-05-10' };
    const bad = await post('/api/retail/products', 'admin.lin', { ...body, barcode: '6901234567954' });
    expect(bad.status).to.equal(400);
    expect(JSON.stringify(bad.body)).to.contain('校验位正确');
    const taken = await post('/api/retail/products', 'admin.lin', { ...body, barcode: '6901234567892' });
    expect(taken.status).to.equal(409);
    expect(taken.body.error).to.include({ code: 'PRODUCT_BARCODE_TAKEN', message: '条码 6901234567892 已是「山野绿茶无糖 500ml」的' });
    expect(await $.count('retail_products')).to.equal(before);

    const made = await post('/api/retail/products', 'admin.lin', body);
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    expect(made.body).to.include(body);
    const edit = await api.call('PATCH', `/api/retail/products/${made.body.id}`, { as: 'mgr.li', body: { name: '山野绿茶 1L', launchDate: null } });
    expect(edit.status, JSON.stringify(edit.body)).to.equal(200);
    expect(edit.body).to.include({ name: '山野绿茶 1L', launchDate: null, sku: 'BEV-GT-1L' });
    const clash = await api.call('PATCH', `/api/retail/products/${made.body.id}`, { as: 'mgr.li', body: { sku: 'BEV-LM-330' } });
    expect(clash.status).to.equal(409);
    expect(clash.body.error.code).to.equal('PRODUCT_SKU_TAKEN');
    expect((await api.call('PATCH', `/api/retail/products/${made.body.id}`, { as: 'rep.zhao', body: { name: 'x' } })).status).to.equal(403);
    const list = await api.call('GET', '/api/retail/products', { as: 'clerk.1' });
    expect(list.body.items.map((p: any) => p.name)).to.include('山野绿茶 1L');
  });

  it('lets the region\'s manager add and rename a store\'s shelf position, numbered after the store, and no one outside the region', async () => {
    const store = Number((await pool.query(`SELECT id FROM customers WHERE name = '罗森静安寺店'`)).rows[0].id);
    const added = await post(`/api/retail/stores/${store}/shelf-positions`, 'mgr.li', { label: '端架第1层' });
    expect(added.status, JSON.stringify(added.body)).to.equal(201);
    expect(added.body.code).to.equal(`SH${String(store).padStart(6, '0')}-4`);
    const renamed = await api.call('PATCH', `/api/retail/shelf-positions/${added.body.id}`, { as: 'mgr.li', body: { label: '端架第2层' } });
    expect(renamed.body).to.include({ label: '端架第2层', code: added.body.code });
    const again = await post(`/api/retail/stores/${store}/shelf-positions`, 'mgr.li', { label: '收银台', code: added.body.code });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.contain(added.body.code);
    const { rows: [far] } = await pool.query(`SELECT id FROM customers WHERE name = '便利蜂中关村店'`);
    expect((await post(`/api/retail/stores/${far.id}/shelf-positions`, 'mgr.li', { label: '端架' })).status).to.equal(404);
    expect((await post(`/api/retail/stores/${store}/shelf-positions`, 'clerk.1', { label: '端架' })).status).to.equal(403);
    const stores = await api.call('GET', '/api/retail/stores', { as: 'clerk.1' });
    expect(stores.body.items[0].shelfPositions.map((p: any) => p.label)).to.include('端架第2层');
  });
});
