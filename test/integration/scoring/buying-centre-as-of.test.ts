import { expect } from 'chai';
import type pg from 'pg';
import { loadScoreFactsAt } from '../../../core/scoring/facts.js';
import { loadScoreFactsNow } from '../../../core/scoring/facts-now.js';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { cameraPhoto } from '../../browser/support/suite.js';
import { tempDataDir, upload } from '../attachments/support/http.js';
import { shanghaiDate } from '../../../core/flow/time.js';

/**
 * Training replays each closed deal as it stood (core/scoring/facts.ts): the buying centre is read
 * from the contacts' dated history, so what a rep records after a deal closed is not that deal's.
 */
describe('the buying centre as it stood at a moment (scoring replays, training)', function () {
  this.timeout(120_000);
  let api: TestApi;
  let pool: pg.Pool;
  let data: ReturnType<typeof tempDataDir>;
  before(async () => {
    ({ pool } = await freshDatabase());
    data = tempDataDir();
    api = await startTestApi({ pool, env: { DATA_DIR: data.dir } });
  });
  after(async () => {
    await api.close();
    data.remove();
  });

  const ok = (r: { status: number; body: any }, what: string) => {
    expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 300)}`).to.be.within(200, 201);
    return r.body;
  };

  it('leaves a role added and an attitude changed after a deal closed out of that deal\'s training row', async () => {
    const customer = ok(await api.call('POST', '/api/customers', { as: 'rep.zhao', body: { name: '后来才知道的医院', type: 'hospital' } }), 'customer');
    const decider = ok(await api.call('POST', '/api/contacts', {
      as: 'rep.zhao', body: { customerId: customer.id, name: '钱院长', buyingRole: 'decider', attitude: 'neutral' } }), 'decider');
    const nurse = ok(await api.call('POST', '/api/contacts', { as: 'rep.zhao', body: { customerId: customer.id, name: '孙护士长' } }), 'nurse');
    const deal = ok(await api.call('POST', '/api/opportunities', { as: 'rep.zhao', body: { name: '后来才知道·设备', customerId: customer.id, amount: 50_000 } }), 'deal');
    ok(await api.call('PATCH', `/api/opportunities/${deal.id}`, { as: 'rep.zhao', body: { status: 'lost' } }), 'close');
    const { rows: [closed] } = await pool.query('SELECT closed_at FROM opportunities WHERE id = $1', [deal.id]);

    // after the close: the nurse turns out to be the user, a new influencer is found, the decider now supports us
    ok(await api.call('PATCH', `/api/contacts/${nurse.id}`, { as: 'rep.zhao', body: { buyingRole: 'user' } }), 'role');
    ok(await api.call('POST', '/api/contacts', { as: 'rep.zhao', body: { customerId: customer.id, name: '李主任', buyingRole: 'influencer' } }), 'new');
    ok(await api.call('PATCH', `/api/contacts/${decider.id}`, { as: 'rep.zhao', body: { attitude: 'support' } }), 'attitude');

    const [atClose] = (await loadScoreFactsAt(pool, [{ id: deal.id, asOf: closed.closed_at }])).values();
    expect(atClose.buyingCentre).to.deep.equal({ roles: 1, deciderAttitude: 'neutral' });
    const [today] = (await loadScoreFactsAt(pool, [{ id: deal.id, asOf: new Date() }])).values();
    expect(today.buyingCentre).to.deep.equal({ roles: 3, deciderAttitude: 'support' });
  });

  it('reads a contact who left as gone from the day they left, and as present before it', async () => {
    const customer = ok(await api.call('POST', '/api/customers', { as: 'rep.zhao', body: { name: '人员变动的超市', type: 'ka' } }), 'customer');
    const buyer = ok(await api.call('POST', '/api/contacts', { as: 'rep.zhao', body: { customerId: customer.id, name: '周经理', buyingRole: 'buyer' } }), 'buyer');
    const deal = ok(await api.call('POST', '/api/opportunities', { as: 'rep.zhao', body: { name: '人员变动·货架', customerId: customer.id, amount: 20_000 } }), 'deal');
    ok(await api.call('POST', '/api/contact-events', { as: 'rep.zhao', body: { kind: 'left', contactId: buyer.id, occurredOn: shanghaiDate(new Date()) } }), 'left');
    const { rows: [e] } = await pool.query(`SELECT recorded_at FROM contact_events WHERE contact_id = $1 AND kind = 'left'`, [buyer.id]);
    const before = (await loadScoreFactsAt(pool, [{ id: deal.id, asOf: new Date(e.recorded_at.getTime() - 1) }])).get(deal.id)!;
    const after = (await loadScoreFactsAt(pool, [{ id: deal.id, asOf: new Date() }])).get(deal.id)!;
    expect(before.buyingCentre.roles).to.equal(1);
    expect(after.buyingCentre.roles).to.equal(0);
    // the present, read from the contacts themselves, agrees with the history
    expect((await loadScoreFactsNow(pool, [deal.id], new Date())).get(deal.id)!.buyingCentre).to.deep.equal(after.buyingCentre);
  });

  it('counts a contact as the decision maker met only once they were the decider', async () => {
    const customer = ok(await api.call('POST', '/api/customers', { as: 'rep.zhao', body: { name: '先见后定的医院', type: 'hospital' } }), 'customer');
    const head = ok(await api.call('POST', '/api/contacts', { as: 'rep.zhao', body: { customerId: customer.id, name: '郑主任', title: '设备科主任' } }), 'head');
    const deal = ok(await api.call('POST', '/api/opportunities', { as: 'rep.zhao', body: { name: '先见后定·设备', customerId: customer.id, amount: 30_000 } }), 'deal');
    const photo = await cameraPhoto('拜访郑主任.jpg');
    const shot = (await upload(api, await api.tokenFor('rep.zhao'), photo.buffer, { kind: 'photo', customerId: String(customer.id) })).body;
    ok(await api.call('POST', '/api/followups', {
      as: 'rep.zhao', body: { customerId: customer.id, channel: 'visit', summary: '上门拜访郑主任，确认了预算和采购时间，约定下周报价', contactIds: [head.id], attachmentIds: [shot.id] } }), 'visit');
    const { rows: [f] } = await pool.query('SELECT at, has_evidence FROM followups WHERE customer_id = $1', [customer.id]);
    const visited = new Date(f.at.getTime() + 1);
    ok(await api.call('PATCH', `/api/contacts/${head.id}`, { as: 'rep.zhao', body: { buyingRole: 'decider' } }), 'decider');
    const thenFacts = (await loadScoreFactsAt(pool, [{ id: deal.id, asOf: visited }])).get(deal.id)!;
    const nowFacts = (await loadScoreFactsAt(pool, [{ id: deal.id, asOf: new Date() }])).get(deal.id)!;
    expect(f.has_evidence).to.equal(true);
    expect(thenFacts.decisionMakerMetAt).to.equal(null);
    expect(nowFacts.decisionMakerMetAt?.getTime()).to.equal(f.at.getTime());
  });
});
