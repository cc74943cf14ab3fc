import { expect } from 'chai';
import sharp from 'sharp';
import type pg from 'pg';
import { BUYING_ROLE_OPTIONS } from '../../../core/flow/buying-centre.js';
import { gcj02ToWgs84 } from '../../../core/flow/geo.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { cameraPhoto } from '../../support/camera-photo.js';
import { freshDatabase } from '../../support/database.js';
import { rawCall, upload } from '../attachments/support/http.js';

/**
 * 钱芳 files a visit of 联华超市江桥店 with a re-encoded copy of the photo 赵磊
 * took at 华联超市总部: accepted, but routed to 李明's review queue, and her
 * 有效跟进 waits for his decision.
 */
describe('evidence review: a reused photo from visit to decision', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let zhaoPhoto: Buffer;
  let reviewId: number;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
  });
  after(async () => {
    await api.close();
  });

  const one = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows[0];
  const $ = {
    userId: async (u: string): Promise<number> => (await one('SELECT id FROM users WHERE wecom_userid = $1', [u])).id,
    customer: (name: string) => one('SELECT id, lat, lng FROM customers WHERE name = $1', [name]),
    latestOrderIds: async (customerId: number): Promise<number[]> =>
      (await pool.query('SELECT id FROM orders WHERE customer_id = $1 ORDER BY ordered_at DESC, id DESC LIMIT 3', [customerId])).rows.map((r) => r.id),
  };

  /** Files a visit report for `customer` as `rep` with the given photo bytes (plus a fresh 合影 and a memo). */
  async function fileVisit(rep: string, customerName: string, doorPhoto: Buffer, submit = true) {
    const c = await $.customer(customerName);
    const repId = await $.userId(rep);
    const a = (await api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: c.id, assigneeId: repId, title: `拜访${customerName}` } })).body;
    const token = await api.tokenFor(rep);
    const now = new Date();
    const here = gcj02ToWgs84(c.lat, c.lng);
    const door = await upload(api, token, doorPhoto, { kind: 'photo', tags: '门头照', actionId: String(a.id) });
    const group = await upload(api, token, await cameraPhoto({ scene: 1000 + a.id, width: 640, height: 480, gps: here }),
      { kind: 'photo', tags: '合影', actionId: String(a.id) });
    expect([door.status, group.status], JSON.stringify(door.body)).to.deep.equal([201, 201]);
    // a memo row as an upload records it (the memo's own checks are voice-upload.test.ts's)
    const memo = (await one(`INSERT INTO attachments (sha256, kind, mime, size, tags, uploaded_by) VALUES (md5(random()::text) || md5(random()::text), 'voice', 'audio/amr', 1024, '{语音纪要}', $1) RETURNING id`, [repId])).id;
    const body = {
      fields: { decisionRole: BUYING_ROLE_OPTIONS[0], nextContactAt: new Date(now.getTime() + 7 * 86_400_000).toISOString() },
      attachmentIds: [door.body.id, group.body.id, memo],
      checkIn: { lat: c.lat, lng: c.lng, coordSystem: 'gcj02', at: new Date(now.getTime() - 10 * 60_000).toISOString(), accuracy: 18 },
      transcript: '店长说价格偏高，账期太长，竞品在做促销。', transcriptSource: 'typed',
      linkedOrderIds: await $.latestOrderIds(c.id),
    };
    const check = await api.call('POST', `/api/actions/${a.id}/evidence-check`, { as: rep, body });
    if (!submit) return { action: a, check };
    const res = await api.call('POST', `/api/actions/${a.id}/visit-report`, { as: rep, body });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return { action: a, check, res };
  }

  it('trusts an honest visit and counts it as an effective follow-up', async () => {
    const c = await $.customer('华联超市总部');
    zhaoPhoto = await cameraPhoto({ scene: 77, width: 800, height: 600, gps: gcj02ToWgs84(c.lat, c.lng), takenAt: new Date(Date.now() - 8 * 60_000) });
    const { res } = await fileVisit('rep.zhao', '华联超市总部', zhaoPhoto);
    expect(res!.body.evidence).to.deep.include({ score: 100, verdict: 'trusted', findings: [] });
    const { rows: [f] } = await pool.query('SELECT effective FROM followups WHERE action_id = $1', [res!.body.action.id]);
    expect(f.effective).to.equal(true);
    const detail = await api.call('GET', `/api/actions/${res!.body.action.id}`, { as: 'rep.zhao' });
    expect(detail.body.evidence).to.deep.include({ verdict: 'trusted', verdictLabel: '可信', status: 'none', counts: true });
  });

  it('accepts the copied photo but routes the report to review, naming the earlier visit; the follow-up does not count yet', async () => {
    const copy = await sharp(zhaoPhoto).resize(600).jpeg({ quality: 60 }).toBuffer();
    const { res } = await fileVisit('rep.qian', '联华超市江桥店', copy);
    const ev = res!.body.evidence;
    expect(ev.verdict).to.be.oneOf(['review', 'rejected']);
    const reused = ev.findings.find((f: any) => f.code === 'PHOTO_REUSED');
    expect(reused.message).to.contain('赵磊').and.contain('华联超市总部');
    expect(reused.details.earlier.customer.name).to.equal('华联超市总部');
    reviewId = res!.body.submissionId;
    const { rows: [f] } = await pool.query('SELECT effective, unmet FROM followups WHERE action_id = $1', [res!.body.action.id]);
    expect(f).to.deep.include({ effective: false, unmet: ['EVIDENCE_UNDER_REVIEW'] });
  });

  it('puts it first in the manager\'s queue and hides it from another region\'s manager', async () => {
    const queue = await api.call('GET', '/api/evidence-reviews', { as: 'mgr.li' });
    expect(queue.status).to.equal(200);
    expect(queue.body.items[0]).to.deep.include({ submissionId: reviewId, status: 'pending', statusLabel: '待复核' });
    expect(queue.body.items[0].rep.name).to.equal('钱芳');
    expect((await api.call('GET', '/api/evidence-reviews', { as: 'mgr.chen' })).body.items).to.deep.equal([]);
    expect((await api.call('GET', `/api/evidence-reviews/${reviewId}`, { as: 'mgr.chen' })).status).to.equal(404);
  });

  it('gives the manager both photos side by side and the rep\'s check-ins that day', async () => {
    const r = await api.call('GET', `/api/evidence-reviews/${reviewId}`, { as: 'mgr.li' });
    expect(r.status).to.equal(200);
    expect(r.body.files.map((f: any) => f.tags[0])).to.deep.equal(['门头照', '合影', '语音纪要']);
    expect(r.body.earlierFiles).to.have.length(1);
    expect(r.body.earlierFiles[0]).to.deep.include({ rep: { id: await $.userId('rep.zhao'), name: '赵磊' } });
    const bytes = await rawCall(api, 'GET', r.body.earlierFiles[0].url, { token: await api.tokenFor('mgr.li') });
    expect(bytes.status).to.equal(200);
    expect(bytes.bytes.equals(zhaoPhoto)).to.equal(true);
    expect(r.body.checkIns.some((k: any) => k.current && k.customer.name === '联华超市江桥店')).to.equal(true);
    const { rows: [zhaoGroup] } = await pool.query(`SELECT id FROM attachments WHERE tags = '{合影}' AND uploaded_by = $1`, [await $.userId('rep.zhao')]);
    const elsewhere = await rawCall(api, 'GET', `/api/evidence-reviews/${reviewId}/files/${zhaoGroup.id}`, { token: await api.tokenFor('mgr.li') });
    expect(elsewhere.status, 'a file the review does not name').to.equal(404);
  });

  it('lets the rep explain a finding but not decide her own review', async () => {
    const r = await api.call('GET', `/api/evidence-reviews/${reviewId}`, { as: 'rep.qian' });
    const f = r.body.findings.find((x: any) => x.code === 'PHOTO_REUSED');
    const appeal = await api.call('POST', `/api/evidence-reviews/${reviewId}/appeals`, {
      as: 'rep.qian', body: { code: 'PHOTO_REUSED', target: f.target, text: '两家店门头是同一个装修公司做的' },
    });
    expect(appeal.status, JSON.stringify(appeal.body)).to.equal(200);
    expect(appeal.body.appeals.map((x: any) => x.text)).to.deep.equal(['两家店门头是同一个装修公司做的']);
    const self = await api.call('POST', `/api/evidence-reviews/${reviewId}/decision`, { as: 'rep.qian', body: { decision: 'accept' } });
    expect(self.status).to.equal(403);
  });

  it('counts the follow-up once the manager accepts, and stops counting it when he changes his mind', async () => {
    const ok = await api.call('POST', `/api/evidence-reviews/${reviewId}/decision`, { as: 'mgr.li', body: { decision: 'accept', comment: '已电话核实' } });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body).to.deep.include({ status: 'accepted', counts: true, comment: '已电话核实' });
    const effective = async () => (await pool.query(
      `SELECT f.effective, c.last_effective_followup_at FROM evidence_reviews r JOIN followups f ON f.id = r.followup_id
         JOIN customers c ON c.id = f.customer_id WHERE r.submission_id = $1`, [reviewId])).rows[0];
    expect((await effective()).effective).to.equal(true);
    expect((await effective()).last_effective_followup_at).to.not.equal(null);

    const noReason = await api.call('POST', `/api/evidence-reviews/${reviewId}/decision`, { as: 'mgr.li', body: { decision: 'reject' } });
    expect(noReason.status).to.equal(400);
    const no = await api.call('POST', `/api/evidence-reviews/${reviewId}/decision`, {
      as: 'mgr.li', body: { decision: 'reject', comment: '照片是赵磊的', expectedVersion: ok.body.version },
    });
    expect(no.status, JSON.stringify(no.body)).to.equal(200);
    expect((await effective())).to.deep.equal({ effective: false, last_effective_followup_at: null });
    const stale = await api.call('POST', `/api/evidence-reviews/${reviewId}/decision`, {
      as: 'mgr.li', body: { decision: 'accept', expectedVersion: ok.body.version },
    });
    expect(stale.status).to.equal(409);
    const { rows: msgs } = await pool.query(`SELECT recipient, payload FROM outbox WHERE dedupe_key LIKE $1 ORDER BY id`, [`evidence:${reviewId}:%`]);
    expect(msgs.map((m) => [m.recipient, m.payload.textcard.title])).to.deep.equal([
      ['rep.qian', '拜访证据复核通过'], ['rep.qian', '拜访证据复核未通过'],
    ]);
  });

  it('brings a rejected review back to the queue when the rep explains', async () => {
    const r = await api.call('GET', `/api/evidence-reviews/${reviewId}`, { as: 'rep.qian' });
    const f = r.body.findings[0];
    const appeal = await api.call('POST', `/api/evidence-reviews/${reviewId}/appeals`, { as: 'rep.qian', body: { code: f.code, target: f.target, text: '请再看一下' } });
    expect(appeal.body.status).to.equal('pending');
  });
  it('shows the rep the reuse right after the upload, before any submission', async () => {
    const copy = await sharp(zhaoPhoto).resize(640).jpeg({ quality: 70 }).toBuffer();
    const { check } = await fileVisit('rep.qian', '好德便利虹口店', copy, false);
    expect(check.status, JSON.stringify(check.body)).to.equal(200);
    expect(check.body.findings.map((f: any) => f.code)).to.include('PHOTO_REUSED');
    expect(check.body.findings.find((f: any) => f.code === 'PHOTO_REUSED')).to.include({ label: '照片重复使用' });
  });

  it("checks a hospital visit's draft by the hospitals' own thresholds, as its submission is judged", async () => {
    const standard = (await api.call('GET', '/api/settings/evidence.thresholds', { as: 'admin.lin' })).body.value;
    const put = await api.call('PUT', '/api/settings/evidence.thresholds', {
      as: 'admin.lin', body: { scope: { departmentId: null, customerType: 'hospital' }, expectedVersion: 0, value: { ...standard, photoMaxMinutes: 1 } },
    });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const c = await $.customer('南京鼓楼医院');
    const photo = await cameraPhoto({ scene: 4242, width: 800, height: 600, gps: gcj02ToWgs84(c.lat, c.lng), takenAt: new Date(Date.now() - 8 * 60_000) });
    const { check, res } = await fileVisit('rep.sun', '南京鼓楼医院', photo);
    const codes = (findings: any[]) => findings.map((f) => f.code);
    expect(codes(check.body.findings)).to.include('PHOTO_STALE');
    expect(codes(check.body.findings)).to.deep.equal(codes(res!.body.evidence.findings));
    expect(check.body.verdict).to.equal(res!.body.evidence.verdict);
  });
});
