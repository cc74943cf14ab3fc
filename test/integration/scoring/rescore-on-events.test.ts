import { expect } from 'chai';
import type pg from 'pg';
import { rescoreQueued } from '../../../core/scoring/rescore.js';
import { scoreAllOpenOpportunities } from '../../../core/scoring/scores.js';
import { pushTalkTracks } from '../../../core/talk-tracks/push.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { aValidVisitReport, anAttachment, dispatch, lookups } from '../actions/actions-helpers.js';

/**
 * Each kind of event that may move a deal's win score queues the deal through the event log's
 * trigger, in the event's own transaction; the rescoring worker's call (rescoreQueued) scores the
 * queue, appends to the history only when the score moved, and pushes a talk-track pack when a
 * signal newly fires.
 */
describe('rescoring a deal when an event happens (core/scoring/rescore.ts)', function () {
  this.timeout(120_000);
  let api: TestApi;
  let pool: pg.Pool;
  let $: ReturnType<typeof lookups>;
  let zhao: number;
  let deal: { id: number; customer_id: number; lat: number; lng: number; stage_code: string };
  const now = () => new Date();
  const publicUrl = 'http://af.test';
  const rescore = () => rescoreQueued(pool, now, { onSignals: pushTalkTracks(publicUrl) });
  const queued = async () => (await pool.query('SELECT opportunity_id::int AS id, event_type FROM score_queue ORDER BY seq')).rows;
  const stored = async () => (await pool.query('SELECT probability, reasons, computed_at FROM opportunity_scores WHERE opportunity_id = $1', [deal.id])).rows[0];
  const history = async () => (await pool.query('SELECT probability FROM opportunity_score_history WHERE opportunity_id = $1 ORDER BY at', [deal.id])).rows;
  const kinds = async () => (await stored()).reasons.map((r: { kind: string }) => r.kind);

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    $ = lookups(pool);
    zhao = await $.userId('rep.zhao');
    // a deal of 赵磊's in an early stage (its next move skips nothing), on a customer with a door to check in at
    deal = (await pool.query(`SELECT o.id::int, o.customer_id::int, c.lat, c.lng, o.stage_code FROM opportunities o
      JOIN customers c ON c.id = o.customer_id JOIN users u ON u.id = o.owner_id
      WHERE u.wecom_userid = 'rep.zhao' AND o.status = 'open' AND c.lat IS NOT NULL AND o.stage_code IN ('lead_qualified', 'needs_analysis', 'solution_quote')
      ORDER BY o.id LIMIT 1`)).rows[0];
    expect(deal, 'a demo deal of rep.zhao').to.not.equal(undefined);
    // everything scored and the queue empty: what follows is each event's own doing
    await scoreAllOpenOpportunities(pool, now());
    expect(await queued()).to.deep.equal([]);
  });
  after(() => api.close());

  it('queues the deal on a stage move and rescores it, with a new history point for the new stage', async () => {
    const before = await stored();
    const points = (await history()).length;
    const pipeline = (await pool.query(`SELECT p.definition->'stages' AS stages FROM pipelines p JOIN opportunities o ON o.pipeline_id = p.id WHERE o.id = $1`, [deal.id])).rows[0].stages;
    const next = pipeline[pipeline.findIndex((s: { key: string }) => s.key === deal.stage_code) + 1].key;
    const opp = (await api.call('GET', `/api/opportunities/${deal.id}`, { as: 'rep.zhao' })).body;
    const open = opp.checklistProgress.items.filter((i: { required: boolean; done: boolean }) => i.required && !i.done).map((i: { key: string }) => i.key);
    if (open.length) {
      const tick = await api.call('PATCH', `/api/opportunities/${deal.id}`, { as: 'rep.zhao', body: { checklist: Object.fromEntries(open.map((k: string) => [k, true])) } });
      expect(tick.status, JSON.stringify(tick.body)).to.equal(200);
      expect(await queued()).to.deep.equal([{ id: deal.id, event_type: 'opportunity.updated' }]);
      await rescore();
    }
    const res = await api.call('POST', `/api/opportunities/${deal.id}/stage`, { as: 'rep.zhao', body: { toStage: next } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(await queued()).to.deep.equal([{ id: deal.id, event_type: 'opportunity.stage_moved' }]);

    expect((await rescore()).scored).to.equal(1);
    expect(await queued()).to.deep.equal([]);
    const after = await stored();
    expect(after.probability).to.be.greaterThan(before.probability);
    expect(await history()).to.have.length(points + 1);
    expect((await history()).at(-1).probability).to.be.closeTo(after.probability, 1e-6);
  });

  it('queues every open deal of the customer on a follow-up', async () => {
    const res = await api.call('POST', '/api/followups', { as: 'rep.zhao', body: { customerId: deal.customer_id, channel: 'phone', summary: '电话确认了样品寄送地址' } });
    expect(res.status, JSON.stringify(res.body)).to.be.within(200, 201);
    const { rows: open } = await pool.query(`SELECT id::int FROM opportunities WHERE customer_id = $1 AND status = 'open' ORDER BY id`, [deal.customer_id]);
    expect((await queued()).map((q) => q.id).sort((a, b) => a - b)).to.deep.equal(open.map((o) => o.id));
    expect(new Set((await queued()).map((q) => q.event_type))).to.deep.equal(new Set(['followup.recorded']));

    await rescore();
    expect(await queued()).to.deep.equal([]);
  });

  it('rescores on a contact\'s change but adds no history point when the score did not move', async () => {
    const before = await stored();
    const points = (await history()).length;
    const { rows: [k] } = await pool.query('SELECT id FROM contacts WHERE customer_id = $1 ORDER BY id LIMIT 1', [deal.customer_id]);
    const res = await api.call('PATCH', `/api/contacts/${k.id}`, { as: 'rep.zhao', body: { title: '采购总监' } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((await queued()).filter((q) => q.id === deal.id)).to.deep.equal([{ id: deal.id, event_type: 'contact.updated' }]);
    await rescore();
    const after = await stored();
    expect(after.computed_at.getTime()).to.be.greaterThan(before.computed_at.getTime());
    expect(after.probability).to.equal(before.probability);
    expect(await history()).to.have.length(points);
  });

  it('rescores on an accepted visit report that met the decision maker, and pushes the pack aimed at that signal once', async () => {
    const pack = await api.call('POST', '/api/talk-tracks', {
      as: 'admin.lin',
      body: {
        title: '见到决策人之后怎么推进', summary: '拍板人见过了，下一步要什么', signalKinds: ['decision_maker.met'],
        sections: [{ heading: '约定下一步', body: '当场约好方案评审的时间和参会人。' }],
      },
    });
    expect(pack.status, JSON.stringify(pack.body)).to.equal(201);
    expect(await kinds()).to.not.include('decision_maker.met');

    const action = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: deal.customer_id, assigneeId: zhao, title: '拜访拍板人' });
    const report = await aValidVisitReport(pool, { repId: zhao, customerId: deal.customer_id, lat: deal.lat, lng: deal.lng, at: now() });
    (report.fields as Record<string, unknown>).decisionRole = '决策者';
    const res = await api.call('POST', `/api/actions/${action.id}/visit-report`, { as: 'rep.zhao', body: report });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((await queued()).map((q) => q.id)).to.include(deal.id);

    const before = await stored();
    await rescore();
    expect(await kinds()).to.include('decision_maker.met');
    expect((await stored()).probability).to.be.greaterThan(before.probability);
    const pushes = async () => (await pool.query(
      `SELECT p.signal_kind, o.dedupe_key FROM talk_track_pushes p JOIN outbox o ON o.dedupe_key = 'talk-track:' || p.pack_id || ':deal:' || p.opportunity_id
        WHERE p.pack_id = $1 AND p.opportunity_id = $2`, [pack.body.id, deal.id])).rows;
    expect(await pushes()).to.have.length(1);
    expect((await pushes())[0].signal_kind).to.equal('decision_maker.met');

    // the signal still firing on the next event pushes nothing more
    await api.call('POST', '/api/followups', { as: 'rep.zhao', body: { customerId: deal.customer_id, channel: 'phone', summary: '确认评审时间' } });
    await rescore();
    expect(await pushes()).to.have.length(1);
  });

  it('queues the deal when the customer\'s procurement moves a step', async () => {
    const res = await api.call('POST', `/api/opportunities/${deal.id}/procurement-events`, {
      as: 'rep.zhao', body: { stage: 'budget_requested', occurredOn: new Date().toISOString().slice(0, 10) },
    });
    expect(res.status, JSON.stringify(res.body)).to.be.within(200, 201);
    expect(await queued()).to.deep.equal([{ id: deal.id, event_type: 'procurement.recorded' }]);
    await rescore();
    expect(await queued()).to.deep.equal([]);
  });

  it('queues the customer\'s deals when a manager decides on a visit\'s evidence', async () => {
    const { rows: [review] } = await pool.query(`SELECT r.submission_id::int AS id FROM evidence_reviews r JOIN submissions s ON s.id = r.submission_id
      WHERE r.customer_id = $1 AND s.outcome = 'accepted' ORDER BY r.submission_id DESC LIMIT 1`, [deal.customer_id]);
    expect(review, 'the visit report filed above has its evidence verdict').to.not.equal(undefined);
    // the verdict asked a manager to look (what a copied or undated photo does)
    await pool.query(`UPDATE evidence_reviews SET status = 'pending', verdict = 'review' WHERE submission_id = $1`, [review.id]);
    await rescore();
    const res = await api.call('POST', `/api/evidence-reviews/${review.id}/decision`, { as: 'mgr.li', body: { decision: 'reject', comment: '合影是旧照片' } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((await queued()).filter((q) => q.id === deal.id)).to.deep.equal([{ id: deal.id, event_type: 'evidence.reviewed' }]);
    await rescore();
    expect(await queued()).to.deep.equal([]);
  });

  it('rescores on a buying-centre change: the contact an evidenced visit named becomes the decision maker', async () => {
    // a new customer and deal: nobody on file is its decision maker yet
    const customer = await api.call('POST', '/api/customers', { as: 'rep.zhao', body: { name: '新建的医院客户', type: 'hospital' } });
    expect(customer.status, JSON.stringify(customer.body)).to.equal(201);
    const customerId = customer.body.id;
    const other = await api.call('POST', '/api/opportunities', { as: 'rep.zhao', body: { name: '新建的医院设备采购', customerId, amount: 200_000 } });
    expect(other.status, JSON.stringify(other.body)).to.equal(201);
    expect(await queued()).to.deep.equal([{ id: other.body.id, event_type: 'opportunity.created' }]);
    const contact = await api.call('POST', '/api/contacts', { as: 'rep.zhao', body: { customerId, name: '钟岩', title: '副院长' } });
    expect(contact.status, JSON.stringify(contact.body)).to.equal(201);
    const photo = await anAttachment(pool, { uploadedBy: zhao, kind: 'photo', tags: ['合影'], capturedAt: now() });
    const fu = await api.call('POST', '/api/followups', {
      as: 'rep.zhao', body: { customerId, channel: 'visit', summary: '和钟岩副院长面谈了方案', attachmentIds: [photo], contactIds: [contact.body.id] },
    });
    expect(fu.status, JSON.stringify(fu.body)).to.be.within(200, 201);
    await rescore();
    const scoreOf = async () => (await pool.query('SELECT probability, reasons FROM opportunity_scores WHERE opportunity_id = $1', [other.body.id])).rows[0];
    const before = await scoreOf();
    expect(before.reasons.map((r: { kind: string }) => r.kind)).to.not.include('decision_maker.met');

    const res = await api.call('PATCH', `/api/contacts/${contact.body.id}`, { as: 'rep.zhao', body: { buyingRole: 'decider' } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(await queued()).to.deep.equal([{ id: other.body.id, event_type: 'contact.updated' }]);
    await rescore();
    const after = await scoreOf();
    expect(after.reasons.map((r: { kind: string }) => r.kind)).to.include('decision_maker.met');
    expect(after.probability).to.be.greaterThan(before.probability);
  });

  it('queues every open deal when 赢率信号 changes, and a read of a queued deal scores it before answering', async () => {
    const cur = await api.call('GET', '/api/settings/scoring.signals', { as: 'admin.lin' });
    const value = { ...cur.body.value, customerSilent: { ...cur.body.value.customerSilent, days: 1, odds: 0.2 } };
    const put = await api.call('PUT', '/api/settings/scoring.signals', { as: 'admin.lin', body: { value, expectedVersion: cur.body.own.version, comment: '试验：沉默一天就降' } });
    expect(put.status, JSON.stringify(put.body)).to.be.within(200, 201);
    const { rows: [{ n }] } = await pool.query(`SELECT count(*)::int AS n FROM opportunities WHERE status = 'open'`);
    expect(await queued()).to.have.length(n);
    expect((await queued()).every((q) => q.event_type === 'config.updated')).to.equal(true);

    const read = await api.call('GET', `/api/opportunities/${deal.id}/score`, { as: 'rep.zhao' });
    expect(read.status).to.equal(200);
    expect((await queued()).map((q) => q.id)).to.not.include(deal.id);
    expect(read.body.probability).to.be.closeTo((await stored()).probability, 1e-6);
    expect((await rescore()).scored).to.equal(n - 1);
    expect(await queued()).to.deep.equal([]);
  });

  it('queues nothing for an event outside any deal\'s facts, nor a closed deal', async () => {
    await pool.query('DELETE FROM score_queue');
    const pack = await api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: { title: '无关的包', sections: [{ heading: '开场', body: '先问候。' }] } });
    expect(pack.status).to.equal(201);
    expect(await queued()).to.deep.equal([]);
    // the new hospital's only deal, lost: a follow-up there concerns no open deal
    const { rows: [lost] } = await pool.query(`SELECT id::int, customer_id::int FROM opportunities WHERE name = '新建的医院设备采购'`);
    const close = await api.call('PATCH', `/api/opportunities/${lost.id}`, { as: 'rep.zhao', body: { status: 'lost', reason: '预算取消' } });
    expect(close.status, JSON.stringify(close.body)).to.equal(200);
    await pool.query('DELETE FROM score_queue');
    const fu = await api.call('POST', '/api/followups', { as: 'rep.zhao', body: { customerId: lost.customer_id, channel: 'phone', summary: '回访：预算明年再批' } });
    expect(fu.status, JSON.stringify(fu.body)).to.be.within(200, 201);
    expect(await queued()).to.deep.equal([]);
  });
});
