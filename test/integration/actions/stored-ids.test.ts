import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { aValidVisitReport, anAttachment, dispatch, idemKey, lookups } from './actions-helpers.js';
import { botDepsFor, say } from '../bot/bot-helpers.js';

/**
 * Ids are numbers end to end (core/flow included). JSON stored while some of
 * them were strings — drafts, Idempotency-Key responses, conversation state,
 * the facts a submission filed — is written here the old way and must load.
 */
describe('rows stored while ids were strings', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  let zhao: number;
  let hualian: { id: number; lat: number; lng: number };

  before(async () => {
    ({ pool } = await freshDatabase(8));
    api = await startTestApi({ pool });
    $ = lookups(pool);
    zhao = await $.userId('rep.zhao');
    hualian = await $.customer('华联超市总部');
  });
  after(() => api.close());

  const newVisit = (title: string) => dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian.id, assigneeId: zhao, title });
  const asStrings = (ids: number[]) => ids.map(String);

  // first: the rep has no open visit yet, so 我在华联 starts one
  it('goes on with a conversation whose state and pending question hold ids as strings', async () => {
    const deps = botDepsFor(pool);
    expect(await say(deps, 'rep.zhao', '我在华联')).to.include('已为你新建拜访');
    const { rows: [c] } = await pool.query('SELECT active_action_id FROM bot_conversations WHERE user_id = $1', [zhao]);
    const actionId: number = c.active_action_id;
    const photo = await anAttachment(pool, { uploadedBy: zhao, kind: 'photo', tags: ['门头照'], capturedAt: new Date() });
    await pool.query('INSERT INTO action_drafts (action_id, payload, updated_by) VALUES ($1, $2, $3) ON CONFLICT (action_id) DO UPDATE SET payload = EXCLUDED.payload',
      [actionId, JSON.stringify({ attachmentIds: [String(photo)] }), zhao]);
    await pool.query(
      `UPDATE bot_conversations SET state = $2, pending_question = $3 WHERE user_id = $1`,
      [zhao,
        JSON.stringify({ lastPhoto: { actionId: String(actionId), attachmentId: String(photo), tag: '门头照' } }),
        JSON.stringify({ kind: 'confirm_submit', actionId: String(actionId) })]);

    expect(await say(deps, 'rep.zhao', '刚才那张是陈列照')).to.include('已改为陈列照');
    const { rows: [tagged] } = await pool.query('SELECT tags FROM attachments WHERE id = $1', [photo]);
    expect(tagged.tags).to.deep.equal(['陈列照']);
  });

  it('reads a draft holding its attachment and order ids as strings: the checklist counts them and the app gets numbers', async () => {
    const a = await newVisit('旧草稿');
    const report = await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: new Date() });
    const old = { ...report, attachmentIds: asStrings(report.attachmentIds as number[]), linkedOrderIds: asStrings(report.linkedOrderIds as number[]) };
    await pool.query('INSERT INTO action_drafts (action_id, payload, updated_by) VALUES ($1, $2, $3)', [a.id, JSON.stringify(old), zhao]);

    const res = await api.call('GET', `/api/actions/${a.id}`, { as: 'rep.zhao' });
    expect(res.status).to.equal(200);
    expect(res.body.draft.attachmentIds).to.deep.equal(report.attachmentIds);
    expect(res.body.draft.linkedOrderIds).to.deep.equal(report.linkedOrderIds);
    const unmet = res.body.checklist.filter((i: any) => !i.satisfied).map((i: any) => i.kind);
    expect(unmet).to.deep.equal([]);
  });

  it('replays an Idempotency-Key response stored by the previous version (ids as strings, patched in SQL)', async () => {
    const a = await newVisit('旧幂等响应');
    const report = await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: new Date() });
    const key = idemKey();
    const first = await api.call('POST', `/api/actions/${a.id}/visit-report`, { as: 'rep.zhao', body: report, headers: { 'Idempotency-Key': key } });
    expect(first.status).to.equal(200);
    // as the previous version stored it: the body with submissionId 0 patched by jsonb_set, a warning naming an attachment by a string id
    const oldBody = { ...first.body, submissionId: 0, warnings: [{ code: 'PHOTO_EXIF_MISSING', rule: 'photo.captured_within', message: '照片没有拍摄时间',
      target: 'attachments:门头照', severity: 'warning', details: { attachmentId: String((report.attachmentIds as number[])[0]) } }] };
    await pool.query(
      `UPDATE idempotency_keys SET response = jsonb_set($3::jsonb, '{submissionId}', to_jsonb($4::bigint)) WHERE user_id = $1 AND key = $2`,
      [zhao, key, JSON.stringify(oldBody), first.body.submissionId]);

    const again = await api.call('POST', `/api/actions/${a.id}/visit-report`, { as: 'rep.zhao', body: report, headers: { 'Idempotency-Key': key } });
    expect(again.status).to.equal(200);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.body).to.deep.equal({ ...oldBody, submissionId: first.body.submissionId });
    expect(await $.count('submissions WHERE action_id = $1', [a.id])).to.equal(1);
  });

  it('replays a filed submission whose facts hold ids as strings in a rule dry-run', async () => {
    const a = await newVisit('旧提交');
    const orders = await $.latestOrderIds(hualian.id);
    const at = new Date();
    const report = await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at });
    const attachments = (await pool.query('SELECT id, kind, tags, captured_at FROM attachments WHERE id = ANY($1) ORDER BY id', [report.attachmentIds])).rows
      .map((x) => ({ id: String(x.id), kind: x.kind, tags: x.tags, capturedAt: x.captured_at?.toISOString() ?? null }));
    const payload = {
      ...report, attachmentIds: undefined, attachments, linkedOrderIds: asStrings(orders), requirements: [],
      facts: { now: at.toISOString(), recentOrderIds: asStrings(orders), satisfiedPrerequisites: [] },
    };
    await pool.query(
      `INSERT INTO submissions (action_id, kind, payload, outcome, failures, definition_id, definition_version, submitted_by, created_at)
       SELECT $1, 'visit_report', $2, 'accepted', '[]', a.definition_id, a.definition_version, a.assignee_id, $3 FROM actions a WHERE a.id = $1`,
      [a.id, JSON.stringify(payload), at]);
    const { rows: [def] } = await pool.query(`SELECT rules FROM action_definitions WHERE code = 'visit' AND active`);
    const res = await api.call('POST', '/api/action-definitions/visit/dry-run', { as: 'admin.lin', body: { rules: def.rules, days: 1 } });
    expect(res.status).to.equal(200);
    const item = res.body.items.find((i: any) => i.actionId === a.id);
    expect(item).to.include({ previousOutcome: 'accepted', newOutcome: 'accepted', change: 'unchanged' });
  });
});
