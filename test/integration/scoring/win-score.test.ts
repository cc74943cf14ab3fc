import { expect } from 'chai';
import type pg from 'pg';
import { scoreAllOpenOpportunities } from '../../../core/scoring/scores.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { tempDataDir, upload } from '../attachments/support/http.js';
import { SAMPLES } from '../attachments/support/sample-files.js';

describe('win score per open deal (core/scoring)', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let data: ReturnType<typeof tempDataDir>;
  let clock = new Date();
  let deal: { id: number; customer_id: number };
  const score = (as = 'rep.zhao', id = deal.id) => api.call('GET', `/api/opportunities/${id}/score`, { as });
  const download = (path: string, ip: string) =>
    fetch(`${api.baseUrl}${path}/file`, { headers: { 'X-Forwarded-For': ip, 'User-Agent': 'Mozilla/5.0 (iPhone)' } }).then((r) => r.arrayBuffer());

  before(async () => {
    ({ pool } = await freshDatabase());
    data = tempDataDir();
    api = await startTestApi({ pool, now: () => clock, env: { DATA_DIR: data.dir, TRUST_PROXY: '1' } });
    deal = (await pool.query(`SELECT o.id, o.customer_id FROM opportunities o JOIN users u ON u.id = o.owner_id
      WHERE u.wecom_userid = 'rep.zhao' AND o.status = 'open' AND o.stage_code = 'negotiation' ORDER BY o.id LIMIT 1`)).rows[0];
  });
  after(async () => {
    await api.close();
    data.remove();
  });

  it('scores an open deal from its stage with the prior model, and says how many closed deals a model of its own still needs', async () => {
    const res = await score();
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const { rows: [closed] } = await pool.query(`SELECT count(*) FILTER (WHERE status = 'won')::int AS won, count(*) FILTER (WHERE status = 'lost')::int AS lost FROM opportunities`);
    expect(res.body.model).to.deep.equal({
      kind: 'prior', closedWon: closed.won, closedLost: closed.lost, needWon: Math.max(0, 20 - closed.won), needLost: Math.max(0, 20 - closed.lost), learned: null,
    });
    expect(res.body.probability).to.be.within(0, 1);
    expect(res.body.base).to.be.closeTo(0.1 + 0.8 * 3 / 7, 1e-6); // 商务谈判 is the 4th of 8 stages
    expect(res.body.history).to.have.length(1);
  });

  it('moves the score at once when the customer downloads the seed\'s document 3 times in 3 days, and names it with its points', async () => {
    const before = (await score()).body;
    const doc = (await upload(api, await api.tokenFor('rep.zhao'), SAMPLES.pdf(), { kind: 'document', customerId: String(deal.customer_id), tags: '延长质保条款', filename: '延长质保条款.pdf' })).body;
    const link = (await api.call('POST', `/api/opportunities/${deal.id}/share-links`, { as: 'rep.zhao', body: { attachmentId: doc.id } })).body;
    const path = new URL(link.url).pathname;
    for (const [i, ip] of ['203.0.113.1', '198.51.100.1', '192.0.2.1'].entries()) {
      clock = new Date(clock.getTime() + (i + 1) * 3_600_000);
      await download(path, ip);
    }
    // stored by the download itself, before anyone reads the deal
    const { rows: [stored] } = await pool.query('SELECT probability, reasons FROM opportunity_scores WHERE opportunity_id = $1', [deal.id]);
    expect(stored.reasons.map((r: any) => r.kind)).to.include('document.downloaded');

    const after = (await score()).body;
    const reason = after.reasons.find((r: any) => r.kind === 'document.downloaded');
    expect(reason.text).to.match(/^客户3天内下载《延长质保条款\.pdf》3次：\+(\d+ 个百分点|不到1个百分点)$/);
    expect(reason.pp).to.be.greaterThan(0);
    expect(after.probability - before.probability).to.be.closeTo(reason.pp / 100, 0.02);
    expect(after.topReasons.length).to.be.at.most(3);
    expect(after.topReasons.map((r: any) => r.kind)).to.include('document.downloaded');
    expect(after.history.length).to.be.greaterThan(before.history.length);
    expect(after.history.at(-1).probability).to.be.closeTo(after.probability, 1e-6);
  });

  it('lists the stored scores of the open deals in scope, highest first, and hides another rep\'s deal', async () => {
    const res = await api.call('GET', `/api/opportunity-scores`, { as: 'rep.zhao' });
    expect(res.status).to.equal(200);
    const ps = res.body.items.map((i: any) => i.probability);
    expect(ps).to.deep.equal([...ps].sort((a: number, b: number) => b - a));
    expect(res.body.items.map((i: any) => i.opportunityId)).to.include(deal.id);
    expect((await score('rep.qian')).status).to.equal(404);
    const theirs = await api.call('GET', `/api/opportunity-scores?ids=${deal.id}`, { as: 'rep.qian' });
    expect(theirs.body.items).to.deep.equal([]);
  });

  it('scores every open deal as the nightly job does, and none of the closed ones', async () => {
    const r = await scoreAllOpenOpportunities(pool, clock);
    const { rows: [n] } = await pool.query(`SELECT count(*)::int AS open FROM opportunities WHERE status = 'open'`);
    expect(r.scored).to.equal(n.open);
    const { rows: [c] } = await pool.query(`SELECT count(*)::int AS n FROM opportunity_scores s JOIN opportunities o ON o.id = s.opportunity_id
      WHERE o.status <> 'open' OR s.computed_at <> $1`, [clock]);
    expect(c.n).to.equal(0);
  });

  it('trains on request for a director or admin only, saying how many more closed deals it needs', async () => {
    expect((await api.call('POST', '/api/scoring/model/train', { as: 'rep.zhao' })).status).to.equal(403);
    const res = await api.call('POST', '/api/scoring/model/train', { as: 'director.wang' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.status).to.equal('insufficient');
    expect(res.body.needWon + res.body.needLost).to.be.greaterThan(0);
  });

  it('dry-runs a change to 赢率信号 over the closed deals (fires, win rate with and without) and counts the open scores it moves', async () => {
    const cur = await api.call('GET', '/api/settings/scoring.signals', { as: 'admin.lin' });
    const value = { ...cur.body.value, customerSilent: { ...cur.body.value.customerSilent, days: 1, odds: 0.2 } };
    const res = await api.call('POST', '/api/settings/scoring.signals/preview', { as: 'admin.lin', body: { value } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.summary).to.match(/^按最近 \d+ 个已结商机（结束时的情况）试算；进行中的 \d+ 个商机里，\d+ 个的先验赢率会变化 1 个百分点以上$/);
    expect(Number(/里，(\d+) 个/.exec(res.body.summary)![1])).to.be.greaterThan(0);
    expect(res.body.lines).to.have.length(7);
    expect(res.body.lines.find((l: string) => l.startsWith('客户沉默：'))).to.match(/触发 \d+ 个.*触发的赢单率 (\d+%|—)，未触发的 (\d+%|—)$/);
  });

  it('follows the setting: turning the seed\'s rule off takes its reason away', async () => {
    const cur = await api.call('GET', '/api/settings/scoring.signals', { as: 'admin.lin' });
    expect(cur.status, JSON.stringify(cur.body)).to.equal(200);
    const value = { ...cur.body.value, documentDownloaded: { ...cur.body.value.documentDownloaded, enabled: false } };
    const put = await api.call('PUT', '/api/settings/scoring.signals', { as: 'admin.lin', body: { value, expectedVersion: cur.body.own.version, comment: '试验：关闭下载信号' } });
    expect(put.status, JSON.stringify(put.body)).to.be.within(200, 201);
    const after = (await score()).body;
    expect(after.reasons.map((r: any) => r.kind)).not.to.include('document.downloaded');
  });
});
