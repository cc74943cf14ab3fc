import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { configState } from './support/config-state.js';

const DAY = 86_400_000;
// 华联超市总部 is registered at 31.2376, 121.4797 (GCJ-02); 0.009° of latitude ≈ 1 km
const HUALIAN = { lat: 31.2376, lng: 121.4797 };

describe('dry-running a rule version over past submissions (POST /api/action-definitions/{code}/dry-run)', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let visitRules: any[];
  let ids: Record<string, number>;
  const now = new Date();

  /** A visit report that satisfies every default visit rule except, maybe, the geofence. */
  function payload(kmNorth: number, at: Date, opts: { withVoice?: boolean } = {}) {
    const taken = new Date(at.getTime() - 10 * 60_000).toISOString();
    return {
      fields: { decisionRole: '决策者', nextContactAt: new Date(at.getTime() + 7 * DAY).toISOString() },
      attachments: [
        { id: '1', kind: 'photo', tags: ['门头照'], capturedAt: taken },
        { id: '2', kind: 'photo', tags: ['合影'], capturedAt: taken },
        ...(opts.withVoice === false ? [] : [{ id: '3', kind: 'voice', tags: [], capturedAt: null }]),
      ],
      checkIn: { lat: HUALIAN.lat + kmNorth * 0.009, lng: HUALIAN.lng, coordSystem: 'gcj02', at: at.toISOString() },
      transcript: '客户反映价格偏高，账期也太长，希望下个月再谈。',
      linkedOrderIds: [],
      requirements: [],
      facts: { now: at.toISOString(), recentOrderIds: [], satisfiedPrerequisites: [] },
    };
  }

  async function insertSubmission(actionId: number, p: unknown, outcome: string, at: Date, failures: unknown[] = []): Promise<number> {
    const { rows } = await pool.query(
      `INSERT INTO submissions (action_id, kind, payload, outcome, failures, definition_id, definition_version, submitted_by, created_at)
       SELECT $1, 'visit_report', $2, $3, $4, a.definition_id, a.definition_version, a.assignee_id, $5 FROM actions a WHERE a.id = $1 RETURNING id`,
      [actionId, JSON.stringify(p), outcome, JSON.stringify(failures), at]);
    return rows[0].id;
  }

  const dryRun = (rules: unknown, days = 30, as = 'admin.lin') =>
    api.call('POST', '/api/action-definitions/visit/dry-run', { as, body: { rules, days } });
  const narrowed = (km: number) => visitRules.map((r) => (r.kind === 'geofence.within_km' ? { ...r, km } : r));

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => now });
    visitRules = (await api.call('GET', '/api/action-definitions/visit', { as: 'admin.lin' })).body.active.rules;
    const { rows: [action] } = await pool.query(
      `INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, department_id, status)
       SELECT d.id, 'visit', d.version, '拜访华联超市总部', c.id, u.id, u.department_id, 'submitted'
         FROM action_definitions d, customers c, users u
        WHERE d.code = 'visit' AND d.active AND c.name = '华联超市总部' AND u.wecom_userid = 'rep.zhao' RETURNING id`);
    const t = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    ids = {
      at2km: await insertSubmission(action.id, payload(2, t(3)), 'accepted', t(3)),
      at05km: await insertSubmission(action.id, payload(0.5, t(2)), 'accepted', t(2)),
      noVoice: await insertSubmission(action.id, payload(0.5, t(1), { withVoice: false }), 'rejected', t(1),
        [{ code: 'ATTACHMENTS_TOO_FEW', rule: 'attachments.min', message: '语音纪要至少需要1条', target: 'attachments', severity: 'error' }]),
      tooOld: await insertSubmission(action.id, payload(2, t(40)), 'accepted', t(40)),
    };
  });
  after(() => api.close());

  it('replays the current rules without changing any outcome (the stored facts are complete)', async () => {
    const res = await dryRun(visitRules);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.totals).to.deep.equal({ submissions: 3, wouldNewlyReject: 0, wouldNewlyAccept: 0, unchanged: 3, wouldNewlyReview: 0 });
  });

  it('reports the 2 km check-in as newly rejected with the geofence code when the fence narrows from 3 km to 1 km', async () => {
    const res = await dryRun(narrowed(1));
    expect(res.status).to.equal(200);
    expect(res.body.totals).to.deep.equal({ submissions: 3, wouldNewlyReject: 1, wouldNewlyAccept: 0, unchanged: 2, wouldNewlyReview: 0 });
    const [first] = res.body.items;
    expect(first).to.include({ submissionId: ids.at2km, previousOutcome: 'accepted', newOutcome: 'rejected', change: 'newly_rejected', definitionVersion: 1 });
    expect(first.submittedBy.name).to.equal('赵磊');
    expect(first.customer.name).to.equal('华联超市总部');
    const errors = first.failures.filter((f: any) => f.severity === 'error');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ code: 'CHECKIN_TOO_FAR', rule: 'geofence.within_km', ruleId: 'visit.geofence' });
    expect(errors[0].message).to.contain('超出 1 公里范围');
    const near = res.body.items.find((i: any) => i.submissionId === ids.at05km);
    expect(near).to.include({ change: 'unchanged', newOutcome: 'accepted' });
    expect(res.body.items.map((i: any) => i.submissionId)).to.not.include(ids.tooOld);
  });

  it('reports a rejected report as newly accepted when the rule that refused it is dropped', async () => {
    const res = await dryRun(visitRules.filter((r) => r.id !== 'visit.voice'));
    const item = res.body.items.find((i: any) => i.submissionId === ids.noVoice);
    expect(item).to.include({ previousOutcome: 'rejected', newOutcome: 'accepted', change: 'newly_accepted' });
    expect(item.previousFailures[0].code).to.equal('ATTACHMENTS_TOO_FEW');
    expect(res.body.totals.wouldNewlyAccept).to.equal(1);
  });

  it('replays the evidence checks from the facts stored beside past photos: a reused photo blocks once photo.unique is set to block', async () => {
    const { rows: [x] } = await pool.query(
      `INSERT INTO attachments (sha256, kind, mime, size, tags, captured_at, uploaded_by, created_at)
       SELECT repeat('ab', 32), 'photo', 'image/jpeg', 2048, '{门头照}', NULL, u.id, $1 FROM users u WHERE u.wecom_userid = 'rep.zhao' RETURNING id`,
      [new Date(now.getTime() - DAY)]);
    const earlier = { attachmentId: 9999, distance: 3, sameBytes: false, capturedAt: null, uploadedAt: new Date(now.getTime() - 9 * DAY).toISOString(),
      uploadedBy: { id: 999, name: '钱芳' }, customer: { id: 999, name: '联华超市江桥店' }, actionId: null };
    await pool.query(`INSERT INTO attachment_evidence (attachment_id, version, facts) VALUES ($1, 1, $2)`, [x.id, JSON.stringify({
      kind: 'photo', width: 4000, height: 3000, hashed: true, hasExif: false, make: null, model: null, software: null, gps: null,
      fromWecom: false, phash: '00ff00ff00ff00ff', similar: [earlier],
    })]);
    const { rows: [a] } = await pool.query(`SELECT action_id FROM submissions WHERE id = $1`, [ids.at05km]);
    const reused: any = { ...payload(0.5, new Date(now.getTime() - DAY)), attachmentIds: [x.id] };
    reused.attachments = [{ id: String(x.id), kind: 'photo', tags: ['门头照'], capturedAt: null }, ...reused.attachments.slice(1)];
    const id = await insertSubmission(a.action_id, reused, 'accepted', new Date(now.getTime() - DAY));
    try {
      const asFiled = (await dryRun(visitRules)).body.items.find((i: any) => i.submissionId === id);
      expect(asFiled).to.include({ change: 'unchanged', newVerdict: 'rejected' });
      expect(asFiled.failures.map((f: any) => f.code)).to.include('PHOTO_REUSED');
      const blocking = visitRules.map((r) => (r.kind === 'photo.unique' ? { ...r, mode: 'block' } : r));
      const item = (await dryRun(blocking)).body.items.find((i: any) => i.submissionId === id);
      expect(item).to.include({ change: 'newly_rejected', newOutcome: 'rejected' });
      expect(item.failures.find((f: any) => f.code === 'PHOTO_REUSED')).to.include({ severity: 'error' });
    } finally {
      await pool.query('DELETE FROM submissions WHERE id = $1', [id]);
    }
  });

  it('looks back as many days as asked', async () => {
    const res = await dryRun(narrowed(1), 60);
    expect(res.body.totals).to.include({ submissions: 4, wouldNewlyReject: 2 });
  });

  it('judges against the customer\'s current address: once moved 2 km north, the 2 km check-in passes and the 0.5 km one fails', async () => {
    await pool.query(`UPDATE customers SET lat = lat + 0.018 WHERE name = '华联超市总部'`);
    try {
      const res = await dryRun(narrowed(1));
      const change = Object.fromEntries(res.body.items.map((i: any) => [i.submissionId, i.change]));
      expect(change[ids.at2km]).to.equal('unchanged');
      expect(change[ids.at05km]).to.equal('newly_rejected');
    } finally {
      await pool.query(`UPDATE customers SET lat = lat - 0.018 WHERE name = '华联超市总部'`);
    }
  });

  it('writes nothing, validates the rules (400 with paths) and is for admins only', async () => {
    const before = await configState(pool);
    const submissions = (await pool.query('SELECT count(*)::int AS n FROM submissions')).rows[0].n;
    await dryRun(narrowed(1));
    const bad = await dryRun([{ kind: 'geofence.within_km', km: 0 }]);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].path).to.equal('body.rules.0.km');
    expect((await dryRun(narrowed(1), 30, 'director.wang')).status).to.equal(403);
    expect((await api.call('POST', '/api/action-definitions/nope/dry-run', { as: 'admin.lin', body: { rules: [] } })).status).to.equal(404);
    expect(await configState(pool)).to.deep.equal(before);
    expect((await pool.query('SELECT count(*)::int AS n FROM submissions')).rows[0].n).to.equal(submissions);
  });
});
