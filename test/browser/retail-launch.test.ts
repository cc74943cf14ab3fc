import { expect } from 'chai';
import { addCalendarDays, shanghaiDate } from '../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../support/retail-network.js';
import { SAMPLES } from '../integration/attachments/support/sample-files.js';
import { signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * 新品上架 in the app: the store's clerk sees the four steps as a locked
 * sequence, is told in Chinese when a scan is another store's shelf, and
 * works the steps one after another until the launch is done.
 */
describe('新品上架 in the app (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    await seedRetailNetworkForReps(s.pool, shanghaiDate(new Date()));
  });
  after(() => s?.close());

  it('a clerk works the four steps in order: the later ones locked until the one before is done', async () => {
    const lawson = await customerNamed(s.pool, '罗森静安寺店');
    const family = await customerNamed(s.pool, '全家徐家汇店');
    const shelf = async (id: number) => (await s.pool.query('SELECT code FROM retail_shelf_positions WHERE store_id = $1 ORDER BY code LIMIT 1', [id])).rows[0].code;
    const { rows: [p] } = await s.pool.query(`SELECT id, barcode FROM retail_products WHERE sku = 'BEV-GT-500'`);
    const created = await s.api.call('POST', '/api/retail/launches', {
      as: 'rep.zhao', body: { storeId: lawson.id, productId: Number(p.id), launchDate: shanghaiDate(new Date()) }, headers: { 'Idempotency-Key': 'browser-launch-1' },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);

    const clerk = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'clerk.1');
    await clerk.page.goto('/');
    await clerk.page.waitForURL(/\/launches$/);
    await clerk.page.locator(`[data-launch-id="${created.body.id}"]`).click();
    await clerk.page.locator('[data-step="bind"] [data-submit-step]').waitFor();
    expect(await clerk.page.locator('[data-step] [data-locked]').count()).to.equal(3);
    expect(await clerk.page.locator('[data-step="display"]').textContent()).to.contain('需先完成「①扫码绑定货架位」');
    await snap(clerk.page, 'retail', 'launch-locked');

    await clerk.page.fill('[data-field="shelfCode"]', await shelf(family.id));
    await clerk.page.fill('[data-field="barcode"]', p.barcode);
    await clerk.page.locator('[data-submit-step]').click();
    await clerk.page.locator('[data-step-error]').waitFor();
    expect(await clerk.page.locator('[data-step-error]').textContent()).to.contain('属于其他门店');

    await clerk.page.fill('[data-field="shelfCode"]', await shelf(lawson.id));
    await clerk.page.locator('[data-submit-step]').click();
    await clerk.page.locator('[data-step="display"] [data-take-photo]').waitFor();
    expect(await clerk.page.locator('[data-step="bind"]').textContent()).to.contain('已完成');

    await clerk.page.setInputFiles('[data-photo-input]', { name: '陈列.jpg', mimeType: 'image/jpeg', buffer: SAMPLES.jpeg() });
    await clerk.page.locator('[data-photo-taken]').waitFor();
    await clerk.page.locator('[data-submit-step]').click();
    await clerk.page.locator('[data-field="firstDaySales"]').waitFor();

    await clerk.page.fill('[data-field="firstDaySales"]', '-2');
    await clerk.page.locator('[data-submit-step]').click();
    await clerk.page.locator('[data-step-error]').waitFor();
    expect(await clerk.page.locator('[data-step-error]').textContent()).to.contain('首日销量不能为负数');
    await clerk.page.fill('[data-field="firstDaySales"]', '16');
    await clerk.page.locator('[data-submit-step]').click();
    await clerk.page.locator('[data-field="question-0"]').waitFor();

    await clerk.page.fill('[data-field="question-0"]', '有没有含糖版');
    await clerk.page.fill('[data-field="count-0"]', '3');
    await clerk.page.locator('[data-submit-step]').click();
    await clerk.page.locator('[data-launch-done]').waitFor();
    expect(await clerk.page.locator('[data-step="first_day_sales"]').textContent()).to.contain('首日销量 16 件');
    await snap(clerk.page, 'retail', 'launch-done');
    expect(clerk.errors).to.deep.equal([]);
  });

  it('a rep invites a clerk to a store with a one-time link; the clerk joins by name and lands on the store\'s launches', async () => {
    const rep = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await rep.page.goto('/stores');
    const lawson = await customerNamed(s.pool, '罗森静安寺店');
    await rep.page.locator(`[data-invite="${lawson.id}"]`).click();
    await rep.page.locator('[data-invite-link]').waitFor();
    const url = (await rep.page.locator('[data-invite-link] .link').textContent())!.trim();
    expect(url).to.match(/\/join\/[A-Za-z0-9_-]+$/);
    await snap(rep.page, 'retail', 'invite');
    await rep.ctx.close();

    const ctx = await s.browser.newContext({ baseURL: s.api.baseUrl, viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    await page.goto(new URL(url).pathname);
    await page.locator('[data-store-name]').waitFor();
    expect(await page.locator('[data-store-name]').textContent()).to.equal('罗森静安寺店');
    await page.locator('[data-join]').click();
    await page.locator('[data-join-error]').waitFor();
    expect(await page.locator('[data-join-error]').textContent()).to.contain('请填写姓名');
    await page.fill('[data-field="name"]', '林小雨');
    await page.locator('[data-join]').click();
    await page.waitForURL(/\/launches$/);
    await page.locator('[data-launch-id]').first().waitFor();
    const { rows: [u] } = await s.pool.query(
      `SELECT u.role, k.store_id FROM users u JOIN retail_clerks k ON k.user_id = u.id WHERE u.name = '林小雨'`);
    expect([u.role, Number(u.store_id)]).to.deep.equal(['clerk', lawson.id]);

    // the link works once
    const again = await ctx.newPage();
    await again.goto(new URL(url).pathname);
    await again.getByText('这个邀请链接已经用过了').waitFor();
    await ctx.close();
  });
  it('a manager starts a launch at two stores from the catalogue, seeing each step\'s deadline from the launch day; a store launched already cannot be ticked', async () => {
    const lawson = await customerNamed(s.pool, '罗森静安寺店');
    const family = await customerNamed(s.pool, '全家徐家汇店');
    const { rows: [p] } = await s.pool.query(`SELECT id, name FROM retail_products WHERE sku = 'SNK-SW-70'`);
    const { rows: [third] } = await s.pool.query(
      `SELECT s.customer_id AS id FROM retail_stores s JOIN customers c ON c.id = s.customer_id JOIN retail_clerks k ON k.store_id = s.customer_id
        WHERE c.department_id = $1 AND s.customer_id NOT IN ($2, $3) ORDER BY s.customer_id LIMIT 1`,
      [(await s.pool.query('SELECT department_id FROM customers WHERE id = $1', [lawson.id])).rows[0].department_id, lawson.id, family.id]);
    const earlier = await s.api.call('POST', '/api/retail/launches', {
      as: 'mgr.li', body: { storeId: Number(third.id), productId: Number(p.id), launchDate: shanghaiDate(new Date()) }, headers: { 'Idempotency-Key': 'browser-launch-third' },
    });
    expect(earlier.status, JSON.stringify(earlier.body)).to.equal(201);

    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto('/launches');
    await mgr.page.locator('[data-new-launch]').click();
    await mgr.page.waitForURL(/\/launches\/new$/);
    await mgr.page.locator(`[data-product="${p.id}"]`).click();
    await mgr.page.locator('[data-deadline="4"]').waitFor();
    expect(await mgr.page.locator('[data-deadline]').count()).to.equal(4);
    expect(await mgr.page.locator('[data-deadline="1"]').textContent()).to.match(/①扫码绑定货架位\s*\d+月\d+日 \d\d:\d\d前/);
    const before = await mgr.page.locator('[data-deadline="4"]').textContent();
    await mgr.page.fill('[data-field="launchDate"]', addCalendarDays(shanghaiDate(new Date()), 14));
    // the plan is read again for the new day: wait for its deadlines, not for the old ones to go
    await mgr.page.waitForFunction((b) => { const t = document.querySelector('[data-deadline="4"]')?.textContent; return !!t && t !== b; }, before);

    const launched = mgr.page.locator(`[data-pick-store="${third.id}"]`);
    expect(await launched.locator('[data-refusal]').textContent()).to.equal('已有该商品的上架任务');
    expect(await launched.locator('input').isDisabled()).to.equal(true);
    await mgr.page.locator(`[data-pick-store="${lawson.id}"] input`).check();
    await mgr.page.locator(`[data-pick-store="${family.id}"] input`).check();
    expect(await mgr.page.locator('[data-start-launch]').textContent()).to.contain('在2家门店发起');
    await snap(mgr.page, 'retail', 'launch-new');
    await mgr.page.locator('[data-start-launch]').click();
    await mgr.page.waitForURL(/\/launches\?started=2$/);
    await mgr.page.locator('[data-started]').waitFor();
    const { rows } = await s.pool.query('SELECT store_id FROM retail_launches WHERE product_id = $1 ORDER BY store_id', [p.id]);
    expect(rows.map((r) => Number(r.store_id))).to.have.members([lawson.id, family.id, Number(third.id)]);
    // the notice shows at once; the list arrives with its request
    const started = mgr.page.locator('[data-launch-id]').filter({ hasText: p.name });
    await started.nth(2).waitFor();
    expect(await started.count()).to.equal(3);
    await snap(mgr.page, 'retail', 'launch-started');
    expect(mgr.errors).to.deep.equal([]);
  });
});
