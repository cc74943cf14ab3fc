import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { getActionRowOrThrow } from '../../../core/actions/action-repo.js';
import { writeTransition } from '../../../core/actions/write-transition.js';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { aValidVisitReport, anAttachment, DAY, dispatch, HOUR, idemKey, lookups } from './actions-helpers.js';

describe('visit reports', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  let zhao: number;
  let hualian: { id: number; lat: number; lng: number };
  const now = () => new Date();

  before(async () => {
    ({ pool } = await freshDatabase(16));
    api = await startTestApi({ pool });
    $ = lookups(pool);
    zhao = await $.userId('rep.zhao');
    hualian = await $.customer('华联超市总部');
  });
  after(() => api.close());

  const newVisit = (title = '拜访华联') => dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian.id, assigneeId: zhao, title });
  const submit = (id: number, body: unknown, headers?: Record<string, string>) =>
    api.call('POST', `/api/actions/${id}/visit-report`, { as: 'rep.zhao', body, headers });

  /**
   * Only a 门头照, a next contact yesterday, checked in ~5 km away, one pain point, no orders linked.
   * Checked in three hours ago: a valid report from the shop now is then a plausible trip, not a teleport.
   */
  async function aBadReport(): Promise<Record<string, unknown>> {
    const t = new Date(now().getTime() - 3 * HOUR);
    return {
      fields: { decisionRole: '采购者', nextContactAt: new Date(t.getTime() - DAY).toISOString() },
      attachmentIds: [
        await anAttachment(pool, { uploadedBy: zhao, kind: 'photo', tags: ['门头照'], capturedAt: new Date(t.getTime() - HOUR / 2) }),
        await anAttachment(pool, { uploadedBy: zhao, kind: 'voice' }),
      ],
      checkIn: { lat: hualian.lat + 0.045, lng: hualian.lng, coordSystem: 'gcj02', at: t.toISOString() },
      transcript: '客户说我们的价格偏高。',
      linkedOrderIds: [],
    };
  }

  it('rejects a report with every failure listed at once, keeps the draft and records the attempt', async () => {
    const a = await newVisit();
    const bad = await aBadReport();
    const res = await submit(a.id, bad);
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('VISIT_REPORT_REJECTED');
    const codes = res.body.error.details.failures.map((f: any) => f.code);
    expect(codes).to.include.members([
      'ATTACHMENTS_TOO_FEW', 'ATTACHMENT_TAG_MISSING', 'FIELD_NOT_FUTURE', 'CHECKIN_TOO_FAR', 'VOICE_KEYWORDS_TOO_FEW', 'ORDERS_NOT_LINKED',
    ]);
    const tagMissing = res.body.error.details.failures.find((f: any) => f.code === 'ATTACHMENT_TAG_MISSING');
    expect(tagMissing.message).to.include('合影');
    const far = res.body.error.details.failures.find((f: any) => f.code === 'CHECKIN_TOO_FAR');
    expect(far.details.distanceKm).to.be.within(4.5, 5.5);

    const { rows: [draft] } = await pool.query('SELECT payload FROM action_drafts WHERE action_id = $1', [a.id]);
    expect(draft.payload).to.deep.include({ attachmentIds: bad.attachmentIds, transcript: bad.transcript });
    const { rows: subs } = await pool.query('SELECT outcome, kind, failures, payload, definition_version FROM submissions WHERE action_id = $1', [a.id]);
    expect(subs).to.have.length(1);
    expect(subs[0]).to.include({ outcome: 'rejected', kind: 'visit_report', definition_version: 1 });
    expect(subs[0].payload.attachments.map((x: any) => x.tags[0] ?? null)).to.deep.equal(['门头照', null]);
    expect(subs[0].payload.facts.customer.name).to.equal('华联超市总部');

    const detail = await api.call('GET', `/api/actions/${a.id}`, { as: 'rep.zhao' });
    expect(detail.body.action.status).to.equal('in_progress');
    expect(detail.body.lastSubmission.outcome).to.equal('rejected');
    expect(detail.body.lastSubmission.failures.map((f: any) => f.code)).to.deep.equal(codes);
    const photos = detail.body.checklist.find((c: any) => c.ruleId === 'visit.photos');
    expect(photos).to.include({ satisfied: false });
    expect(detail.body.checklist.find((c: any) => c.ruleId === 'visit.voice')).to.include({ satisfied: true });
    expect(detail.body.events.map((e: any) => e.type)).to.deep.equal(['action.dispatched', 'action.submission_rejected']);
  });

  it('opens exactly one supervisor to-do (and one message) for three rejected attempts the same day', async () => {
    const a = await newVisit('三次被拒');
    for (let i = 0; i < 3; i++) expect((await submit(a.id, await aBadReport())).status).to.equal(422);
    expect(await $.count('submissions WHERE action_id = $1 AND outcome = $2', [a.id, 'rejected'])).to.equal(3);
    const { rows: todos } = await pool.query(
      `SELECT t.day, t.attempts, u.wecom_userid FROM supervisor_todos t JOIN users u ON u.id = t.supervisor_id WHERE t.action_id = $1`, [a.id]);
    expect(todos).to.have.length(1);
    expect(todos[0]).to.include({ attempts: 3, wecom_userid: 'mgr.li' });
    const { rows: msgs } = await pool.query(`SELECT dedupe_key, recipient FROM outbox WHERE dedupe_key LIKE $1`, [`todo:${a.id}:%`]);
    expect(msgs).to.deep.equal([{ dedupe_key: `todo:${a.id}:${todos[0].day}`, recipient: 'mgr.li' }]);
  });

  it('accepts a complete report: submitted, draft cleared, effective follow-up recorded, manager asked to verify', async () => {
    const a = await newVisit('完整拜访');
    await api.call('PUT', `/api/actions/${a.id}/draft`, { as: 'rep.zhao', body: { transcript: '草稿' } });
    const t = now();
    const res = await submit(a.id, await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: t }));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.action).to.include({ status: 'submitted', completionMode: 'evidence' });
    expect(res.body.warnings).to.deep.equal([]);
    expect(await $.count('action_drafts WHERE action_id = $1', [a.id])).to.equal(0);
    const { rows: [s] } = await pool.query('SELECT outcome FROM submissions WHERE id = $1', [res.body.submissionId]);
    expect(s.outcome).to.equal('accepted');
    const { rows: [c] } = await pool.query('SELECT last_followup_at, last_effective_followup_at FROM customers WHERE id = $1', [hualian.id]);
    expect(c.last_effective_followup_at.getTime()).to.be.at.least(t.getTime() - 1000);
    expect(await $.count(`supervisor_todos WHERE action_id = $1 AND kind = 'verify_submission'`, [a.id])).to.equal(1);
    const verified = await api.call('POST', `/api/actions/${a.id}/verify`, { as: 'mgr.li', body: { expectedVersion: res.body.action.version } });
    expect(verified.body.status).to.equal('verified');
    expect(await $.count(`supervisor_todos WHERE action_id = $1 AND done_at IS NULL`, [a.id])).to.equal(0);
  });

  it('treats a resubmission with the same Idempotency-Key as the same submission', async () => {
    const a = await newVisit('幂等提交');
    const body = await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: now() });
    const key = idemKey();
    const first = await submit(a.id, body, { 'Idempotency-Key': key });
    const again = await submit(a.id, body, { 'Idempotency-Key': key });
    expect([first.status, again.status]).to.deep.equal([200, 200]);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.body).to.deep.equal(first.body);
    expect(await $.count('submissions WHERE action_id = $1', [a.id])).to.equal(1);
  });

  it('does not burn the Idempotency-Key on a rejected attempt: the corrected report may reuse it', async () => {
    const a = await newVisit('被拒后同键重交');
    const key = idemKey();
    const rejected = await submit(a.id, await aBadReport(), { 'Idempotency-Key': key });
    expect(rejected.status).to.equal(422);
    expect(await $.count('idempotency_keys WHERE key = $1', [key])).to.equal(0);
    const good = await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: now() });
    const accepted = await submit(a.id, good, { 'Idempotency-Key': key });
    expect(accepted.status).to.equal(200);
    expect(accepted.headers.get('idempotent-replayed')).to.equal(null);
    expect((await pool.query('SELECT outcome FROM submissions WHERE action_id = $1 ORDER BY id', [a.id])).rows.map((r) => r.outcome))
      .to.deep.equal(['rejected', 'accepted']);
  });

  it('lets exactly one of two devices submitting at once win; the other gets 409', async () => {
    const a = await newVisit('两台设备');
    const at = now();
    const [b1, b2] = [
      await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at }),
      await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at }),
    ];
    const res = await Promise.all([submit(a.id, b1, { 'Idempotency-Key': idemKey() }), submit(a.id, b2, { 'Idempotency-Key': idemKey() })]);
    expect(res.map((r) => r.status).sort()).to.deep.equal([200, 409]);
    // raced: the loser's write found the version moved; arrived second: it found the action submitted
    expect(res.find((r) => r.status === 409)!.body.error.code).to.be.oneOf(['CONFLICT', 'ACTION_TRANSITION_INVALID']);
    expect(await $.count('submissions WHERE action_id = $1', [a.id])).to.equal(1);
    expect(await $.count(`events WHERE entity_type = 'action' AND entity_id = $1 AND type = 'action.submitted'`, [a.id])).to.equal(1);
    expect(await $.count('followups WHERE action_id = $1', [a.id])).to.equal(1);
    expect(await $.count(`outbox WHERE dedupe_key LIKE $1`, [`todo:verify_submission:${a.id}:%`])).to.equal(1);
  });

  it('files one report for two racing retries with the same Idempotency-Key; the second answers what the first stored', async () => {
    const a = await newVisit('同键并发重试');
    const body = await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: now() });
    const key = idemKey();
    const res = await Promise.all([submit(a.id, body, { 'Idempotency-Key': key }), submit(a.id, body, { 'Idempotency-Key': key })]);
    expect(res.map((r) => r.status)).to.deep.equal([200, 200]);
    expect(res.map((r) => r.headers.get('idempotent-replayed')).sort()).to.deep.equal(['true', null].sort());
    expect(res[0].body).to.deep.equal(res[1].body);
    expect(await $.count('submissions WHERE action_id = $1', [a.id])).to.equal(1);
    expect((await pool.query('SELECT http_status, response FROM idempotency_keys WHERE key = $1', [key])).rows)
      .to.deep.equal([{ http_status: 200, response: res[0].body }]);
  });

  it('writes nothing when the action moved on between the read and the write, and answers 409 CONFLICT', async () => {
    const a = await newVisit('读后被改');
    const rep = (await loadActiveActor(pool, { wecomUserid: 'rep.zhao' }))!;
    const stale = await getActionRowOrThrow(pool, rep, a.id);
    // another device saves a draft first: dispatched → in progress, a new version
    expect((await api.call('PUT', `/api/actions/${a.id}/draft`, { as: 'rep.zhao', body: { fields: {} } })).status).to.equal(200);
    const tables = ['submissions', 'followups', 'outbox', 'supervisor_todos', 'events', 'action_drafts'];
    const counts = async () => Promise.all(tables.map((t) => $.count(t)));
    const before = await counts();
    const err = await writeTransition(pool, {
      action: stale, actorId: rep.id, now: now(), publicUrl: 'http://h5.test',
      event: { type: 'SUBMIT_OK', completion: { mode: 'evidence', definitionName: '客户拜访', attachmentCount: 0 } },
      submission: {
        id: Number((await pool.query(`SELECT nextval('submissions_id_seq') AS id`)).rows[0].id), kind: 'visit_report', payload: {},
        outcome: 'accepted', failures: [], definition: { id: stale.definitionId, version: stale.definitionVersion },
      },
    }).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).code).to.equal('CONFLICT');
    expect(await counts()).to.deep.equal(before);
    expect((await pool.query('SELECT status, version FROM actions WHERE id = $1', [a.id])).rows[0]).to.deep.equal({ status: 'in_progress', version: stale.version + 1 });
  });

  it('merges the dispatcher\'s extra requirements into the rules and the checklist', async () => {
    const a = await dispatch(api, 'mgr.li', {
      definitionCode: 'visit', customerId: hualian.id, assigneeId: zhao,
      requirements: [{ tag: '竞品陈列照片', min: 1, kind: 'photo' }, { tag: '采购负责人微信截图', min: 1 }],
    });
    const base = await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: now() });
    const res = await submit(a.id, base);
    expect(res.status).to.equal(422);
    const missing = res.body.error.details.failures.filter((f: any) => f.ruleId?.startsWith('requirement.'));
    expect(missing.map((f: any) => f.target)).to.deep.equal(['attachments:竞品陈列照片', 'attachments:采购负责人微信截图']);
    const detail = await api.call('GET', `/api/actions/${a.id}`, { as: 'rep.zhao' });
    expect(detail.body.checklist.filter((c: any) => c.ruleId?.startsWith('requirement.')).map((c: any) => [c.label, c.satisfied]))
      .to.deep.equal([['竞品陈列照片 ≥ 1', false], ['采购负责人微信截图 ≥ 1', false]]);

    const extra = [
      await anAttachment(pool, { uploadedBy: zhao, kind: 'photo', tags: ['竞品陈列照片'], capturedAt: new Date(now().getTime() - 60_000) }),
      await anAttachment(pool, { uploadedBy: zhao, kind: 'photo', tags: ['采购负责人微信截图'], capturedAt: new Date(now().getTime() - 60_000) }),
    ];
    const ok = await submit(a.id, { ...base, attachmentIds: [...(base.attachmentIds as number[]), ...extra] });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);

    // the manager who verifies it reads the report as filed, without the facts kept for dry-runs
    const filed = (await api.call('GET', `/api/actions/${a.id}`, { as: 'mgr.li' })).body.lastSubmission;
    expect(filed).to.include({ kind: 'visit_report', outcome: 'accepted' });
    expect(filed.payload.transcript).to.equal(base.transcript);
    expect(filed.payload.checkIn).to.deep.equal(base.checkIn);
    expect(filed.payload.attachments.map((x: any) => x.tags).flat()).to.include.members(['竞品陈列照片', '采购负责人微信截图']);
    expect(filed.payload).to.not.have.any.keys('facts', 'requirements');
  });

  it('refuses attachments the rep did not upload, and submissions by anyone but the assignee', async () => {
    const a = await newVisit('别人的附件');
    const qians = await anAttachment(pool, { uploadedBy: await $.userId('rep.qian'), kind: 'photo', tags: ['合影'] });
    const res = await submit(a.id, { attachmentIds: [qians] });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('ATTACHMENT_INVALID');
    const byManager = await api.call('POST', `/api/actions/${a.id}/visit-report`, { as: 'mgr.li', body: {} });
    expect(byManager.status).to.equal(403);
    expect(await $.count('submissions WHERE action_id = $1', [a.id])).to.equal(0);
  });
});
