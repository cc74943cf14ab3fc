import { expect } from 'chai';
import { signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * Issue #24, obstacle topics said in other words, as the roles see them at 390×844: an admin gives 价格偏高 a
 * phrasing in 痛点话题的说法 (previewed as where it goes), and a rep's follow-up 小结 said in their own words
 * comes back with the 客户痛点 it names.
 */
describe('obstacle topics said in other words (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('lets an admin add a phrasing to a topic, previewed as where it goes, and a rep\'s follow-up shows the topics its 小结 names', async () => {
    const { ctx: admin, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'admin.lin');
    await page.goto('/settings');
    await page.locator('[data-setting="keywords.topic-phrasings"]').click();
    const price = page.locator('[data-field="topics.0.phrasings"]');
    await price.waitFor();
    expect(await page.locator('[data-field="topics.0.topic"] input').inputValue()).to.equal('价格偏高');
    const words = price.locator('textarea');
    await words.fill(`${await words.inputValue()}\n吃不消`);
    await words.blur();
    await page.locator('[data-action="preview"]').click();
    await page.locator('[data-preview]').waitFor();
    expect(await page.locator('[data-preview]').textContent()).to.contain('新说法 “吃不消” 会归到『价格偏高』');
    await snap(page, 'obstacle-topics', 'admin-preview');
    await page.locator('[data-action="save"]').click();
    await page.locator('[data-source]', { hasText: '第 1 版' }).waitFor();
    expect(errors).to.deep.equal([]);
    await admin.close();

    const c = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const { ctx: rep, page: p2, errors: errors2 } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await p2.goto(`/followup?customerId=${c.id}`);
    await p2.fill('[data-input="summary"]', '老板说这价吃不消；上批货款还拖着没结');
    await p2.getByTestId('submit-followup').click();
    await p2.getByTestId('followup-verdict').waitFor();
    expect(await p2.getByTestId('followup-pain-points').textContent()).to.equal('客户痛点：价格偏高、回款慢');
    await snap(p2, 'obstacle-topics', 'followup-topics');
    const { rows: [f] } = await s.pool.query('SELECT payload FROM followups WHERE customer_id = $1 ORDER BY id DESC LIMIT 1', [c.id]);
    expect(f.payload.painPoints).to.deep.equal(['价格偏高', '回款慢']);
    expect(errors2).to.deep.equal([]);
    await rep.close();
  });
});
