import { expect } from 'chai';
import type pg from 'pg';
import { scoreAllOpenOpportunities } from '../../../core/scoring/scores.js';
import { pushTalkTracks } from '../../../core/talk-tracks/push.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { rawCall, tempDataDir, upload } from '../attachments/support/http.js';
import { settingsClient } from '../settings/support/settings-client.js';
import { SAMPLES } from '../attachments/support/sample-files.js';

const WARRANTY = '同类客户质保谈判话术包';
const warrantyPack = (over: Record<string, unknown> = {}) => ({
  title: WARRANTY, summary: '客户反复看质保条款时怎么谈',
  keywords: ['质保', '延保'], stageCodes: ['negotiation'],
  sections: [{ heading: '先确认顾虑', body: '问清客户担心的是停机还是费用。' }],
  objections: [{ objection: '别家质保给三年', answer: '我们两年原厂全包，第三年可以做延保。' }],
  ...over,
});

describe('talk-track packs (core/talk-tracks)', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let data: ReturnType<typeof tempDataDir>;
  let clock = new Date('2026-12-07T02:00:00Z');
  const tick = (ms: number) => { clock = new Date(clock.getTime() + ms); };
  let dealId: number;
  let packId: number;

  const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];
  const count = async (table: string) => (await one(`SELECT count(*)::int AS n FROM ${table}`)).n as number;
  const pushCards = async () => (await pool.query(
    `SELECT recipient, msgtype, payload FROM outbox WHERE dedupe_key LIKE 'talk-track:%' ORDER BY id`)).rows;
  /** The customer (no account) downloading the shared file, each time from another network. */
  let net = 10;
  const customerDownloads = (url: string) => fetch(`${api.baseUrl}${new URL(url).pathname}/file`, {
    headers: { 'X-Forwarded-For': `198.51.${net++}.7`, 'User-Agent': `Mozilla/5.0 (iPhone) MicroMessenger/8.0 #${net}` },
  }).then(async (r) => { await r.arrayBuffer(); return r.status; });

  before(async () => {
    ({ pool } = await freshDatabase());
    data = tempDataDir();
    api = await startTestApi({ pool, now: () => clock, env: { DATA_DIR: data.dir, TRUST_PROXY: '1' } });
    dealId = (await one(`SELECT id FROM opportunities WHERE name = '华联2027年度饮料框架合同'`)).id;
  });
  after(async () => {
    await api.close();
    data.remove();
  });

  describe('authoring', () => {
    it('lets an admin write a pack with sections, objections and targets, named in Chinese', async () => {
      const res = await api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: warrantyPack({ customerTypes: ['ka'], signalKinds: ['document.downloaded'] }) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      packId = res.body.id;
      expect(res.body).to.deep.include({ title: WARRANTY, published: true, version: 1 });
      expect(res.body.targets).to.deep.equal(['KA连锁', '商务谈判', '客户反复下载文档']);
      expect(res.body.updatedBy.name).to.equal('林涛');
    });

    it('refuses a pack without content, an unknown stage or a taken title, saying why in Chinese, and writes nothing', async () => {
      const before = await count('talk_track_packs');
      const empty = await api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: { title: '空包' } });
      expect(empty.status).to.equal(400);
      expect(JSON.stringify(empty.body.error.details)).to.contain('话术包至少要有一个小节或一组异议应答');
      const stage = await api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: warrantyPack({ title: '另一个', stageCodes: ['no_such_stage'] }) });
      expect(stage.status).to.equal(400);
      expect(stage.body.error.details[0].message).to.equal('销售流程中没有阶段“no_such_stage”');
      const taken = await api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: warrantyPack() });
      expect(taken.status).to.equal(409);
      expect(taken.body.error).to.deep.include({ code: 'TALK_TRACK_TITLE_TAKEN', message: `已有名为“${WARRANTY}”的话术包，请换一个名称` });
      const unknownField = await api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: warrantyPack({ title: '又一个', colour: 'red' }) });
      expect(unknownField.status).to.equal(400);
      expect(await count('talk_track_packs')).to.equal(before);
    });

    it('lets only admins write packs', async () => {
      const res = await api.call('POST', '/api/talk-tracks', { as: 'rep.zhao', body: warrantyPack({ title: '业务员的包' }) });
      expect(res.status).to.equal(403);
      const edit = await api.call('PUT', `/api/talk-tracks/${packId}`, { as: 'mgr.li', body: { version: 1, pack: warrantyPack() } });
      expect(edit.status).to.equal(403);
    });

    it('refuses an edit made from an old version instead of overwriting the newer one', async () => {
      const first = await api.call('PUT', `/api/talk-tracks/${packId}`, { as: 'admin.lin', body: { version: 1, pack: warrantyPack({ customerTypes: [], signalKinds: [] }) } });
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body.version).to.equal(2);
      const stale = await api.call('PUT', `/api/talk-tracks/${packId}`, { as: 'admin.lin', body: { version: 1, pack: warrantyPack({ summary: '旧的' }) } });
      expect(stale.status).to.equal(409);
      expect((await api.call('GET', `/api/talk-tracks/${packId}`, { as: 'rep.zhao' })).body.summary).to.equal('客户反复看质保条款时怎么谈');
    });

    it('keeps a draft from reps until it is published', async () => {
      const draft = await api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: warrantyPack({ title: '草稿包', published: false }) });
      expect((await api.call('GET', `/api/talk-tracks/${draft.body.id}`, { as: 'rep.zhao' })).status).to.equal(404);
      const list = await api.call('GET', '/api/talk-tracks', { as: 'rep.zhao' });
      expect(list.body.items.map((p: { title: string }) => p.title)).not.to.include('草稿包');
      expect(list.body.usage).to.equal(null);
      const admin = await api.call('GET', '/api/talk-tracks', { as: 'admin.lin' });
      expect(admin.body.items.map((p: { title: string }) => p.title)).to.include('草稿包');
    });

    it('attaches a document from the attachment storage that reps can download, and refuses a photo', async () => {
      const pdf = SAMPLES.pdf();
      const res = await rawCall(api, 'POST', `/api/talk-tracks/${packId}/attachments`,
        { token: await api.tokenFor('admin.lin'), body: pdf, query: { filename: '延长质保条款.pdf' } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const file = res.body.attachments[0];
      expect(file).to.deep.include({ filename: '延长质保条款.pdf', mime: 'application/pdf' });
      const got = await rawCall(api, 'GET', file.url, { token: await api.tokenFor('rep.zhou') });
      expect(got.status).to.equal(200);
      expect(got.bytes.equals(pdf)).to.equal(true);
      expect(got.headers.get('content-disposition')).to.contain('attachment');
      const photo = await rawCall(api, 'POST', `/api/talk-tracks/${packId}/attachments`, { token: await api.tokenFor('admin.lin'), body: SAMPLES.png() });
      expect(photo.status).to.equal(415);
      expect((await api.call('GET', `/api/talk-tracks/${packId}`, { as: 'rep.zhao' })).body.attachments).to.have.length(1);
    });
  });

  describe('pushing a pack when its signal fires', () => {
    let shareUrl: string;

    before(async () => {
      // a pack aimed at the same signal for hospitals only: the KA deal must not get it
      await api.call('POST', '/api/talk-tracks', { as: 'admin.lin', body: warrantyPack({ title: '医院质保话术', stageCodes: [], customerTypes: ['hospital'], signalKinds: ['document.downloaded'] }) });
      const customerId = (await one('SELECT customer_id FROM opportunities WHERE id = $1', [dealId])).customer_id;
      const doc = (await upload(api, await api.tokenFor('rep.zhao'), SAMPLES.pdf(), { kind: 'document', customerId: String(customerId), tags: '延长质保条款', filename: '延长质保条款.pdf' })).body;
      const link = await api.call('POST', `/api/opportunities/${dealId}/share-links`, { as: 'rep.zhao', body: { attachmentId: doc.id } });
      expect(link.status, JSON.stringify(link.body)).to.equal(201);
      shareUrl = link.body.url;
    });

    it('sends nothing while the customer has downloaded the warranty terms fewer than three times', async () => {
      expect(await customerDownloads(shareUrl)).to.equal(200);
      tick(3_600_000);
      expect(await customerDownloads(shareUrl)).to.equal(200);
      expect(await pushCards()).to.have.length(0);
    });

    it('sends the owner one WeCom card linking the pack\'s reader on the third download, and none for packs aimed elsewhere', async () => {
      tick(3_600_000);
      expect(await customerDownloads(shareUrl)).to.equal(200);
      const cards = await pushCards();
      expect(cards).to.have.length(1);
      const { recipient, msgtype, payload } = cards[0];
      expect(recipient).to.equal('rep.zhao');
      expect(msgtype).to.equal('template_card');
      const card = payload.template_card;
      expect(card.card_type).to.equal('text_notice');
      expect(card.main_title.title).to.equal(`《${WARRANTY}》`);
      expect(card.main_title.desc).to.match(/^客户3天内下载《延长质保条款\.pdf》3次$/);
      expect(card.horizontal_content_list).to.deep.include({ keyname: '商机', value: '华联2027年度饮料框架合同' });
      expect(card.card_action.url).to.match(new RegExp(`^http.+/talk-tracks/${packId}\\?deal=${dealId}&via=card$`));
      const push = await one('SELECT signal_kind, reason, user_id FROM talk_track_pushes WHERE pack_id = $1 AND opportunity_id = $2', [packId, dealId]);
      expect(push).to.deep.include({ signal_kind: 'document.downloaded' });
    });

    it('sends it once: more downloads, reading the score and the nightly scoring send nothing more', async () => {
      tick(600_000);
      expect(await customerDownloads(shareUrl)).to.equal(200);
      expect((await api.call('GET', `/api/opportunities/${dealId}/score`, { as: 'rep.zhao' })).status).to.equal(200);
      await scoreAllOpenOpportunities(pool, clock, { onSignals: pushTalkTracks('https://h5.example.com') });
      expect(await pushCards()).to.have.length(1);
      expect(await count('talk_track_pushes')).to.equal(1);
      const usage = (await api.call('GET', '/api/talk-tracks', { as: 'admin.lin' })).body.usage.find((u: { packId: number }) => u.packId === packId);
      expect(usage).to.deep.include({ pushes: 1, pushesOpened: 0 });
    });

    it('offers the deal the pack pushed for it, with why', async () => {
      const res = await api.call('GET', `/api/opportunities/${dealId}/talk-tracks`, { as: 'rep.zhao' });
      expect(res.status).to.equal(200);
      expect(res.body.items[0]).to.deep.include({ id: packId, title: WARRANTY });
      expect(res.body.items[0].pushedFor).to.match(/下载《延长质保条款\.pdf》3次/);
      expect(res.body.items.map((p: { title: string }) => p.title)).not.to.include('医院质保话术');
    });
  });

  describe('reading and 用上了', () => {
    it('records the owner\'s read from the card once for a reload, with the deal and why it was pushed', async () => {
      const before = await count('talk_track_opens');
      const read = await api.call('POST', `/api/talk-tracks/${packId}/reads`, { as: 'rep.zhao', body: { opportunityId: dealId, via: 'card' } });
      expect(read.status, JSON.stringify(read.body)).to.equal(200);
      expect(read.body.pack.title).to.equal(WARRANTY);
      expect(read.body.deal).to.deep.include({ id: dealId, customerName: '华联超市总部' });
      expect(read.body.deal.pushedFor).to.match(/下载《延长质保条款\.pdf》3次/);
      expect(read.body.helped).to.equal(false);
      tick(60_000);
      await api.call('POST', `/api/talk-tracks/${packId}/reads`, { as: 'rep.zhao', body: { opportunityId: dealId, via: 'card' } });
      expect(await count('talk_track_opens')).to.equal(before + 1);
    });

    it('counts a read again after the minutes the admin set in 话术包阅读统计', async () => {
      const saved = await settingsClient(api).save('admin.lin', 'flow.talk-track-reads', { sameReadMinutes: 1 });
      expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
      const before = await count('talk_track_opens');
      const read = () => api.call('POST', `/api/talk-tracks/${packId}/reads`, { as: 'rep.zhao', body: { opportunityId: dealId, via: 'app' } });
      tick(300_000);
      await read();
      tick(30_000);
      await read();
      expect(await count('talk_track_opens')).to.equal(before + 1);
      tick(60_000);
      await read();
      expect(await count('talk_track_opens')).to.equal(before + 2);
      expect((await settingsClient(api).save('rep.zhao', 'flow.talk-track-reads', { sameReadMinutes: 5 })).status).to.equal(403);
    });

    it('refuses a read for a deal outside the reader\'s scope and records nothing', async () => {
      const before = await count('talk_track_opens');
      const res = await api.call('POST', `/api/talk-tracks/${packId}/reads`, { as: 'rep.zhou', body: { opportunityId: dealId } });
      expect(res.status).to.equal(422);
      expect(res.body.error.message).to.equal('商机不存在或不在你的权限范围内');
      const bad = await api.call('POST', `/api/talk-tracks/${packId}/reads`, { as: 'rep.zhou', body: { via: 'email' } });
      expect(bad.status).to.equal(400);
      expect(await count('talk_track_opens')).to.equal(before);
    });

    it('counts 用上了 once per member and deal, and shows the admin each pack\'s opens, readers, 用上了 and pushes', async () => {
      const first = await api.call('POST', `/api/talk-tracks/${packId}/helped`, { as: 'rep.zhao', body: { opportunityId: dealId } });
      expect(first.body).to.deep.equal({ helped: true, helpedCount: 1 });
      const again = await api.call('POST', `/api/talk-tracks/${packId}/helped`, { as: 'rep.zhao', body: { opportunityId: dealId } });
      expect(again.body.helpedCount).to.equal(1);
      await api.call('POST', `/api/talk-tracks/${packId}/reads`, { as: 'rep.zhou', body: { via: 'app' } });
      const list = await api.call('GET', '/api/talk-tracks', { as: 'admin.lin' });
      expect(list.body.usage.find((u: { packId: number }) => u.packId === packId)).to.deep.equal({ packId, opens: 4, readers: 2, helped: 1, pushes: 1, pushesOpened: 1 });
      const read = await api.call('POST', `/api/talk-tracks/${packId}/reads`, { as: 'rep.zhao', body: { opportunityId: dealId } });
      expect(read.body).to.deep.include({ helped: true, helpedCount: 1 });
    });
  });
});
