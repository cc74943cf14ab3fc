import { expect } from 'chai';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * Issue #23's numbers are settings (topic 安全与公平使用): an admin finds them
 * in 设置 on a phone, changes one, and the server enforces the new number.
 */
describe('H5 settings: 安全与公平使用 (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('lets an admin tighten 耗时操作限额, and a manager past the new number gets 429 in Chinese', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'admin.lin');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/settings');
    const topic = page.locator('[data-topic="security"]');
    await topic.waitFor();
    expect(await topic.textContent()).to.contain('安全与公平使用');
    const throttle = page.locator('[data-setting="security.sign-in-throttle"]');
    const fairUse = page.locator('[data-setting="heavy.fair-use"]');
    expect(await throttle.textContent()).to.contain('登录失败限制').and.contain('可修改');
    expect(await fairUse.textContent()).to.contain('耗时操作限额').and.contain('可修改');
    await snap(page, 'security-settings', 'list');

    await fairUse.click();
    const perMinute = page.locator('[data-field="perMinute"]');
    await perMinute.waitFor();
    expect(await page.locator('[data-setting-page]').textContent()).to.contain('每人每分钟最多').and.contain('每人同时最多');
    expect(await perMinute.locator('input').inputValue()).to.equal('20');
    // one a minute: the bucket refills a token a minute, so the second render is refused however slowly the
    // first ran (at 2 a minute a machine rendering slower than 15 s each refilled the third call's token)
    await perMinute.locator('input').fill('1');
    await perMinute.locator('input').blur();
    await page.locator('[data-comment]').fill('导出被滥用，先收紧');
    await snap(page, 'security-settings', 'fair-use-edited');
    await page.locator('[data-action="save"]').click();
    await page.locator('[data-source]', { hasText: '第 1 版' }).waitFor();
    await snap(page, 'security-settings', 'fair-use-saved');
    expect(errors).to.deep.equal([]);
    await ctx.close();

    const statuses: number[] = [];
    let refusal: any;
    for (const week of ['2026-W10', '2026-W11']) {
      const res = await s.api.call('GET', `/api/obstacles/heatmap.svg?week=${week}`, { as: 'mgr.li' });
      statuses.push(res.status);
      if (res.status === 429) refusal = res;
    }
    expect(statuses).to.deep.equal([200, 429]);
    expect(refusal.body.error.code).to.equal('HEAVY_RATE_LIMITED');
    expect(refusal.body.error.message).to.match(/[\u4e00-\u9fa5]/);
  });
});
