import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { addCalendarDays, shanghaiDate } from '../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../support/retail-network.js';
import { signedInPhone, snap } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * Sales data in the app: an admin uploads the POS export and is shown each bad
 * row, then chooses to import only the good ones; a clerk enters yesterday's
 * sales; the region's manager reads how accurate the clerks' figures are.
 */
describe('sales import and data-entry accuracy in the app (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  let code: string;
  /** The day the clerk's 昨天 was recorded on: computed apart, it was another day when the suite crossed midnight. */
  let yesterday: string;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    await seedRetailNetworkForReps(s.pool, shanghaiDate(new Date()));
    code = (await s.pool.query(`SELECT s.code FROM retail_clerks k JOIN users u ON u.id = k.user_id JOIN retail_stores s ON s.customer_id = k.store_id WHERE u.wecom_userid = 'clerk.1'`)).rows[0].code;
  });
  after(() => s?.close());

  it('a clerk enters yesterday\'s sales of a product in a few taps', async () => {
    const clerk = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'clerk.1');
    await clerk.page.goto('/launches');
    await clerk.page.locator('[data-sales-entry] option:not([disabled])').first().waitFor({ state: 'attached' });
    await clerk.page.selectOption('[data-field="entryProduct"]', { label: '山野绿茶无糖 500ml' });
    await clerk.page.locator('[data-entry-day="昨天"]').click();
    await clerk.page.locator('[data-enter-sales]').click();
    await clerk.page.locator('[data-entry-result]').waitFor();
    expect(await clerk.page.locator('[data-entry-result]').textContent()).to.contain('请填写销量');
    await clerk.page.fill('[data-field="entryUnits"]', '20');
    await clerk.page.locator('[data-enter-sales]').click();
    await clerk.page.getByText('已记录：').waitFor();
    expect(await clerk.page.locator('[data-entry-result]').textContent()).to.contain('「山野绿茶无糖 500ml」20件');
    yesterday = (await s.pool.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM retail_clerk_sales WHERE units = 20`)).rows[0].day;
    expect([addCalendarDays(shanghaiDate(new Date()), -1), addCalendarDays(shanghaiDate(new Date()), -2)]).to.include(yesterday);
    await snap(clerk.page, 'retail-sales', 'clerk-entry');
    expect(clerk.errors).to.deep.equal([]);
  });

  it('an admin uploads the POS export: bad rows are listed and nothing imported, then only the good rows on request; the same file again imports nothing', async () => {
    const csv = Buffer.from([
      '门店编码,商品编码,日期,销量',
      `${code},BEV-GT-500,${yesterday},26`,
      `${code},BEV-LM-330,${yesterday},-4`,
      `MD000000,BEV-LM-330,${yesterday},3`,
    ].join('\n'));
    const admin = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'admin.lin');
    await admin.page.goto('/me');
    await admin.page.locator('[data-testid="me-sales-import"]').click();
    await admin.page.waitForURL(/\/retail\/sales-import$/);
    const [download] = await Promise.all([admin.page.waitForEvent('download'), admin.page.locator('[data-template]').click()]);
    expect(download.suggestedFilename()).to.equal('销量导入模板.csv');
    expect(readFileSync((await download.path())!, 'utf8')).to.match(/^\uFEFF门店编码,商品编码,日期,销量,销售额\r\n/);
    await admin.page.setInputFiles('[data-sales-file]', { name: 'POS导出.csv', mimeType: 'text/csv', buffer: csv });
    await admin.page.locator('[data-import]').click();
    await admin.page.locator('[data-import-refused]').waitFor();
    expect(await admin.page.locator('[data-row-error="3"]').textContent()).to.contain('销量不能为负数');
    expect(await admin.page.locator('[data-row-error="4"]').textContent()).to.contain('系统中没有这家门店');
    expect((await s.pool.query('SELECT count(*)::int AS n FROM retail_sales')).rows[0].n).to.equal(0);
    await snap(admin.page, 'retail-sales', 'refused');

    await admin.page.locator('[data-import-valid]').click();
    await admin.page.locator('[data-import-result]').waitFor();
    expect(await admin.page.locator('[data-import-result]').textContent()).to.contain('新增1行').and.contain('跳过有错误的2行');
    await admin.page.locator('[data-batch]').first().waitFor();
    expect(await admin.page.locator('[data-batch]').first().textContent()).to.contain('跳过2行（第3、4行）');
    await snap(admin.page, 'retail-sales', 'imported');

    await admin.page.locator('[data-import]').click();
    await admin.page.getByText('这个文件已经导入过').waitFor();
    expect((await s.pool.query('SELECT count(*)::int AS n FROM retail_sales')).rows[0].n).to.equal(1);
    expect(admin.errors).to.deep.equal([]);
  });

  it('the region\'s manager reads the clerks\' accuracy with the method, and the miss with both figures', async () => {
    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto('/me');
    await mgr.page.locator('[data-testid="me-accuracy"]').click();
    await mgr.page.locator('[data-overall]').waitFor();
    expect(await mgr.page.locator('[data-overall] .big').textContent()).to.equal('0%');
    expect(await mgr.page.locator('[data-method]').textContent()).to.contain('相差不超过导入销量的10%或1件');
    expect(await mgr.page.locator('[data-miss]').first().textContent()).to.contain('填报 20 件，POS 26 件').and.contain('差6件');
    await snap(mgr.page, 'retail-sales', 'accuracy');
    expect(mgr.errors).to.deep.equal([]);
  });

  it('a manager starts a promotion in the app and reads its uplift and ROI by both methods, with the method', async () => {
    const today = shanghaiDate(new Date());
    const startsOn = addCalendarDays(today, -4);
    const ids = Object.fromEntries((await s.pool.query(`SELECT c.name, s.customer_id AS id, s.code FROM retail_stores s JOIN customers c ON c.id = s.customer_id
      WHERE c.name IN ('罗森静安寺店', '全家徐家汇店')`)).rows.map((r) => [r.name, r]));
    const [a, b] = [ids['罗森静安寺店'], ids['全家徐家汇店']];
    // 全家徐家汇店 stands in as a store of the same chain, format and region: the matched store
    await s.pool.query(`UPDATE retail_stores SET chain = '罗森', format = '便利店' WHERE customer_id = ANY($1::bigint[])`, [[a.id, b.id]]);
    const rows = (code: string, perDay: number, from: string, days: number) =>
      Array.from({ length: days }, (_, i) => ({ storeCode: code, sku: 'BEV-LM-330', day: addCalendarDays(from, i), units: perDay, amount: perDay * 5 }));
    const imported = await s.api.call('POST', '/api/retail/sales', { as: 'admin.lin', body: { batchId: 'promo-browser', rows: [
      ...rows(a.code, 10, addCalendarDays(startsOn, -4), 4), ...rows(a.code, 15, startsOn, 4),
      ...rows(b.code, 20, addCalendarDays(startsOn, -4), 8),
    ] } });
    expect(imported.status, JSON.stringify(imported.body)).to.equal(200);

    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto('/me');
    await mgr.page.locator('[data-testid="me-promotions"]').click();
    await mgr.page.locator('[data-new-promotion]').click();
    await mgr.page.waitForURL(/\/promotions\/new$/);
    await mgr.page.fill('[data-field="promoName"]', '气泡水买二送一');
    await mgr.page.fill('[data-field="startsOn"]', startsOn);
    await mgr.page.fill('[data-field="endsOn"]', addCalendarDays(today, 5));
    await mgr.page.fill('[data-field="cost"]', '50');
    const lemon = (await s.pool.query(`SELECT id FROM retail_products WHERE sku = 'BEV-LM-330'`)).rows[0].id;
    await mgr.page.locator(`[data-promo-product="${lemon}"]`).click();
    await mgr.page.locator('[data-start-promotion]').click();
    await mgr.page.locator('[data-promo-error]').waitFor();
    expect(await mgr.page.locator('[data-promo-error]').textContent()).to.contain('请至少选择一家门店');
    await mgr.page.locator(`[data-promo-pick="${a.id}"] input`).check();
    await mgr.page.locator(`[data-promo-pick="${a.id}"]`).getByText('可匹配门店1家').waitFor();
    await snap(mgr.page, 'retail-sales', 'promotion-new');
    await mgr.page.locator('[data-start-promotion]').click();
    await mgr.page.waitForURL(/\/promotions\/\d+$/);
    await mgr.page.locator('[data-method-pre]').waitFor();
    expect(await mgr.page.locator('[data-status]').textContent()).to.equal('进行中');
    expect(await mgr.page.locator('[data-method-pre] [data-uplift]').textContent()).to.equal('+20件（+50%）');
    expect(await mgr.page.locator('[data-method-pre] [data-roi]').textContent()).to.contain('ROI 2');
    expect(await mgr.page.locator('[data-method-matched] [data-uplift]').textContent()).to.equal('+20件（+50%）');
    expect(await mgr.page.locator(`[data-promo-store="${a.id}"]`).textContent()).to.contain('匹配门店：全家徐家汇店');
    expect(await mgr.page.locator('[data-method]').textContent()).to.contain('同连锁、同业态、同区域');
    await snap(mgr.page, 'retail-sales', 'promotion');
    expect(mgr.errors).to.deep.equal([]);
  });

  it('the manager raises the running promotion\'s cost and ends it early: the page says who did what and when, and offers neither after', async () => {
    const today = shanghaiDate(new Date());
    const { rows: [p] } = await s.pool.query(`SELECT id FROM retail_promotions WHERE name = '气泡水买二送一'`);
    const { rows: [me] } = await s.pool.query(`SELECT name FROM users WHERE wecom_userid = 'mgr.li'`);
    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto(`/promotions/${p.id}`);
    await mgr.page.locator('[data-edit-promotion]').click();
    await mgr.page.waitForURL(/\/edit$/);
    await mgr.page.locator('[data-locked-note]').waitFor();
    expect(await mgr.page.locator('[data-field="startsOn"]').isDisabled()).to.equal(true);
    await mgr.page.fill('[data-field="cost"]', '100');
    await snap(mgr.page, 'retail-sales', 'promotion-edit');
    await mgr.page.locator('[data-start-promotion]').click();
    await mgr.page.waitForURL(/\/promotions\/\d+$/);
    await mgr.page.locator('[data-history-line]').waitFor();
    expect(await mgr.page.locator('[data-history-line]').textContent()).to.contain('费用 50元 → 100元').and.contain(me.name);
    // 20 extra units × 5 元 ÷ 100 元
    expect(await mgr.page.locator('[data-method-pre] [data-roi]').textContent()).to.contain('ROI 1');

    await mgr.page.locator('[data-end-promotion]').click();
    await mgr.page.fill('[data-field="lastDay"]', addCalendarDays(today, -1));
    await mgr.page.locator('[data-confirm-end]').click();
    await mgr.page.locator('[data-ended]').waitFor();
    expect(await mgr.page.locator('[data-status]').textContent()).to.equal('已提前结束');
    expect(await mgr.page.locator('[data-ended]').textContent()).to.contain(`${me.name}于`).and.contain('提前结束，最后一天');
    expect(await mgr.page.locator('[data-history-line]').count()).to.equal(2);
    expect(await mgr.page.locator('[data-edit-promotion], [data-end-promotion]').count()).to.equal(0);
    await snap(mgr.page, 'retail-sales', 'promotion-ended');
    expect(mgr.errors).to.deep.equal([]);
  });
});
