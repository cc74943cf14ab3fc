import { expect } from 'chai';
import { createServer, type AddressInfo } from 'node:net';
import type pg from 'pg';
import pino from 'pino';
import type { Browser, BrowserContext } from 'playwright-core';
import { shanghaiDate } from '../../core/flow/time.js';
import { HttpWecomClient } from '../../core/wecom/http-wecom-client.js';
import { startTestApi, type TestApi } from '../support/api-harness.js';
import { freshDatabase } from '../support/database.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { seedRetailNetworkForReps } from '../support/retail-network.js';
import { sessionToken } from '../support/session-token.js';
import { buildH5IfStale, launch, snap, watchErrors } from './support/browser.js';

const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret' };
const IN_WECHAT = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.50';
const PLAIN = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';

/**
 * A store clerk with WeCom configured (the loopback fake WeCom answering its
 * OAuth): joins from the invitation opened in WeChat, loses the session, and
 * is signed in again from the 店员入口 with no new link; outside WeChat, or as a
 * WeChat no clerk is bound to, the entry says whom to ask; a manager makes a
 * new sign-in link for a clerk on 门店.
 */
describe('a clerk signing in again from the clerk entry (browser, 390×844, WeCom configured)', function () {
  this.timeout(180_000);
  let pool: pg.Pool;
  let api: TestApi;
  let fake: FakeWecom;
  let browser: Browser;
  let lawsonId: number;

  const phone = (ua: string): Promise<BrowserContext> => browser.newContext({
    baseURL: api.baseUrl, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai', userAgent: ua,
  });

  before(async function () {
    this.timeout(300_000);
    buildH5IfStale();
    ({ pool } = await freshDatabase(12));
    await seedRetailNetworkForReps(pool, shanghaiDate(new Date()));
    lawsonId = Number((await pool.query(`SELECT id FROM customers WHERE name = '罗森静安寺店'`)).rows[0].id);
    fake = await startFakeWecom({ ...CORP });
    const wecom = new HttpWecomClient({
      apiBase: fake.baseUrl, oauthBase: fake.oauthBaseUrl, ...CORP, timeoutMs: 3_000, maxAttempts: 1, retryBaseDelayMs: 1, logger: pino({ level: 'silent' }),
    });
    // WeCom's OAuth comes back to PUBLIC_URL: it must be this server's own address
    const port = await freePort();
    api = await startTestApi({
      pool, wecom, port,
      env: { WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_SECRET: CORP.secret, WECOM_API_BASE: fake.baseUrl, PUBLIC_URL: `http://127.0.0.1:${port}` },
    });
    browser = await launch();
  });
  after(async () => { await browser?.close(); await api?.close(); await fake?.stop(); });

  it('joins in WeChat (recognised), and after losing the session is signed in again from 店员入口 with no new link', async () => {
    const mgr = await phone(PLAIN);
    await mgr.addCookies([{ name: 'af_session', value: await sessionToken(pool, 'mgr.li'), url: api.baseUrl }]);
    const mgrPage = await mgr.newPage();
    await mgrPage.goto('/stores');
    await mgrPage.locator(`[data-invite="${lawsonId}"]`).click();
    const url = (await mgrPage.locator('[data-invite-link] .link').textContent())!.trim();

    fake.setOAuthUser({ openid: 'o-lin', externalUserid: 'wm-lin' });
    const ctx = await phone(IN_WECHAT);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(new URL(url).pathname);
    // back from WeCom's silent sign-in: recognised, asked only for the name
    await page.locator('[data-wechat-note]').waitFor();
    expect(page.url()).to.match(/\?wx=1(#wechat_redirect)?$/);
    expect(await page.locator('[data-wechat-note]').textContent()).to.contain('已通过微信识别你');
    await page.fill('[data-field="name"]', '林小雨');
    await snap(page, 'retail-clerk-sign-in', 'join-recognised');
    await page.locator('[data-join]').click();
    await page.waitForURL(/\/launches(#wechat_redirect)?$/);

    // the session is lost (cookies cleared): the clerk entry signs her in again through WeCom
    await ctx.clearCookies();
    await page.goto('/clerk');
    await page.waitForURL(/\/launches(#wechat_redirect)?$/);
    await page.waitForLoadState('networkidle');
    expect((await page.evaluate(() => fetch('/api/me').then((r) => r.json()))).name).to.equal('林小雨');
    await snap(page, 'retail-clerk-sign-in', 'signed-in-again');

    // a WeChat no clerk is bound to: the entry says so and whom to ask
    await ctx.clearCookies();
    fake.setOAuthUser({ openid: 'o-stranger' });
    await page.goto('/clerk');
    await page.locator('[data-clerk-entry="unknown"]').waitFor();
    expect(await page.locator('[data-clerk-entry]').textContent()).to.contain('没有找到和这个微信绑定的店员账号').and.contain('督导或主管');
    await snap(page, 'retail-clerk-sign-in', 'not-recognised');
    expect(errors).to.deep.equal([]);
    await ctx.close();

    // outside WeChat: open it in WeChat, or ask for a new link
    const plain = await phone(PLAIN);
    const outside = await plain.newPage();
    await outside.goto('/clerk');
    await outside.locator('[data-clerk-entry="outside"]').waitFor();
    expect(await outside.locator('[data-clerk-entry]').textContent()).to.contain('请在微信里打开这个页面').and.contain('新的登录链接');
    await snap(outside, 'retail-clerk-sign-in', 'outside-wechat');
    await plain.close();

    // the manager makes a new sign-in link for a clerk on 门店; the old one is void
    await mgrPage.reload();
    const clerkId = Number((await pool.query(`SELECT id FROM users WHERE name = '林小雨'`)).rows[0].id);
    expect(await mgrPage.locator(`[data-clerk="${clerkId}"]`).textContent()).to.contain('已绑微信');
    await mgrPage.locator(`[data-reissue="${clerkId}"]`).click();
    await mgrPage.locator('[data-invite-link]').waitFor();
    expect(await mgrPage.locator('[data-invite-link]').textContent()).to.contain('林小雨的登录链接');
    await snap(mgrPage, 'retail-clerk-sign-in', 'manager-reissues');
    const relink = (await mgrPage.locator('[data-invite-link] .link').textContent())!.trim();
    await mgr.close();

    // opened outside WeChat, the re-issued link signs her in as herself, no name asked
    const other = await phone(PLAIN);
    const again = await other.newPage();
    await again.goto(new URL(relink).pathname);
    await again.waitForURL(/\/launches(#wechat_redirect)?$/);
    expect((await again.evaluate(() => fetch('/api/me').then((r) => r.json()))).id).to.equal(clerkId);
    await other.close();
  });
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}
