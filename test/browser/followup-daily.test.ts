import { expect } from 'chai';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

describe('H5 跟进 and 日报 (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('previews and then shows the server verdict on whether a follow-up counts as 有效跟进, and files the 日报', async () => {
    const c = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'rep.zhao');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`/followup?customerId=${c.id}`);
    await page.fill('[data-input="summary"]', '回访');
    await page.getByTestId('followup-preview').waitFor();
    expect(await page.getByTestId('followup-preview').textContent()).to.contain('预计：不计为有效跟进');
    await page.getByTestId('submit-followup').click();
    await page.getByTestId('followup-verdict').waitFor();
    const verdict = await page.getByTestId('followup-verdict').textContent();
    await snap(page, 'followup', 'not-effective-and-why');
    expect(verdict).to.contain('不计为有效跟进');
    const { rows } = await s.pool.query('SELECT effective FROM followups WHERE customer_id = $1 ORDER BY id DESC LIMIT 1', [c.id]);
    expect(rows[0].effective).to.equal(false);

    await page.goto('/daily-report');
    await page.fill('[data-input="obstacles"]', '嘉禾采购要求先走医保备案和耗材编码，入库卡住');
    await page.getByRole('button', { name: '提交日报' }).click();
    await page.getByTestId('daily-sent').waitFor();
    await snap(page, 'followup', 'daily-report-sent');
    const d = await s.pool.query(`SELECT obstacles FROM daily_reports ORDER BY id DESC LIMIT 1`);
    expect(d.rows[0].obstacles).to.contain('医保备案');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
