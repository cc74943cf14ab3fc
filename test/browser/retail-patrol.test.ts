import { expect } from 'chai';
import { shanghaiDate } from '../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../support/retail-network.js';
import { cameraPhoto } from '../support/camera-photo.js';
import { signedInPhone, snap } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * 巡店 in the app: the inspector's route lists the due stores nearest first;
 * a patrol is photographed item by item, a failed item needs its problem
 * written, and finishing scores it and hands the failure to the store.
 */
describe('store patrols in the app (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    await seedRetailNetworkForReps(s.pool, shanghaiDate(new Date()));
  });
  after(() => s?.close());

  it('an inspector patrols the first store of the route: a photo per item, the failed one becomes a 门店整改', async () => {
    const insp = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'inspector.1');
    await insp.page.goto('/');
    await insp.page.waitForURL(/\/patrols$/);
    await insp.page.locator('[data-stop]').first().waitFor();
    expect(await insp.page.locator('[data-stop]').count()).to.be.greaterThan(2);
    await snap(insp.page, 'retail-patrol', 'route');
    await insp.page.locator('[data-start]').first().click();
    await insp.page.waitForURL(/\/patrols\/\d+$/);
    await insp.page.locator('[data-item]').first().waitFor();
    const keys = await insp.page.locator('[data-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')!));
    expect(keys).to.deep.equal(['display', 'price_tags', 'stock', 'expiry', 'promotion']);

    // a failed item without its problem written is refused where it happened
    const failPhoto = await cameraPhoto({ takenAt: new Date() });
    const [chooser] = await Promise.all([insp.page.waitForEvent('filechooser'), insp.page.locator('[data-fail="price_tags"]').click()]);
    await chooser.setFiles({ name: 'p.jpg', mimeType: 'image/jpeg', buffer: failPhoto });
    await insp.page.locator('[data-item="price_tags"] [data-item-error]').waitFor();
    expect(await insp.page.locator('[data-item="price_tags"] [data-item-error]').textContent()).to.contain('不合格的项请写明问题');
    await insp.page.fill('[data-note="price_tags"]', '新品价签缺失');
    await insp.page.locator('[data-fail="price_tags"]').click();
    await insp.page.locator('[data-item="price_tags"]').filter({ hasText: '问题：新品价签缺失' }).waitFor();

    for (const key of ['display', 'stock', 'expiry', 'promotion']) {
      const [c] = await Promise.all([insp.page.waitForEvent('filechooser'), insp.page.locator(`[data-pass="${key}"]`).click()]);
      await c.setFiles({ name: `${key}.jpg`, mimeType: 'image/jpeg', buffer: await cameraPhoto({ takenAt: new Date() }) });
      await insp.page.locator(`[data-item="${key}"]`).filter({ hasText: '合格' }).locator('img').waitFor();
    }
    await insp.page.locator('[data-finish]').click();
    await insp.page.locator('[data-result]').waitFor();
    const result = await insp.page.locator('[data-result]').textContent();
    expect(result).to.contain('得分 80').and.contain('已生成1项门店整改');
    // ticked within seconds: flagged, with the reason
    expect(result).to.contain('走过场');
    expect(await insp.page.locator('[data-reason]').first().textContent()).to.contain('少于2分钟');
    await snap(insp.page, 'retail-patrol', 'finished');
    expect(insp.errors).to.deep.equal([]);
    await insp.ctx.close();

    // the store's clerk finds the 整改 on their page and files the after-photo on the action page
    const clerk = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'clerk.1');
    await clerk.page.goto('/launches');
    await clerk.page.locator('[data-fix-id]').first().waitFor();
    expect(await clerk.page.locator('[data-fix-id]').first().textContent()).to.contain('新品价签缺失');
    await clerk.page.locator('[data-stockout]').first().click();
    await clerk.page.locator('[data-stockout-result]').waitFor();
    expect(await clerk.page.locator('[data-stockout-result]').textContent()).to.contain('已通知赵磊');
    await snap(clerk.page, 'retail-patrol', 'clerk-page');
    await clerk.page.locator('[data-fix-id]').first().click();
    await clerk.page.setInputFiles('input[data-photo-tag="整改后照片"]', { name: 'after.jpg', mimeType: 'image/jpeg', buffer: await cameraPhoto({ takenAt: new Date() }) });
    await clerk.page.waitForFunction(() => document.querySelectorAll('[data-upload-state="uploaded"]').length === 1);
    await snap(clerk.page, 'retail-patrol', 'fix-action');
    await clerk.page.getByTestId('submit').click();
    await clerk.page.getByTestId('review').waitFor();
    expect(clerk.errors).to.deep.equal([]);
  });

  it('the region\'s manager rearranges an inspector\'s plan: a store every 3 days, one taken off, one added; a frequency of 0 is refused under the plan', async () => {
    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto('/me');
    await mgr.page.locator('[data-testid="me-patrols"]').click();
    await mgr.page.locator('[data-patrol-plans]').click();
    await mgr.page.waitForURL(/\/retail\/patrol-plans$/);
    const inspector = Number((await s.pool.query(`SELECT id FROM users WHERE wecom_userid = 'inspector.1'`)).rows[0].id);
    const ids = Object.fromEntries((await s.pool.query(`SELECT name, id FROM customers WHERE name IN ('罗森静安寺店', '全家徐家汇店', '苏宁小店新街口店')`)).rows.map((r) => [r.name, Number(r.id)]));
    const plan = mgr.page.locator(`[data-plan="${inspector}"]`);
    await plan.locator(`[data-plan-store="${ids['罗森静安寺店']}"]`).waitFor();

    await plan.locator(`[data-plan-store="${ids['罗森静安寺店']}"] [data-every-days]`).fill('0');
    await plan.locator('[data-save-plan]').click();
    await plan.locator('[data-plan-error]').waitFor();
    expect(await plan.locator('[data-plan-error]').textContent()).to.contain('巡店频率应在1–90天之间');

    await plan.locator(`[data-plan-store="${ids['罗森静安寺店']}"] [data-every-days]`).fill('3');
    await plan.locator(`[data-plan-store="${ids['全家徐家汇店']}"] [data-remove-store]`).click();
    await plan.locator('[data-add-store-pick]').selectOption(String(ids['苏宁小店新街口店']));
    await plan.locator('[data-add-store]').click();
    await plan.locator('[data-save-plan]').click();
    await plan.locator('[data-plan-saved]').waitFor();
    await snap(mgr.page, 'retail-patrol', 'plans');
    const { rows } = await s.pool.query('SELECT store_id, every_days FROM retail_inspector_stores WHERE inspector_id = $1', [inspector]);
    const byStore = new Map(rows.map((r) => [Number(r.store_id), r.every_days]));
    expect(byStore.get(ids['罗森静安寺店'])).to.equal(3);
    expect(byStore.has(ids['全家徐家汇店'])).to.equal(false);
    expect(byStore.get(ids['苏宁小店新街口店'])).to.equal(7);
    expect(mgr.errors).to.deep.equal([]);
  });
});
