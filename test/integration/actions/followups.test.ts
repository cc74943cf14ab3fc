import { expect } from 'chai';
import type pg from 'pg';
import { shanghaiDate } from '../../../core/flow/time.js';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { anAttachment, DAY, idemKey, lookups } from './actions-helpers.js';

describe('follow-ups (有效跟进 vs 伪跟进)', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  let zhao: number;
  let hualian: number;
  const tomorrow = () => shanghaiDate(new Date(Date.now() + DAY));
  const customerClocks = async (id: number) =>
    (await pool.query('SELECT last_followup_at, last_effective_followup_at FROM customers WHERE id = $1', [id])).rows[0];

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    $ = lookups(pool);
    zhao = await $.userId('rep.zhao');
    hualian = (await $.customer('华联超市总部')).id;
  });
  after(() => api.close());

  it('counts a KA follow-up with a dated next step, a new document and a decision-chain update as effective', async () => {
    const doc = await anAttachment(pool, { uploadedBy: zhao, kind: 'document', tags: ['报价单'] });
    const res = await api.call('POST', '/api/followups', {
      as: 'rep.zhao', headers: { 'Idempotency-Key': idemKey() },
      body: {
        customerId: hualian, channel: 'meeting',
        summary: '与采购经理周总确认了二季度陈列方案，对方希望账期从60天缩短到45天，需要我们给出新报价。',
        actionItems: [{ text: '发送新版报价单和陈列方案', dueDate: tomorrow() }],
        newDocumentIds: [doc], contactUpdates: [{ name: '周总', role: '采购负责人' }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ effective: true, pseudo: false });
    expect(res.body.reasons.join('')).to.include('发送新版报价单和陈列方案').and.include('决策链');
    const clocks = await customerClocks(hualian);
    expect(clocks.last_effective_followup_at.toISOString()).to.equal(res.body.at);
    expect(res.body.customer.lastEffectiveFollowupAt).to.equal(res.body.at);
  });

  it('calls a vague status update without evidence a 伪跟进: recorded, not effective, and says why', async () => {
    const before = await customerClocks(hualian);
    const res = await api.call('POST', '/api/followups', {
      as: 'rep.zhao', body: { customerId: hualian, channel: 'phone', summary: '打了电话', actionItems: [{ text: '继续跟进' }] },
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ effective: false, pseudo: true });
    expect(res.body.unmet).to.include.members(['ACTION_ITEM_MISSING', 'NEW_DOCUMENTS_MISSING', 'DECISION_CHAIN_NOT_UPDATED', 'SUMMARY_TOO_SHORT']);
    expect(res.body.reasons[0]).to.include('太笼统');
    const after = await customerClocks(hualian);
    expect(after.last_followup_at.toISOString()).to.equal(res.body.at);
    expect(after.last_effective_followup_at).to.deep.equal(before.last_effective_followup_at);
    const { rows: [row] } = await pool.query('SELECT effective, has_evidence, reasons FROM followups WHERE id = $1', [res.body.id]);
    expect(row).to.deep.include({ effective: false, has_evidence: false });
  });

  it('holds a store follow-up to the store standard: without a shelf photo it is a 伪跟进, with one effective', async () => {
    const store = (await $.customer('罗森静安寺店')).id;
    const body = { customerId: store, channel: 'visit', summary: '检查了货架陈列，补了两排货', actionItems: [{ text: '周五前补齐端架促销物料', dueDate: tomorrow() }] };
    const without = await api.call('POST', '/api/followups', { as: 'rep.zhao', body });
    expect(without.body).to.include({ effective: false, pseudo: true });
    expect(without.body.unmet).to.deep.equal(['ATTACHMENTS_MISSING']);
    const photo = await anAttachment(pool, { uploadedBy: zhao, kind: 'photo', tags: ['陈列照片'] });
    const withPhoto = await api.call('POST', '/api/followups', { as: 'rep.zhao', body: { ...body, attachmentIds: [photo] } });
    expect(withPhoto.body.effective).to.equal(true);
  });

  it('reports 有效跟进/总跟进 and the 伪跟进 count within each caller\'s scope', async () => {
    const mine = await api.call('GET', '/api/followups/stats', { as: 'rep.zhao' });
    expect(mine.status).to.equal(200);
    expect(mine.body).to.include({ total: 4, effective: 2, ratio: 0.5, pseudo: 2 });
    expect(mine.body.byUser).to.deep.equal([{ userId: zhao, name: '赵磊', total: 4, effective: 2, ratio: 0.5, pseudo: 2 }]);
    expect((await api.call('GET', '/api/followups/stats', { as: 'mgr.li' })).body).to.include({ total: 4, pseudo: 2 });
    expect((await api.call('GET', '/api/followups/stats', { as: 'mgr.chen' })).body).to.include({ total: 0, ratio: null });
    expect((await api.call('GET', '/api/followups/stats', { as: 'rep.qian' })).body.total).to.equal(0);
  });

  it('refuses a follow-up on a customer outside the rep\'s scope', async () => {
    const theirs = (await $.customer('物美超市北京总部')).id;
    const res = await api.call('POST', '/api/followups', { as: 'rep.zhao', body: { customerId: theirs, channel: 'phone', summary: 'x' } });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('REFERENCE_INVALID');
  });
});
