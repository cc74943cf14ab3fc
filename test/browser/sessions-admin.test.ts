import { expect } from 'chai';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * Issue #23 item 2 in the app: an admin sees who is signed in, signs a rep
 * out everywhere from 设置 → 登录与会话, and reads the sign-in log; the rep's
 * open app goes to the sign-in screen on its next request.
 */
describe('H5 登录与会话 for admins (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('signs a rep out on every device from the admin screen, and the log shows it', async () => {
    const repCtx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(repCtx, 'rep.zhao');
    const repPage = await repCtx.newPage();
    await repPage.goto('/today');
    await repPage.locator('.tabbar, nav').first().waitFor();
    // a failed attempt, for the log
    await s.api.call('POST', '/api/auth/dev-login', { body: { userid: 'rep.nobody' } });

    const adminCtx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(adminCtx, 'admin.lin');
    const page = await adminCtx.newPage();
    const errors = watchErrors(page);
    await page.goto('/settings');
    await page.getByTestId('open-sessions').click();
    const zhao = await userId(s.pool, 'rep.zhao');
    const card = page.locator(`[data-member="${zhao}"]`);
    await card.waitFor();
    expect(await card.textContent()).to.contain('赵磊').and.contain('业务员');
    await snap(page, 'sessions-admin', 'open-sessions');
    await card.getByTestId('sign-out-everywhere').click();
    await card.getByTestId('confirm-sign-out').click();
    await page.getByTestId('sessions-notice').waitFor();
    expect(await page.getByTestId('sessions-notice').textContent()).to.match(/已让赵磊在所有设备上退出登录（\d+ 个登录已失效）/);
    await card.waitFor({ state: 'detached' });
    await snap(page, 'sessions-admin', 'signed-out');

    await page.locator('[data-tab="log"]').click();
    await page.locator('[data-log-kind="revoked"]').first().waitFor();
    const first = await page.locator('[data-log-kind]').first().textContent();
    expect(first).to.contain('强制退出').and.contain('赵磊').and.contain('管理员强制退出').and.contain('操作人 林涛');
    await page.locator('[data-filter="sign_in_failed"]').click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-log-kind]')].every((e) => e.getAttribute('data-log-kind') === 'sign_in_failed'));
    expect(await page.locator('[data-log-kind]').first().textContent()).to.contain('rep.nobody').and.contain('账号不存在或已停用');
    await snap(page, 'sessions-admin', 'log-failed');
    expect(errors).to.deep.equal([]);

    // the rep's app, on its next request, is back at the sign-in screen
    await repPage.goto('/customers');
    await repPage.waitForURL(/\/login/);
    await adminCtx.close();
    await repCtx.close();
  });

  it('does not offer the screen to anyone but admins', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'director.wang');
    const page = await ctx.newPage();
    await page.goto('/settings/sessions');
    await page.waitForURL((u) => !u.pathname.startsWith('/settings/sessions'));
    await page.goto('/settings');
    await page.locator('.section-title').first().waitFor();
    expect(await page.getByTestId('open-sessions').count()).to.equal(0);
    await ctx.close();
  });
});
