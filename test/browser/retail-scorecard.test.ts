import { expect } from 'chai';
import { seedRetailNetworkForReps } from '../support/retail-network.js';
import { shanghaiDate } from '../../core/flow/time.js';
import { signedInPhone, snap } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * 门店健康度 in the app: the regional manager goes from 我的 to the ranking of
 * their region, opens a weak store's card (twelve metrics, what has no data,
 * the records behind a number) and sends its weakest item to the store as a
 * 门店整改 in one tap; a clerk enters the day's 会员推荐.
 */
describe('门店健康度评分卡 in the app (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  let store: { id: number; name: string };

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    await seedRetailNetworkForReps(s.pool, shanghaiDate(new Date()));
    store = (await s.pool.query(`SELECT c.id::int AS id, c.name FROM retail_clerks k JOIN users u ON u.id = k.user_id JOIN customers c ON c.id = k.store_id WHERE u.wecom_userid = 'clerk.1'`)).rows[0];
    // this month at the store: a patrol that found the display and the price tags wrong
    const ticks = { display: false, price_tags: false, stock: true, expiry: true, promotion: true };
    const labels: Record<string, string> = { display: '陈列：排面整齐', price_tags: '价格标签：与系统一致', stock: '库存：无缺货', expiry: '临期商品：已处理', promotion: '促销物料：按要求摆放' };
    await s.pool.query(`
      INSERT INTO retail_patrols (store_id, inspector_id, started_at, finished_at, checklist, ticks, score, perfunctory)
      SELECT $1, r.inspector_id, now() - interval '20 minutes', now() - interval '1 minute', $2, $3, 60, false
        FROM retail_inspector_stores r WHERE r.store_id = $1 LIMIT 1`,
    [store.id, JSON.stringify(Object.keys(ticks).map((key) => ({ key, label: labels[key] }))),
      JSON.stringify(Object.fromEntries(Object.entries(ticks).map(([k, passed]) => [k, { passed, note: passed ? null : '标签缺失', attachmentId: null, at: new Date().toISOString() }])))]);
  });
  after(() => s?.close());

  it('a regional manager goes from 我的 to the ranking, opens a store\'s card, reads the records behind a number and sends its weakest item to the store', async () => {
    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto('/me');
    await mgr.page.locator('[data-testid="me-scorecard"]').click();
    await mgr.page.waitForURL(/\/scorecard$/);
    await mgr.page.locator('[data-region="华东区"]').waitFor();
    expect(await mgr.page.locator('[data-period-label]').textContent()).to.match(/^\d{4}年\d{1,2}月（至今）$/);
    const row = mgr.page.locator(`[data-store="${store.id}"]`);
    expect(await row.locator('[data-score]').textContent()).to.match(/分 · 差$/);
    await snap(mgr.page, 'retail-scorecard', 'ranking');

    await row.click();
    await mgr.page.waitForURL(new RegExp(`/scorecard/stores/${store.id}`));
    await mgr.page.locator('[data-metric]').first().waitFor();
    expect(await mgr.page.locator('[data-metric]').count()).to.equal(12);
    expect(await mgr.page.locator('[data-metric="display_compliance"] [data-value]').textContent()).to.equal('0% · 差');
    expect(await mgr.page.locator('[data-metric="stockout_response"] [data-value]').textContent()).to.equal('无数据');
    expect(await mgr.page.locator('[data-no-data]').textContent()).to.contain('缺货预警响应速度').and.contain('不计入总分');

    await mgr.page.locator('[data-metric="price_compliance"] .metric-head').click();
    await mgr.page.locator('[data-metric="price_compliance"] [data-record]').first().waitFor();
    expect(await mgr.page.locator('[data-metric="price_compliance"] [data-detail]').textContent()).to.contain('巡店：价格标签').and.contain('不合格：标签缺失');
    await snap(mgr.page, 'retail-scorecard', 'card-with-records');

    const first = mgr.page.locator('[data-suggestion]').first();
    const metric = await first.getAttribute('data-suggestion');
    await first.locator('[data-assign]').click();
    await mgr.page.locator(`[data-suggestion="${metric}"] [data-open-action]`).waitFor();
    expect(await mgr.page.locator('[data-assign-result]').textContent()).to.contain('已派给门店');
    const { rows } = await s.pool.query(`SELECT a.title, u.wecom_userid FROM actions a JOIN users u ON u.id = a.assignee_id WHERE a.customer_id = $1 AND a.definition_code = 'store_fix'`, [store.id]);
    expect(rows).to.have.length(1);
    expect(rows[0].wecom_userid).to.equal('clerk.1');
    expect(rows[0].title).to.match(/^改进：/);
    await snap(mgr.page, 'retail-scorecard', 'assigned');
    expect(mgr.errors).to.deep.equal([]);
  });

  it('a clerk enters the day\'s 会员推荐, and an impossible count is refused in Chinese', async () => {
    const clerk = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'clerk.1');
    await clerk.page.goto('/launches');
    await clerk.page.locator('[data-member-referral]').waitFor();
    await clerk.page.fill('[data-field="recommended"]', '3');
    await clerk.page.fill('[data-field="joined"]', '5');
    await clerk.page.locator('[data-submit-referral]').click();
    await clerk.page.locator('[data-referral-result]').waitFor();
    expect(await clerk.page.locator('[data-referral-result]').textContent()).to.contain('入会人数不能多于推荐人数');
    await clerk.page.fill('[data-field="joined"]', '2');
    await clerk.page.locator('[data-submit-referral]').click();
    await clerk.page.getByText('已记录：').waitFor();
    expect(await clerk.page.locator('[data-referral-result]').textContent()).to.match(/推荐3人，入会2人$/);
    await snap(clerk.page, 'retail-scorecard', 'clerk-referral');
    expect(clerk.errors).to.deep.equal([]);
  });
});
