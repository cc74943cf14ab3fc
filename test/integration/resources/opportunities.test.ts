import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';

describe('opportunities API', () => {
  let api: TestApi;
  let pool: pg.Pool;
  const ids = new Map<string, number>();
  const uid = (u: string) => ids.get(u)!;
  const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];
  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    (await one(`SELECT count(*)::int AS n FROM ${sql}`, params)).n;
  const customerId = async (name: string): Promise<number> => (await one('SELECT id FROM customers WHERE name = $1', [name])).id;
  const seeded = async (name: string): Promise<number> => (await one('SELECT id FROM opportunities WHERE name = $1', [name])).id;
  const newOpp = async (as = 'rep.zhao', extra: Record<string, unknown> = {}) => {
    const res = await api.call('POST', '/api/opportunities', {
      as, body: { name: `商机${randomUUID().slice(0, 6)}`, customerId: await customerId('华联超市总部'), amount: 100000, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  };
  const tick = (id: number, checklist: Record<string, boolean>, as = 'rep.zhao') =>
    api.call('PATCH', `/api/opportunities/${id}`, { as, body: { checklist } });
  const move = (id: number, body: Record<string, unknown>, as = 'rep.zhao') =>
    api.call('POST', `/api/opportunities/${id}/stage`, { as, body });
  const QUALIFIED = { contact_confirmed: true, intent_confirmed: true, profile_complete: true };

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    for (const r of (await pool.query('SELECT id, wecom_userid FROM users')).rows) ids.set(r.wecom_userid, r.id);
  });
  after(() => api.close());

  it('starts a new opportunity at the pipeline\'s first stage with a create move and an event', async () => {
    const opp = await newOpp('rep.zhao', { amount: 88000.5, expectedCloseAt: '2026-12-31' });
    expect(opp).to.include({ stageCode: 'lead_qualified', subStageCode: null, status: 'open', version: 1, amount: 88000.5, expectedCloseAt: '2026-12-31', ownerId: uid('rep.zhao') });
    expect(opp.stage).to.deep.equal({ key: 'lead_qualified', name: '线索确认', index: 1, count: 8 });
    expect(opp.checklistProgress).to.include({ done: 0, total: 3, requiredTotal: 3, complete: false });
    expect((await api.call('GET', `/api/opportunities/${opp.id}`, { as: 'rep.zhao' })).body).to.deep.equal(opp);
    const moves = await api.call('GET', `/api/opportunities/${opp.id}/stage-moves`, { as: 'rep.zhao' });
    expect(moves.body.items).to.have.length(1);
    expect(moves.body.items[0]).to.include({ kind: 'create', fromStage: null, toStage: 'lead_qualified', toName: '线索确认', byUserId: uid('rep.zhao') });
    expect(await count(`events WHERE entity_type = 'opportunity' AND entity_id = $1 AND type = 'opportunity.created'`, [opp.id])).to.equal(1);
  });

  it('shows a seeded opportunity inside 商务谈判 with its sub-stage and checklist progress', async () => {
    const res = await api.call('GET', `/api/opportunities/${await seeded('华联2027年度饮料框架合同')}`, { as: 'rep.zhao' });
    expect(res.body.stage).to.include({ key: 'negotiation', name: '商务谈判', index: 4 });
    expect(res.body.subStage).to.deep.equal({ key: 'commercial_terms', name: '商务条款磋商', index: 2, count: 3 });
    expect(res.body.checklistProgress).to.include({ total: 4, requiredTotal: 3, done: 0, complete: false });
    expect(res.body.checklistProgress.items[0]).to.include({ positionId: 'negotiation/commercial_terms', key: 'price_agreed', done: false });
  });

  it('refuses to advance with an incomplete checklist (422) and names the open items', async () => {
    const opp = await newOpp();
    await tick(opp.id, { contact_confirmed: true, intent_confirmed: true });
    const res = await move(opp.id, { toStage: 'needs_analysis' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('STAGE_CHECKLIST_INCOMPLETE');
    expect(res.body.error.message).to.include('完善客户类型、区域与归属');
    expect(res.body.error.details.failures[0].details.missing.map((m: any) => m.key)).to.deep.equal(['profile_complete']);
    expect(await count('stage_moves WHERE opportunity_id = $1', [opp.id])).to.equal(1);
    const unknown = await tick(opp.id, { price_agreed: true });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.code).to.equal('CHECKLIST_ITEM_UNKNOWN');
  });

  it('advances once the checklist is ticked, recording the move and dwell time, and moves back freely', async () => {
    const opp = await newOpp();
    const ticked = await tick(opp.id, QUALIFIED);
    expect(ticked.body.checklistProgress).to.include({ done: 3, complete: true });
    expect(ticked.body.version).to.equal(2);
    const advanced = await move(opp.id, { toStage: 'needs_analysis', expectedVersion: 2 }, 'mgr.li');
    expect(advanced.status, JSON.stringify(advanced.body)).to.equal(200);
    expect(advanced.body).to.include({ stageCode: 'needs_analysis', version: 3 });
    expect(advanced.body.checklistProgress).to.include({ done: 0, total: 3 });
    const row = await one(`SELECT * FROM stage_moves WHERE opportunity_id = $1 AND kind <> 'create'`, [opp.id]);
    expect(row).to.include({ from_stage: 'lead_qualified', to_stage: 'needs_analysis', kind: 'advance', by_user_id: uid('mgr.li'), owner_id: uid('rep.zhao') });
    expect(row.dwell_seconds).to.be.a('number').and.at.least(0);

    const back = await move(opp.id, { toStage: 'lead_qualified', reason: '客户预算重新评估' });
    expect(back.body).to.include({ stageCode: 'lead_qualified', version: 4 });
    expect(back.body.checklistProgress.complete).to.equal(true);
    const moves = await api.call('GET', `/api/opportunities/${opp.id}/stage-moves`, { as: 'rep.zhao' });
    expect(moves.body.items.map((m: any) => m.kind)).to.deep.equal(['create', 'advance', 'back']);
    const events = await pool.query(`SELECT data FROM events WHERE entity_id = $1 AND type = 'opportunity.stage_moved' ORDER BY id`, [opp.id]);
    expect(events.rows.map((r) => r.data.kind)).to.deep.equal(['advance', 'back']);
  });

  it('refuses to jump over a stage that may not be skipped', async () => {
    const opp = await newOpp();
    await tick(opp.id, QUALIFIED);
    const res = await move(opp.id, { toStage: 'solution_quote', reason: '客户很急' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('STAGE_SKIP_NOT_ALLOWED');
  });

  it('skips 法务审核 only with a reason (422 without) and records it as kind skip', async () => {
    const id = await seeded('华联2027年度饮料框架合同');
    const ready = await tick(id, { price_agreed: true, payment_terms: true, delivery_terms: true });
    expect(ready.body.checklistProgress.complete).to.equal(true);
    const noReason = await move(id, { toStage: 'contract' });
    expect(noReason.status).to.equal(422);
    expect(noReason.body.error.code).to.equal('STAGE_SKIP_REASON_REQUIRED');
    expect(noReason.body.error.message).to.include('法务审核');
    expect((await one('SELECT stage_code, sub_stage_code FROM opportunities WHERE id = $1', [id]))).to.deep.equal({ stage_code: 'negotiation', sub_stage_code: 'commercial_terms' });

    const skipped = await move(id, { toStage: 'contract', reason: '标准合同模板，客户法务已线下确认' });
    expect(skipped.status).to.equal(200);
    expect(skipped.body).to.include({ stageCode: 'contract', subStageCode: null });
    const last = await one(`SELECT * FROM stage_moves WHERE opportunity_id = $1 ORDER BY id DESC LIMIT 1`, [id]);
    expect(last).to.include({ kind: 'skip', from_sub_stage: 'commercial_terms', to_stage: 'contract', reason: '标准合同模板，客户法务已线下确认' });
    expect(last.skipped).to.deep.equal([{ stageKey: 'negotiation', subStageKey: 'legal_review', name: '商务谈判·法务审核' }]);
    const listed = await api.call('GET', `/api/opportunities/${id}/stage-moves`, { as: 'mgr.li' });
    expect(listed.body.items.at(-1)).to.include({ kind: 'skip', fromName: '商务谈判·商务条款磋商', toName: '合同签约' });
  });

  it('answers 409 CONFLICT on a stale expectedVersion and lets only one of two racing moves win', async () => {
    const opp = await newOpp();
    await tick(opp.id, QUALIFIED);
    const stale = await move(opp.id, { toStage: 'needs_analysis', expectedVersion: 1 });
    expect(stale.status).to.equal(409);
    expect(stale.body.error).to.deep.include({ code: 'CONFLICT', details: { expectedVersion: 1, version: 2 } });
    const race = await Promise.all([
      move(opp.id, { toStage: 'needs_analysis', expectedVersion: 2 }),
      move(opp.id, { toStage: 'needs_analysis', expectedVersion: 2 }, 'mgr.li'),
    ]);
    expect(race.map((r) => r.status).sort()).to.deep.equal([200, 409]);
    expect(await count(`stage_moves WHERE opportunity_id = $1 AND kind = 'advance'`, [opp.id])).to.equal(1);
    const staleEdit = await api.call('PATCH', `/api/opportunities/${opp.id}`, { as: 'rep.zhao', body: { amount: 1, expectedVersion: 2 } });
    expect(staleEdit.status).to.equal(409);
  });

  it('hides rep.zhou\'s opportunities from rep.zhao (404 on read, update, move) and scopes lists and totals', async () => {
    const theirs = await seeded('物美饮料堆头合作');
    for (const res of [
      await api.call('GET', `/api/opportunities/${theirs}`, { as: 'rep.zhao' }),
      await api.call('PATCH', `/api/opportunities/${theirs}`, { as: 'rep.zhao', body: { amount: 1 } }),
      await move(theirs, { toStage: 'lead_qualified' }),
      await api.call('GET', `/api/opportunities/${theirs}/stage-moves`, { as: 'rep.zhao' }),
      await api.call('GET', `/api/opportunities/${theirs}`, { as: 'mgr.li' }),
    ]) {
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('OPPORTUNITY_NOT_FOUND');
    }
    const zhao = await api.call('GET', '/api/opportunities?limit=200', { as: 'rep.zhao' });
    expect(zhao.body.total).to.equal(await count('opportunities WHERE owner_id = $1', [uid('rep.zhao')]));
    const east = await count(`opportunities o JOIN departments d ON d.id = o.department_id WHERE d.name = '华东区'`);
    const li = await api.call('GET', '/api/opportunities?limit=2&sort=amount&order=desc', { as: 'mgr.li' });
    expect(li.body.total).to.equal(east);
    const second = await api.call('GET', `/api/opportunities?limit=2&sort=amount&order=desc&cursor=${li.body.nextCursor}`, { as: 'mgr.li' });
    expect(second.body.items[0].amount).to.be.at.most(li.body.items[1].amount);
    const negotiating = await api.call('GET', '/api/opportunities?stageCode=negotiation', { as: 'director.wang' });
    expect(negotiating.body.total).to.equal(await count(`opportunities WHERE stage_code = 'negotiation'`));
    const create = await api.call('POST', '/api/opportunities', {
      as: 'rep.zhao', body: { name: '越权商机', customerId: await customerId('物美超市北京总部') },
    });
    expect(create.status).to.equal(422);
    expect(create.body.error.code).to.equal('REFERENCE_INVALID');
  });

  it('closes an opportunity as won with closedAt, then refuses stage moves until it is reopened', async () => {
    const opp = await newOpp();
    const won = await api.call('PATCH', `/api/opportunities/${opp.id}`, { as: 'rep.zhao', body: { status: 'won', amount: 120000, reason: '年度框架签署' } });
    expect(won.body).to.include({ status: 'won', amount: 120000 });
    expect(won.body.closedAt).to.be.a('string');
    const blocked = await move(opp.id, { toStage: 'needs_analysis' });
    expect(blocked.status).to.equal(422);
    expect(blocked.body.error.code).to.equal('OPPORTUNITY_CLOSED');
    const reopened = await api.call('PATCH', `/api/opportunities/${opp.id}`, { as: 'rep.zhao', body: { status: 'open' } });
    expect(reopened.body).to.include({ status: 'open', closedAt: null });
    const ev = await one(`SELECT data FROM events WHERE entity_id = $1 AND type = 'opportunity.status_changed' ORDER BY id LIMIT 1`, [opp.id]);
    expect(ev.data).to.include({ from: 'open', to: 'won', reason: '年度框架签署' });
  });

  it('creates once per Idempotency-Key, also when five retries race', async () => {
    const body = { name: '幂等商机', customerId: await customerId('罗森静安寺店'), amount: 5000 };
    const headers = { 'Idempotency-Key': `opp-${randomUUID()}` };
    const first = await api.call('POST', '/api/opportunities', { as: 'rep.zhao', body, headers });
    const second = await api.call('POST', '/api/opportunities', { as: 'rep.zhao', body, headers });
    expect(second.status).to.equal(201);
    expect(second.body).to.deep.equal(first.body);
    const raceHeaders = { 'Idempotency-Key': `opp-${randomUUID()}` };
    const raced = await Promise.all(Array.from({ length: 5 }, () =>
      api.call('POST', '/api/opportunities', { as: 'rep.zhao', body: { ...body, name: '并发商机' }, headers: raceHeaders })));
    expect(raced.map((r) => r.status)).to.deep.equal([201, 201, 201, 201, 201]);
    for (const r of raced) expect(r.body).to.deep.equal(raced[0].body);
    expect(await count(`opportunities WHERE name IN ('幂等商机', '并发商机')`)).to.equal(2);
    expect(await count(`stage_moves WHERE opportunity_id = $1`, [raced[0].body.id])).to.equal(1);
  });

  it('rejects malformed bodies with VALIDATION_FAILED and unknown or unchanged targets with 422', async () => {
    const bad = await api.call('POST', '/api/opportunities', {
      as: 'rep.zhao', body: { name: '', customerId: '1', amount: 1.234, stage: 'contract' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: any) => d.path)).to.include.members(['body.name', 'body.customerId', 'body.amount']);
    expect(bad.body.error.details.find((d: any) => d.path === 'body.amount').message).to.equal('金额最多两位小数');
    const opp = await newOpp();
    expect((await move(opp.id, { toStage: '' })).status).to.equal(400);
    const unknown = await move(opp.id, { toStage: 'moon' });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.code).to.equal('STAGE_NOT_FOUND');
    const same = await move(opp.id, { toStage: 'lead_qualified' });
    expect(same.body.error.code).to.equal('STAGE_UNCHANGED');
    const query = await api.call('GET', '/api/opportunities?sort=probability', { as: 'rep.zhao' });
    expect(query.status).to.equal(400);
  });
});
