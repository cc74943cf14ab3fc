import { expect } from 'chai';
import type pg from 'pg';
import { runLegalReviewSkipsCheck } from '../../../core/alerts/legal-review-skips.js';
import { runSilenceCheck } from '../../../core/alerts/silence.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { aMorningAfterSeed, clock, deps, lookups } from '../jobs/jobs-helpers.js';

describe('alert center API', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  const t = clock(aMorningAfterSeed());

  before(async () => {
    ({ pool } = await freshDatabase(6));
    $ = lookups(pool);
    api = await startTestApi({ pool, now: t.now, env: { SESSION_TTL_HOURS: '720' } });
    await runSilenceCheck(deps(pool, t.now));
    await runLegalReviewSkipsCheck(deps(pool, t.now));
  });
  after(() => api.close());

  const ids = async (as: string, query = '') => {
    const res = await api.call('GET', `/api/alerts?limit=200${query}`, { as });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.total).to.equal(res.body.items.length);
    return res.body.items.map((a: any) => a.id).sort((a: number, b: number) => a - b);
  };
  const expected = async (sql: string, params: unknown[] = []) =>
    (await $.rows(`SELECT a.id FROM alerts a LEFT JOIN departments d ON d.id = a.department_id WHERE ${sql} ORDER BY a.id`, params))
      .map((r) => r.id);
  const recipientOf = (userid: string) =>
    `EXISTS (SELECT 1 FROM alert_recipients r JOIN users u ON u.id = r.user_id WHERE r.alert_id = a.id AND u.wecom_userid = '${userid}')`;

  it('lists alerts by scope: director all, a manager their region, compliance what they were sent, a rep their own customers', async () => {
    const all = await expected('TRUE');
    expect(all.length).to.be.at.least(6);
    expect(await ids('director.wang')).to.deep.equal(all);
    expect(await ids('admin.lin')).to.deep.equal(all);
    expect(await ids('mgr.li')).to.deep.equal(await expected(`d.name = '华东区'`));
    const north = await ids('mgr.chen');
    expect(north).to.deep.equal(await expected(`d.name = '华北区'`));
    expect(north).to.include((await expected(`a.rule_code = 'legal_review_skips'`))[0]);
    expect(await ids('compliance.he')).to.deep.equal(await expected(`a.rule_code = 'legal_review_skips'`));
    const zhao = await ids('rep.zhao');
    expect(zhao).to.deep.equal(await expected(`a.subject_type = 'customer' AND a.owner_id = $1`, [await $.userId('rep.zhao')]));
    // rep.zhou is not shown the compliance alert about herself
    expect(await ids('rep.zhou')).to.deep.equal(await expected(`a.subject_type = 'customer' AND ${recipientOf('rep.zhou')}`));
    expect(await ids('mgr.li', '&rule=legal_review_skips')).to.deep.equal([]);
  });

  it('pages with a cursor and refuses a forged one', async () => {
    const first = await api.call('GET', '/api/alerts?limit=2', { as: 'director.wang' });
    const second = await api.call('GET', `/api/alerts?limit=2&cursor=${first.body.nextCursor}`, { as: 'director.wang' });
    expect(second.body.items[0].id).to.be.below(first.body.items[1].id);
    const junk = Buffer.from(JSON.stringify(['2026-01-01', 5])).toString('base64url');
    const bad = await api.call('GET', `/api/alerts?cursor=${junk}`, { as: 'director.wang' });
    expect(bad.status).to.equal(400);
  });

  it('shows an alert with its recipients, deliveries and history — opened → 认领 → 处理 — and how long each took', async () => {
    const [id] = await expected(`d.name = '华东区' AND a.rule_code = 'silence'`);
    t.advance(30 * 60_000);
    const ack = await api.call('POST', `/api/alerts/${id}/acknowledge`, { as: 'mgr.li', body: {} });
    expect(ack.status).to.equal(200);
    expect(ack.body).to.include({ status: 'acknowledged', statusLabel: '已认领', canHandle: true });
    t.advance(90 * 60_000);
    const noNote = await api.call('POST', `/api/alerts/${id}/resolve`, { as: 'mgr.li', body: {} });
    expect(noNote.status).to.equal(400);
    const res = await api.call('POST', `/api/alerts/${id}/resolve`, { as: 'mgr.li', body: { note: '已与业务员约定明天上门拜访' } });
    expect(res.status).to.equal(200);
    const d = (await api.call('GET', `/api/alerts/${id}`, { as: 'director.wang' })).body;
    expect(d).to.include({ status: 'resolved', resolutionNote: '已与业务员约定明天上门拜访', canHandle: false, ruleLabel: '客户沉默' });
    expect(d.resolvedBy).to.deep.equal({ id: await $.userId('mgr.li'), name: '李明' });
    expect(d.history.map((h: any) => [h.type, h.by?.name ?? null, h.via])).to.deep.equal([
      ['opened', null, null], ['acknowledged', '李明', 'app'], ['resolved', '李明', 'app'],
    ]);
    expect(d.durations).to.deep.equal({ toAcknowledgeMinutes: 30, toResolveMinutes: 120, openMinutes: 120 });
    expect(d.recipients.map((r: any) => [r.roleLabel, r.delivery.statusLabel])).to.have.deep.members([
      ['负责业务员', '待发送'], ['直属主管', '待发送'],
    ]);
    expect(d.data.customer.name).to.be.a('string');
    expect(d.handledNote).to.match(/^已由 李明 于 .+ 处理：已与业务员约定明天上门拜访$/);
  });

  it('refuses those who may not handle an alert, and tells a latecomer who already did', async () => {
    const [id] = await expected(`d.name = '华东区' AND a.rule_code = 'silence' AND a.status = 'open'`);
    expect((await api.call('POST', `/api/alerts/${id}/acknowledge`, { as: 'mgr.chen', body: {} })).status).to.equal(404);
    expect((await api.call('POST', `/api/alerts/${id}/acknowledge`, { as: 'compliance.he', body: {} })).status).to.equal(404);
    const admin = await api.call('POST', `/api/alerts/${id}/acknowledge`, { as: 'admin.lin', body: {} });
    expect(admin.status).to.equal(403);
    expect(admin.body.error.message).to.include('只有接收人、所属区域的主管或销售总监');
    expect((await api.call('POST', `/api/alerts/${id}/acknowledge`, { as: 'mgr.li', body: {} })).status).to.equal(200);
    expect((await api.call('POST', `/api/alerts/${id}/acknowledge`, { as: 'mgr.li', body: {} })).status).to.equal(200);
    const late = await api.call('POST', `/api/alerts/${id}/acknowledge`, { as: 'director.wang', body: {} });
    expect(late.status).to.equal(409);
    expect(late.body.error.message).to.match(/^该预警已由 李明 于 \d{1,2}月\d{1,2}日 \d{2}:\d{2} 认领$/);
    // the director may still close it
    expect((await api.call('POST', `/api/alerts/${id}/resolve`, { as: 'director.wang', body: { note: '总监已电话督办' } })).status).to.equal(200);
  });

  it('opens from the signed card link, says who handled it, and refuses a forged signature in plain Chinese', async () => {
    const [row] = await $.rows(
      `SELECT o.alert_id, o.payload->'template_card'->'card_action'->>'url' AS url FROM outbox o JOIN alerts a ON a.id = o.alert_id
        WHERE o.recipient = 'mgr.li' AND a.status = 'resolved' LIMIT 1`);
    const link = new URL(row.url);
    expect(link.pathname).to.equal(`/alerts/${row.alert_id}`);
    const sig = link.searchParams.get('sig')!;
    const ok = await api.call('GET', `/api/alerts/${row.alert_id}/by-link?sig=${sig}`, { as: 'mgr.li' });
    expect(ok.status).to.equal(200);
    expect(ok.body.handledNote).to.match(/^已由 .+ 于 .+ 处理/);
    const forged = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    const bad = await api.call('GET', `/api/alerts/${row.alert_id}/by-link?sig=${forged}`, { as: 'mgr.li' });
    expect(bad.status).to.equal(403);
    expect(bad.body.error).to.deep.include({ code: 'FORBIDDEN', message: '链接无效：签名校验未通过，可能已被修改。请从企业微信中的预警卡片重新打开' });
    const otherAlert = await api.call('GET', `/api/alerts/${row.alert_id + 1}/by-link?sig=${sig}`, { as: 'mgr.li' });
    expect(otherAlert.status).to.equal(403);
    // a link minted by a process with another secret (demo mode: one per process) still opens
    const other = await startTestApi({ pool, now: t.now, env: { SESSION_SECRET: 'another-secret-0123456789abcdef' } });
    try {
      expect((await other.call('GET', `/api/alerts/${row.alert_id}/by-link?sig=${sig}`, { as: 'mgr.li' })).status).to.equal(200);
    } finally {
      await other.close();
    }
  });
});
