import { expect } from 'chai';
import type pg from 'pg';
import { askedShare, documentsNamed } from '../../../core/sharing/share-request.js';
import { routeIntent } from '../../../core/understanding/intent-router.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { upload } from '../attachments/support/http.js';
import { SAMPLES } from '../attachments/support/sample-files.js';
import { botDepsFor, say } from './bot-helpers.js';

/**
 * "把质保条款发给王院长": the bot finds the contact among the customers the rep
 * has open deals with (asking when it cannot tell), the document by name or
 * tag (asking between several), the customer's open deal, reads the share back
 * and makes the same link as the app — one a customer can open.
 */
describe('the bot: sending a customer a document as a tracked link', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let hospital: { id: number; dealId: number; dealName: string };
  const contact: Record<string, number> = {};
  const doc: Record<string, number> = {};
  const deps = () => botDepsFor(pool);
  const linksOf = async (dealId: number) =>
    (await pool.query('SELECT id, attachment_id, contact_id, created_by FROM share_links WHERE opportunity_id = $1 ORDER BY id', [dealId])).rows;

  before(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool });
    hospital = (await pool.query(
      `SELECT c.id, o.id AS "dealId", o.name AS "dealName" FROM customers c JOIN opportunities o ON o.customer_id = c.id AND o.status = 'open'
        WHERE c.name = '上海市第六人民医院'`)).rows[0];
    const huaLian = (await pool.query(`SELECT id FROM customers WHERE name = '华联超市总部'`)).rows[0].id;
    for (const [customerId, name, title] of [[hospital.id, '王建国', '院长'], [huaLian, '王芳', '采购总监'], [hospital.id, '王敏', '设备科科长']] as const) {
      const res = await api.call('POST', '/api/contacts', { as: 'rep.zhao', body: { customerId, name, title } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      contact[name] = res.body.id;
    }
    const token = await api.tokenFor('rep.zhao');
    for (const [filename, tags] of [['延长质保条款.pdf', '延长质保条款'], ['报价单（标准版）.pdf', '报价单'], ['报价单（含延保）.pdf', '报价单'], ['技术方案.pdf', '']]) {
      const res = await upload(api, token, SAMPLES.pdf(), { kind: 'document', customerId: String(hospital.id), filename, ...(tags ? { tags } : {}) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      doc[filename] = res.body.id;
    }
  });
  after(() => api.close());

  it('reads requests to send a document in the ways reps say them, and leaves reports of a sending alone', () => {
    expect(askedShare('把质保条款发给王院长')).to.deep.equal({ document: '质保条款', person: '王院长' });
    expect(askedShare('分享报价单给刘伟')).to.deep.equal({ document: '报价单', person: '刘伟' });
    expect(askedShare('帮我把那份技术方案发给高磊看看吧')).to.deep.equal({ document: '技术方案', person: '高磊' });
    expect(askedShare('给刘伟发一下报价单')).to.deep.equal({ document: '报价单', person: '刘伟' });
    expect(askedShare('把报价单发给客户')).to.deep.equal({ document: '报价单', person: '' });
    expect(askedShare('把报价单发给刘伟了')).to.equal(null);
    expect(askedShare('刚才已经把方案发给王院长')).to.equal(null);
    expect(askedShare('把照片发给你')).to.equal(null);
    expect(routeIntent('把质保条款发给王院长', { now: new Date() }).best?.kind).to.equal('share_document');
    expect(routeIntent('今天有啥任务', { now: new Date() }).best?.kind).to.equal('command');
  });

  it('matches a document by its tag or a part of its name, and returns every equally good one', () => {
    const docs = [{ id: 1, filename: '延长质保条款.pdf', tags: ['延长质保条款'] }, { id: 2, filename: '报价单A.pdf', tags: ['报价单'] },
      { id: 3, filename: '报价单B.pdf', tags: ['报价单'] }, { id: 4, filename: '技术方案.pdf', tags: [] }];
    expect(documentsNamed('质保条款', docs).map((d) => d.id)).to.deep.equal([1]);
    expect(documentsNamed('报价单', docs).map((d) => d.id)).to.deep.equal([2, 3]);
    expect(documentsNamed('报价单B', docs).map((d) => d.id)).to.deep.equal([3]);
    expect(documentsNamed('方案', docs).map((d) => d.id)).to.deep.equal([4]);
    expect(documentsNamed('合同', docs)).to.deep.equal([]);
  });

  it('shares 质保条款 with 王院长 after reading it back, and the customer can open the link', async () => {
    const asked = await say(deps(), 'rep.zhao', '把质保条款发给王院长');
    expect(asked).to.include(`把《延长质保条款.pdf》分享给王建国（上海市第六人民医院）？商机：${hospital.dealName}。`);
    expect(await linksOf(hospital.dealId)).to.deep.equal([]);
    const answer = await say(deps(), 'rep.zhao', '是');
    const url = /https?:\/\/\S+\/s\/\d+\.[\w-]{22}/.exec(answer)?.[0];
    expect(url, answer).to.be.a('string');
    expect(answer).to.include('《延长质保条款.pdf》的链接（有效期至').and.include('复制发给王建国就行');
    const links = await linksOf(hospital.dealId);
    expect(links).to.have.length(1);
    expect(links[0]).to.deep.include({ attachment_id: doc['延长质保条款.pdf'], contact_id: contact['王建国'] });
    const page = await fetch(api.baseUrl + new URL(url!).pathname, { headers: { 'User-Agent': 'Mozilla/5.0 (iPhone)' } });
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain('《延长质保条款.pdf》');
  });

  it('asks which 报价单 when two fit, and makes the link for the one picked', async () => {
    const before = (await linksOf(hospital.dealId)).length;
    const asked = await say(deps(), 'rep.zhao', '分享报价单给高磊');
    expect(asked).to.include('“报价单”有2份，发哪一份？').and.include('《报价单（标准版）.pdf》（').and.include('《报价单（含延保）.pdf》（').and.include('上传）');
    const second = asked.includes('1. 《报价单（含延保）.pdf》') ? '报价单（标准版）.pdf' : '报价单（含延保）.pdf';
    expect(await say(deps(), 'rep.zhao', '2')).to.include(`把《${second}》分享给高磊`);
    expect(await say(deps(), 'rep.zhao', '好的')).to.match(/\/s\/\d+\./);
    const links = await linksOf(hospital.dealId);
    expect(links).to.have.length(before + 1);
    expect(links.at(-1)!.attachment_id).to.equal(doc[second]);
  });

  it('asks which 王老师 is meant across the rep\'s customers instead of guessing, naming each one\'s customer', async () => {
    const asked = await say(deps(), 'rep.zhao', '把技术方案发给王老师');
    expect(asked).to.include('“王老师”是哪一位？').and.include('王建国（院长）·上海市第六人民医院').and.include('王芳（采购总监）·华联超市总部');
    const options = asked.split('\n').filter((l) => /^\d\. /.test(l));
    const n = options.findIndex((l) => l.includes('王敏')) + 1;
    expect(n).to.be.greaterThan(0);
    expect(await say(deps(), 'rep.zhao', String(n))).to.include('把《技术方案.pdf》分享给王敏（上海市第六人民医院）？');
    // 不是 at the read-back: nothing is made
    const before = (await linksOf(hospital.dealId)).length;
    expect(await say(deps(), 'rep.zhao', '不是')).to.include('不分享了');
    expect(await linksOf(hospital.dealId)).to.have.length(before);
  });

  it('says so when nobody of that name is among the customers with open deals, or the customer has no such document', async () => {
    expect(await say(deps(), 'rep.zhao', '把报价单发给钟岩')).to.include('没找到“钟岩”');
    // asked which, the rep asks for another share instead: that one is answered
    expect(await say(deps(), 'rep.zhao', '把技术方案发给王老师')).to.include('“王老师”是哪一位？');
    expect(await say(deps(), 'rep.zhao', '把技术方案发给王建国')).to.include('把《技术方案.pdf》分享给王建国（上海市第六人民医院）？');
    expect(await say(deps(), 'rep.zhao', '算了')).to.include('不分享了');
    const none = await say(deps(), 'rep.zhao', '把合同发给王建国');
    expect(none).to.include('上海市第六人民医院没有叫“合同”的文档').and.include('《延长质保条款.pdf》');
    expect(await say(deps(), 'rep.zhao', '把报价单发给客户')).to.include('发给哪位联系人？');
  });
});
