import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { lookups } from '../actions/actions-helpers.js';

describe('the customer at the door (GET /api/visits/customers-at-door)', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let $: ReturnType<typeof lookups>;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    $ = lookups(pool);
  });
  after(() => api.close());

  const atDoor = (as: string, q: Record<string, string | number>) =>
    api.call('GET', `/api/visits/customers-at-door?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`, { as });

  it('offers the rep\'s own nearest customer, with the visit already open for it instead of a new one', async () => {
    const c = await $.customer('全家徐家汇店');
    const here = { lat: c.lat + 0.0005, lng: c.lng, coordSystem: 'gcj02' };
    const first = await atDoor('rep.zhao', here);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body.items[0]).to.include({ id: c.id, name: '全家徐家汇店' });
    expect(first.body.items[0].distanceKm).to.be.within(0.03, 0.08);

    const open = (await api.call('POST', '/api/actions', { as: 'rep.zhao', body: { definitionCode: 'visit', customerId: c.id } })).body;
    const again = await atDoor('rep.zhao', here);
    expect(again.body.items[0]).to.include({ id: c.id, openVisitId: open.id });
  });

  it('never offers another rep\'s customer, however close', async () => {
    const theirs = await $.customer('好德便利虹口店'); // rep.qian's
    const r = await atDoor('rep.zhao', { lat: theirs.lat, lng: theirs.lng, coordSystem: 'gcj02' });
    expect(r.body.items.map((i: { name: string }) => i.name)).to.not.include('好德便利虹口店');
  });

  it('refuses a position that is not one, in Chinese, naming the field', async () => {
    const r = await atDoor('rep.zhao', { lat: 123, lng: 121 });
    expect(r.status).to.equal(400);
    expect(JSON.stringify(r.body)).to.contain('纬度应在 -90 到 90 之间');
  });
});
