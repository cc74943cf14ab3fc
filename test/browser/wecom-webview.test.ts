import { expect } from 'chai';
import { sessionToken } from '../support/session-token.js';
import { HttpWecomClient } from '../../core/wecom/http-wecom-client.js';
import { signJsApi } from '../../core/wecom/jssdk-signature.js';
import { startTestApi, type TestApi } from '../support/api-harness.js';
import { freshDatabase } from '../support/database.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { cameraPhoto } from '../support/camera-photo.js';
import { SAMPLES } from '../integration/attachments/support/sample-files.js';
import { buildH5IfStale, launch, phone, snap } from './support/browser.js';
import { customerNamed, standingAt, userId } from './support/suite.js';
import type { Browser } from 'playwright-core';
import type pg from 'pg';
import pino from 'pino';

const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret' };
const SECRET = 'test-secret-0123456789abcdef';

describe('H5 inside WeCom (UA wxwork + JS bridge, browser)', function () {
  this.timeout(120_000);
  let pool: pg.Pool;
  let api: TestApi;
  let fake: FakeWecom;
  let browser: Browser;

  before(async function () {
    this.timeout(300_000);
    buildH5IfStale();
    ({ pool } = await freshDatabase(8));
    fake = await startFakeWecom({ ...CORP });
    const wecom = new HttpWecomClient({
      apiBase: fake.baseUrl, oauthBase: fake.oauthBaseUrl, ...CORP, timeoutMs: 3_000, maxAttempts: 1, retryBaseDelayMs: 1,
      logger: pino({ level: 'silent' }),
    });
    api = await startTestApi({
      pool, wecom,
      env: { WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_SECRET: CORP.secret, WECOM_API_BASE: fake.baseUrl, SESSION_SECRET: SECRET },
    });
    browser = await launch();
  });
  after(async () => { await browser?.close(); await api?.close(); await fake?.stop(); });

  it('signs the JS-SDK for the page URL without its hash, checks in through getLocation and saves a photo by media_id', async () => {
    const zhao = await userId(pool, 'rep.zhao');
    const c = await customerNamed(pool, '上海嘉禾食品经销有限公司');
    const d = await api.call('POST', '/api/actions', {
      headers: { Authorization: `Bearer ${await sessionToken(pool, 'mgr.li')}` },
      body: { definitionCode: 'visit', customerId: c.id, assigneeId: zhao, title: '企业微信内拜访' },
    });
    expect(d.status, JSON.stringify(d.body)).to.equal(201);
    const a = d.body as { id: number };
    const at = standingAt(c);
    fake.putMedia('media-photo-1', await cameraPhoto({ takenAt: new Date(Date.now() - 5 * 60_000) }), 'image/jpeg', 'photo.jpg');

    const ctx = await phone(browser, {
      baseURL: api.baseUrl,
      wecomBridge: {
        geoLocation: { latitude: at.latitude, longitude: at.longitude, accuracy: 20, speed: 0 },
        chooseImage: { localIds: ['wxLocalResource://photo-1'] },
        uploadImage: { serverId: 'media-photo-1' },
      },
    });
    await ctx.addCookies([{ name: 'af_session', value: await sessionToken(pool, 'rep.zhao'), url: api.baseUrl }]);
    const page = await ctx.newPage();
    const signed: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/api/wecom/js-sign')) signed.push(new URL(r.url()).searchParams.get('url')!); });
    await page.goto(`/actions/${a.id}#checkin`);
    await page.getByTestId('check-in').click();
    await page.getByTestId('distance').waitFor();
    await page.locator('[data-take-photo="门头照"]').click();
    await page.locator('[data-photo-row="门头照"] [data-upload-state="uploaded"]').waitFor();
    await snap(page, 'wecom', 'checked-in-photo-by-media-id');

    const calls: Array<{ name: string; params: any }> = await page.evaluate(() => (window as any).__bridgeCalls);
    const names = calls.map((x) => x.name);
    expect(names).to.include.members(['geoLocation', 'chooseImage', 'uploadImage']);
    expect(signed.length).to.be.greaterThan(0);
    for (const u of signed) expect(u).to.equal(`${api.baseUrl}/actions/${a.id}`);
    // the signature the page handed to the bridge is the one for that URL and the fake's ticket
    const cfg = calls.find((x) => x.name === 'agentConfig' || x.name === 'preVerifyJSAPI')!;
    expect(cfg, names.join(',')).to.exist;
    const ticket = cfg.name === 'agentConfig' ? 'jsapi-agent-' : 'jsapi-corp-';
    const ok = [1, 2, 3].some((n) => signJsApi({ ticket: `${ticket}${n}`, url: signed[0], nonceStr: cfg.params.nonceStr, timestamp: cfg.params.timestamp }) === cfg.params.signature);
    expect(ok, 'signature matches the page URL').to.equal(true);
    const { rows: att } = await pool.query(`SELECT source, wecom_media_id, tags FROM attachments WHERE uploaded_by = $1`, [zhao]);
    expect(att).to.deep.equal([{ source: 'wecom_media', wecom_media_id: 'media-photo-1', tags: ['门头照'] }]);
    await ctx.close();
  });

  it('sends a document link made on the follow-up page into the chat it was opened from, else forwards it through WeCom', async () => {
    const c = await customerNamed(pool, '上海市第六人民医院');
    const ctx = await phone(browser, {
      baseURL: api.baseUrl,
      wecomBridge: { getContext: [{ entry: 'single_chat_tools' }, { entry: 'normal' }], sendChatMessage: {}, shareAppMessage: {} },
    });
    await ctx.addCookies([{ name: 'af_session', value: await sessionToken(pool, 'rep.zhao'), url: api.baseUrl }]);
    const page = await ctx.newPage();
    await page.goto(`/followup?customerId=${c.id}`);
    await page.getByTestId('followup-open-share').click();
    const sheet = page.locator('[data-share-sheet]');
    await sheet.locator('input[data-upload-doc]').setInputFiles({ name: '报价单.pdf', mimeType: 'application/pdf', buffer: SAMPLES.pdf() });
    await sheet.locator('[data-doc="报价单.pdf"]:checked').waitFor();
    await sheet.getByTestId('make-link').click();
    const url = await sheet.locator('[data-new-link]').inputValue();
    await sheet.getByTestId('send-in-wecom').click();
    await sheet.getByText('已发送到当前聊天').waitFor();
    await snap(page, 'wecom', 'document-link-sent-to-chat');
    await sheet.getByTestId('send-in-wecom').click();
    await sheet.getByText('已转发').waitFor();
    const calls: Array<{ name: string; params: any }> = await page.evaluate(() => (window as any).__bridgeCalls);
    const sent = calls.find((x) => x.name === 'sendChatMessage')!;
    expect(sent.params).to.deep.include({ msgtype: 'news' });
    expect(sent.params.news).to.deep.include({ link: url, title: '《报价单.pdf》' });
    const forwarded = calls.find((x) => x.name === 'shareAppMessage')!;
    expect(forwarded.params).to.deep.include({ link: url, title: '《报价单.pdf》' });
    await ctx.close();
  });
});
