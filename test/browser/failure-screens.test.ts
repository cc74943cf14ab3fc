import { expect } from 'chai';
import { sessionToken } from '../support/session-token.js';
import { phone, signIn, snap } from './support/browser.js';
import { startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

describe('H5 failure screens (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('says the network is down (not a blank page) when a page cannot load offline', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'rep.zhao');
    const page = await ctx.newPage();
    await page.goto('/today');
    await page.getByText('今日').first().waitFor();
    await ctx.setOffline(true);
    await page.locator('a.tab', { hasText: '客户' }).click();
    await page.locator('[data-error-code="OFFLINE"]').waitFor();
    await snap(page, 'failures', 'offline');
    await ctx.setOffline(false);
    await page.getByRole('button', { name: '重试' }).click();
    await page.getByPlaceholder('搜索客户名称').waitFor();
    await ctx.close();
  });

  it('sends an expired session to its own screen with a way back in', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    const expired = await sessionToken(s.pool, 'rep.zhao', { ttlHours: 1, now: new Date(Date.now() - 3 * 3_600_000) });
    await ctx.addCookies([{ name: 'af_session', value: expired, url: s.api.baseUrl }]);
    const page = await ctx.newPage();
    await page.goto('/today');
    await page.locator('[data-error-code="SESSION_EXPIRED"]').waitFor();
    expect(new URL(page.url()).pathname).to.equal('/session-expired');
    await snap(page, 'failures', 'session-expired');
    await page.getByRole('link', { name: '重新登录' }).click();
    await page.locator('[data-login="rep.zhao"]').click();
    await page.waitForURL(/\/today$/);
    await ctx.close();
  });

  it('explains a page that does not exist', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'rep.zhao');
    const page = await ctx.newPage();
    await page.goto('/customers/999999');
    await page.locator('[data-error-code="CUSTOMER_NOT_FOUND"]').waitFor();
    await snap(page, 'failures', 'not-found');
    await ctx.close();
  });
});
