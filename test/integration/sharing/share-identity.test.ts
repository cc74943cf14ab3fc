import { expect } from 'chai';
import type pg from 'pg';
import pino from 'pino';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { startFakeWecom, type FakeWecom } from '../../support/fake-wecom.js';
import { sessionToken } from '../../support/session-token.js';
import { upload } from '../attachments/support/http.js';
import { SAMPLES } from '../attachments/support/sample-files.js';

const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret' };
const IN_WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile MicroMessenger/8.0.50';
const IN_WECOM = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile wxwork/4.1.30 MicroMessenger/7.0.1';
const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1';

/**
 * A share page opened inside WeCom or WeChat goes once through WeCom's silent
 * OAuth (snsapi_base) and records the open against the customer's contact whose
 * external_userid WeCom names; outside them, or when OAuth names nobody, the
 * open is recorded as before. Never a loop; a forged state names nobody.
 */
describe('recognising the WeCom external contact on a share page', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let fake: FakeWecom;
  let oppId: number;
  let docId: number;
  const contact: Record<string, number> = {};
  let clientIp = 10;

  const as = async (userid: string) => ({ Authorization: `Bearer ${await sessionToken(pool, userid)}` });
  const call = async (method: string, path: string, body?: unknown) =>
    api.call(method, path, { headers: await as('rep.zhao'), ...(body ? { body } : {}) });
  /** A fetch as a phone outside the organisation, each test from its own network (so repeats do not merge across tests). */
  const visit = (url: string, ua: string, ip = `198.51.${clientIp}.1`) =>
    fetch(new URL(url, api.baseUrl), { headers: { 'User-Agent': ua, 'X-Forwarded-For': ip, 'Accept-Language': 'zh-CN' }, redirect: 'manual' });
  const pathOf = (url: string) => { const u = new URL(url); return u.pathname + u.search; };
  const opensOf = async (linkId: number) =>
    (await pool.query('SELECT kind, contact_id, identified_by FROM share_opens WHERE link_id = $1 ORDER BY id', [linkId])).rows;
  const newLink = async (contactId?: number) =>
    (await call('POST', `/api/opportunities/${oppId}/share-links`, { attachmentId: docId, ...(contactId ? { contactId } : {}) })).body;
  /** Opens the link as WeCom does: the page sends the phone to OAuth, WeCom sends it back with a code. */
  const openThroughOAuth = async (url: string, ua = IN_WECHAT) => {
    const first = await visit(pathOf(url), ua);
    expect(first.status).to.equal(302);
    const authorize = new URL(first.headers.get('location')!);
    const back = await fetch(authorize, { redirect: 'manual' });
    expect(back.status).to.equal(302);
    return { authorize, landing: back.headers.get('location')! };
  };

  before(async () => {
    ({ pool } = await freshDatabase(6));
    fake = await startFakeWecom({ ...CORP });
    const wecom = new HttpWecomClient({
      apiBase: fake.baseUrl, oauthBase: fake.oauthBaseUrl, ...CORP, timeoutMs: 3_000, maxAttempts: 1, retryBaseDelayMs: 1, logger: pino({ level: 'silent' }),
    });
    api = await startTestApi({
      pool, wecom,
      env: { WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_SECRET: CORP.secret, WECOM_API_BASE: fake.baseUrl, TRUST_PROXY: '1' },
    });
    const hospital = (await pool.query(
      `SELECT c.id, o.id AS opp FROM customers c JOIN opportunities o ON o.customer_id = c.id AND o.status = 'open' WHERE c.name = '上海市第六人民医院'`)).rows[0];
    oppId = hospital.opp;
    const huaLian = (await pool.query(`SELECT id FROM customers WHERE name = '华联超市总部'`)).rows[0].id;
    for (const [customerId, name, ext] of [[hospital.id, '王建国', 'wmEXT-wangjianguo'], [hospital.id, '李护士长', null], [huaLian, '孙采购', 'wmEXT-sun']] as const) {
      const res = await call('POST', '/api/contacts', { customerId, name, ...(ext ? { wecomExternalUserid: ext } : {}) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.wecomExternalUserid).to.equal(ext);
      contact[name] = res.body.id;
    }
    docId = (await upload(api, await sessionToken(pool, 'rep.zhao'), SAMPLES.pdf(), { kind: 'document', customerId: String(hospital.id), filename: '延长质保条款.pdf' })).body.id;
  });
  beforeEach(() => { clientIp++; });
  after(async () => { await api?.close(); await fake?.stop(); });

  it('goes once through WeCom\'s silent OAuth and records the open, and the download, against the contact WeCom names', async () => {
    // sent to 李护士长, opened by 王建国 (the link was forwarded inside the hospital)
    const link = await newLink(contact['李护士长']);
    fake.setOAuthUser({ openid: 'o-wang', externalUserid: 'wmEXT-wangjianguo' });
    const { authorize, landing } = await openThroughOAuth(link.url);
    expect(authorize.pathname).to.equal('/connect/oauth2/authorize');
    expect(authorize.searchParams.get('scope')).to.equal('snsapi_base');
    expect(authorize.searchParams.get('appid')).to.equal(CORP.corpId);
    expect(new URL(authorize.searchParams.get('redirect_uri')!).pathname).to.equal(new URL(link.url).pathname);
    expect(await opensOf(link.id)).to.deep.equal([]);

    const page = await visit(pathOf(landing), IN_WECHAT);
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.contain('《延长质保条款.pdf》').and.contain('企业微信静默授权');
    expect(await opensOf(link.id)).to.deep.equal([{ kind: 'open', contact_id: contact['王建国'], identified_by: 'wecom' }]);
    const message = (await pool.query(`SELECT payload FROM outbox WHERE dedupe_key = $1`, [`share-link:${link.id}:first-open`])).rows[0];
    expect(message.payload.textcard.description).to.contain('王建国（上海市第六人民医院）第一次打开了《延长质保条款.pdf》');

    // the download link carries who the page recognised: the download is his too, without a second trip to WeCom
    const href = /href="([^"]+)" data-download/.exec(html)![1].replace(/&#38;/g, '&');
    const file = await visit(href, IN_WECHAT);
    expect(file.status).to.equal(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(SAMPLES.pdf())).to.equal(true);
    expect((await opensOf(link.id))[1]).to.deep.equal({ kind: 'download', contact_id: contact['王建国'], identified_by: 'wecom' });
    // an altered viewer token names nobody: the link's own contact, as outside WeCom
    const forged = href.replace(/who=c\d+/, `who=c${contact['孙采购']}`);
    expect((await visit(forged, IN_WECHAT, '203.0.113.5')).status).to.equal(200);
    expect((await opensOf(link.id))[2]).to.deep.equal({ kind: 'download', contact_id: contact['李护士长'], identified_by: 'link' });
    // the deal's 文档打开 list names who opened it, and that WeCom said so
    const listed = (await call('GET', `/api/opportunities/${oppId}/share-links`)).body.items.find((l: any) => l.id === link.id);
    expect(listed.openedBy).to.deep.equal([
      { id: contact['王建国'], name: '王建国', viaWecom: true }, { id: contact['李护士长'], name: '李护士长', viaWecom: false },
    ]);
  });

  it('never goes round twice: back from WeCom with a used or forged code or state, the page shows without identity', async () => {
    const link = await newLink();
    fake.setOAuthUser({ openid: 'o-wang', externalUserid: 'wmEXT-wangjianguo' });
    const { landing } = await openThroughOAuth(link.url, IN_WECOM);
    expect((await visit(pathOf(landing), IN_WECOM)).status).to.equal(200);
    // the same address again (a reload): the code is used up, no second redirect, still the page
    const reload = await visit(pathOf(landing), IN_WECOM, '203.0.113.9');
    expect(reload.status).to.equal(200);
    // a state that is not this link's: WeCom is not even asked
    const asked = fake.counters.calls['/cgi-bin/auth/getuserinfo'] ?? 0;
    const forged = new URL(landing);
    forged.searchParams.set('state', 'A'.repeat(32));
    const res = await visit(pathOf(forged.toString()), IN_WECOM, '192.0.2.77');
    expect(res.status).to.equal(200);
    expect(fake.counters.calls['/cgi-bin/auth/getuserinfo'] ?? 0).to.equal(asked);
    // a page landed on without any code (WeCom gave none) is not sent back either
    expect((await visit(`${new URL(link.url).pathname}?state=${forged.searchParams.get('state')}`, IN_WECOM, '192.0.3.78')).status).to.equal(200);
    expect(await opensOf(link.id)).to.deep.equal([
      { kind: 'open', contact_id: contact['王建国'], identified_by: 'wecom' },
      { kind: 'open', contact_id: null, identified_by: null },
      { kind: 'open', contact_id: null, identified_by: null },
      { kind: 'open', contact_id: null, identified_by: null },
    ]);
  });

  it('records as before when OAuth names nobody it knows: another customer\'s contact, a plain WeChat user, or a plain browser (no detour)', async () => {
    const link = await newLink(contact['李护士长']);
    fake.setOAuthUser({ openid: 'o-sun', externalUserid: 'wmEXT-sun' }); // 华联's buyer: not this link's customer
    expect((await visit(pathOf((await openThroughOAuth(link.url)).landing), IN_WECHAT)).status).to.equal(200);
    fake.setOAuthUser({ openid: 'o-stranger' });
    expect((await visit(pathOf((await openThroughOAuth(link.url)).landing), IN_WECHAT, '192.0.4.90')).status).to.equal(200);
    const plain = await visit(pathOf(link.url), BROWSER, '192.0.5.91');
    expect(plain.status).to.equal(200);
    expect((await opensOf(link.id)).map((o) => [o.contact_id, o.identified_by])).to.deep.equal([
      [contact['李护士长'], 'link'], [contact['李护士长'], 'link'], [contact['李护士长'], 'link'],
    ]);
  });

  it('does not count a member of the organisation WeCom recognises, and never detours a forged link', async () => {
    const link = await newLink();
    fake.setOAuthUser('rep.zhao');
    const { landing } = await openThroughOAuth(link.url, IN_WECOM);
    const page = await visit(pathOf(landing), IN_WECOM);
    expect(page.status).to.equal(200);
    const href = /href="([^"]+)" data-download/.exec(await page.text())![1].replace(/&#38;/g, '&');
    expect((await visit(href, IN_WECOM)).status).to.equal(200);
    expect(await opensOf(link.id)).to.deep.equal([]);
    const forged = await visit(`/s/${link.id}.${'x'.repeat(22)}`, IN_WECOM);
    expect(forged.status).to.equal(404);
  });
});
