import { expect } from 'chai';
import type pg from 'pg';
import pino from 'pino';
import type { System } from '../../../core/system.js';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { LoggingWecomClient } from '../../../core/wecom/logging-wecom-client.js';
import type { WecomClient } from '../../../core/wecom/wecom-client.js';
import { JOBS } from '../../../jobs/registry.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { startFakeWecom, type FakeWecom } from '../../support/fake-wecom.js';
import { sessionToken } from '../../support/session-token.js';
import { upload } from '../attachments/support/http.js';
import { SAMPLES } from '../attachments/support/sample-files.js';

const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret' };
const PATH = '/cgi-bin/externalcontact/batch/get_by_user';
const IN_WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile MicroMessenger/8.0.50';

/**
 * 客户联系 sync through the WeCom interface (the loopback fake answers batch/get_by_user in WeCom's
 * format): a sure match binds the contact's external_userid, anything less is a question the rep
 * answers; a WeCom error is said in Chinese and writes nothing.
 */
describe('syncing WeCom 客户联系 into contacts (core/wecom-contacts)', function () {
  this.timeout(120_000);
  let pool: pg.Pool;
  let api: TestApi;
  let fake: FakeWecom;
  let hospital: { id: number; contacts: Array<{ id: number; name: string; phone: string }> };
  let hualian: number;
  const as = async (userid: string) => ({ Authorization: `Bearer ${await sessionToken(pool, userid)}` });
  const call = async (who: string, method: string, path: string, body?: unknown) =>
    api.call(method, path, { headers: await as(who), ...(body ? { body } : {}) });
  const boundIds = async () => (await pool.query(`SELECT id, wecom_external_userid AS ext FROM contacts WHERE wecom_external_userid IS NOT NULL ORDER BY id`)).rows;
  const matches = async () => (await pool.query(`SELECT external_userid, contact_id, status FROM wecom_contact_matches ORDER BY id`)).rows;

  before(async () => {
    ({ pool } = await freshDatabase(6));
    fake = await startFakeWecom({ ...CORP });
    const wecom = new HttpWecomClient({
      apiBase: fake.baseUrl, oauthBase: fake.oauthBaseUrl, ...CORP, timeoutMs: 3_000, maxAttempts: 1, retryBaseDelayMs: 1, logger: pino({ level: 'silent' }),
    });
    api = await startTestApi({
      pool, wecom, env: { WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_SECRET: CORP.secret, WECOM_API_BASE: fake.baseUrl, TRUST_PROXY: '1' },
    });
    const { rows: [h] } = await pool.query(`SELECT id FROM customers WHERE name = '上海市第六人民医院'`);
    const { rows: ks } = await pool.query(`SELECT id, name, phone FROM contacts WHERE customer_id = $1 AND phone IS NOT NULL ORDER BY id LIMIT 2`, [h.id]);
    hospital = { id: h.id, contacts: ks.map((k) => ({ id: Number(k.id), name: k.name, phone: k.phone })) };
    hualian = (await pool.query(`SELECT id FROM customers WHERE name = '华联超市总部'`)).rows[0].id;
    const sun = await call('rep.zhao', 'POST', '/api/contacts', { customerId: h.id, name: '孙静', title: '护士长' });
    hospital.contacts.push({ id: sun.body.id, name: '孙静', phone: '' });
    // one name at two customers: WeCom's 王建国 of an unknown company could be either
    for (const customerId of [hospital.id, hualian]) {
      const r = await call('rep.zhao', 'POST', '/api/contacts', { customerId, name: '王建国', title: customerId === hualian ? '采购总监' : '副院长' });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
    }
  });
  after(async () => { await api?.close(); await fake?.stop(); });

  it('binds the sure matches (a noted mobile; a name at the customer the company names) and asks the rep about the rest, once', async () => {
    const [byPhone, byName, notThem] = hospital.contacts;
    expect(hospital.contacts.length).to.equal(3);
    fake.setExternalContacts([
      // a WeChat nickname, recognised by the mobile two members noted
      { external_userid: 'wmPHONE01', name: '阳光明媚', follow: [
        { userid: 'rep.zhao', remark_mobiles: [`+86 ${byPhone.phone.slice(0, 3)}-${byPhone.phone.slice(3)}`] }, { userid: 'mgr.li', remark: '六院' }] },
      { external_userid: 'wmNAME01', name: byName.name, corp_name: '第六人民医院', follow: [{ userid: 'rep.zhao' }] },
      { external_userid: 'wmWANG01', name: '王建国', corp_name: '某某集团', follow: [{ userid: 'rep.zhao', remark: '王建国-副院长' }] },
      { external_userid: 'wmNEW0001', name: '赵新人', follow: [{ userid: 'rep.zhao', remark_corp_name: '上海市第六人民医院', remark_mobiles: ['13900001111'] }] },
      { external_userid: 'wmASK0001', name: notThem.name, follow: [{ userid: 'rep.zhao' }] },
      { external_userid: 'wmNONE001', name: '陌生人', corp_name: '不相干的公司', follow: [{ userid: 'rep.zhao' }] },
    ]);
    const res = await call('admin.lin', 'POST', '/api/wecom-contacts/sync');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ externalContacts: 6, bound: 2, alreadyBound: 0, unmatched: 1 });
    expect(res.body.asked).to.be.at.least(4);
    expect(await boundIds()).to.deep.include.members([{ id: byPhone.id, ext: 'wmPHONE01' }, { id: byName.id, ext: 'wmNAME01' }]);

    const list = await call('rep.zhao', 'GET', `/api/wecom-contact-matches?customerId=${hospital.id}`);
    const questions = list.body.items.map((m: any) => m.question);
    expect(questions).to.include('企业微信客户 王建国（某某集团）是这位联系人吗？');
    expect(questions).to.include('企业微信客户 赵新人（上海市第六人民医院）还不在上海市第六人民医院的联系人里，要新建联系人吗？');
    expect(questions).to.include(`企业微信客户 ${notThem.name}（上海市第六人民医院）是这位联系人吗？`);
    // another rep sees nothing of rep.zhao's customers
    expect((await call('rep.sun', 'GET', `/api/wecom-contact-matches?customerId=${hospital.id}`)).body.items).to.deep.equal([]);

    // 是: the hospital's 王建国 is the one; the question about 华联's 王建国 is answered by it
    const wang = list.body.items.find((m: any) => m.externalName === '王建国');
    const yes = await call('rep.zhao', 'POST', `/api/wecom-contact-matches/${wang.id}/answer`, { answer: 'yes' });
    expect(yes.status, JSON.stringify(yes.body)).to.equal(200);
    expect(yes.body.contact).to.include({ name: '王建国', customerId: hospital.id, wecomExternalUserid: 'wmWANG01' });
    expect((await call('rep.zhao', 'GET', `/api/wecom-contact-matches?customerId=${hualian}`)).body.items.map((m: any) => m.externalName)).to.not.include('王建国');
    // 新建联系人: added to the hospital with WeCom's id and the noted mobile
    const newcomer = list.body.items.find((m: any) => m.externalName === '赵新人');
    const created = await call('rep.zhao', 'POST', `/api/wecom-contact-matches/${newcomer.id}/answer`, { answer: 'create' });
    expect(created.body.contact).to.include({ name: '赵新人', customerId: hospital.id, wecomExternalUserid: 'wmNEW0001', phone: '13900001111' });
    // 不是: remembered
    const ask = list.body.items.find((m: any) => m.externalName === notThem.name && m.contactId === notThem.id);
    expect((await call('rep.zhao', 'POST', `/api/wecom-contact-matches/${ask.id}/answer`, { answer: 'no' })).body.status).to.equal('rejected');
    const again = await call('rep.zhao', 'POST', `/api/wecom-contact-matches/${ask.id}/answer`, { answer: 'yes' });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.equal('这条企业微信客户已经确认过了');

    // the next night: nothing new to bind or ask; the 不是 is not asked again
    const before = await matches();
    const second = await call('admin.lin', 'POST', '/api/wecom-contacts/sync');
    expect(second.body).to.include({ bound: 0, asked: 0, alreadyBound: 4, unmatched: 1 });
    expect(await matches()).to.deep.equal(before);
    const last = await call('admin.lin', 'GET', '/api/wecom-contacts/sync');
    expect(last.body.last).to.include({ ok: true });
    expect(last.body.last.summary).to.match(/^企业微信客户 6 位：新对应 0 位，已对应 4 位/);
  });

  it('says a WeCom refusal in Chinese and writes nothing, even when it comes after the first page', async () => {
    const ext = (i: number) => ({ external_userid: `wmBULK${String(i).padStart(4, '0')}`, name: `批量${i}`, corp_name: '上海市第六人民医院', follow: [{ userid: 'rep.zhao' }] });
    fake.setExternalContacts(Array.from({ length: 150 }, (_, i) => ext(i)));
    const bound = await boundIds();
    const asked = await matches();
    fake.failNext(PATH, 48002, 1, 1);
    const res = await call('admin.lin', 'POST', '/api/wecom-contacts/sync');
    expect(res.status).to.equal(502);
    expect(res.body.error.code).to.equal('WECOM_CONTACT_SYNC_FAILED');
    expect(res.body.error.message).to.contain('客户联系').and.contain('48002');
    expect(fake.callsTo(PATH)).to.be.at.least(2);
    expect(await boundIds()).to.deep.equal(bound);
    expect(await matches()).to.deep.equal(asked);
    const last = await call('admin.lin', 'GET', '/api/wecom-contacts/sync');
    expect(last.body.last.ok).to.equal(false);
    expect(last.body.last.summary).to.contain('同步失败').and.contain('48002');
    // a rep may not run it
    expect((await call('rep.zhao', 'POST', '/api/wecom-contacts/sync')).status).to.equal(403);
  });

  it('runs nightly as the job sync-wecom-contacts, and says it skipped in demo mode', async () => {
    const job = JOBS.find((j) => j.name === 'sync-wecom-contacts')!;
    expect(job.every).to.equal('20 3 * * *');
    const sys = (wecom: WecomClient) => ({ pool, wecom, now: () => new Date(), logger: pino({ level: 'silent' }) }) as unknown as System;
    expect(await job.run(sys(new LoggingWecomClient(pino({ level: 'silent' }))))).to.deep.equal({ skipped: '演示模式：未配置企业微信，跳过企业微信客户同步' });
    fake.setExternalContacts([{ external_userid: 'wmJOB00001', name: '夜间新人', corp_name: '上海市第六人民医院', follow: [{ userid: 'rep.zhao' }] }]);
    const wecom = new HttpWecomClient({ apiBase: fake.baseUrl, ...CORP, maxAttempts: 1, logger: pino({ level: 'silent' }) });
    const r = await job.run(sys(wecom)) as { asked: number; summary: string };
    expect(r.asked).to.equal(1);
    expect(r.summary).to.equal('企业微信客户：1 位，新对应 0 位，待业务员确认 1 条');
  });

  it('lets a share page opened in WeChat recognise the contact the sync bound', async () => {
    const [byPhone] = hospital.contacts;
    const { rows: [o] } = await pool.query(`SELECT id FROM opportunities WHERE customer_id = $1 AND status = 'open' ORDER BY id LIMIT 1`, [hospital.id]);
    const doc = (await upload(api, await sessionToken(pool, 'rep.zhao'), SAMPLES.pdf(), { kind: 'document', customerId: String(hospital.id), filename: '技术方案.pdf' })).body;
    const link = (await call('rep.zhao', 'POST', `/api/opportunities/${o.id}/share-links`, { attachmentId: doc.id })).body;
    fake.setOAuthUser({ openid: 'oWX-someone', externalUserid: 'wmPHONE01' });
    const u = new URL(link.url);
    const first = await fetch(new URL(u.pathname + u.search, api.baseUrl), { headers: { 'User-Agent': IN_WECHAT, 'X-Forwarded-For': '198.51.77.1' }, redirect: 'manual' });
    expect(first.status).to.equal(302);
    const back = await fetch(new URL(first.headers.get('location')!), { redirect: 'manual' });
    const landing = new URL(back.headers.get('location')!);
    const page = await fetch(new URL(landing.pathname + landing.search, api.baseUrl), { headers: { 'User-Agent': IN_WECHAT, 'X-Forwarded-For': '198.51.77.1' } });
    expect(page.status).to.equal(200);
    const { rows } = await pool.query(`SELECT contact_id, identified_by FROM share_opens WHERE link_id = $1 AND kind = 'open'`, [link.id]);
    expect(rows).to.deep.equal([{ contact_id: byPhone.id, identified_by: 'wecom' }]);
  });
});
