import { expect } from 'chai';
import { sayInChat, signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/** Issue #24's learned fallback in the H5 chat: words no rule reads, read by family or asked about with buttons. */
describe('H5 chat: what no rule reads is read by the learned reader, or asked about (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('records a departure said in unusual words, and asks with buttons which reading of a doubtful stance was meant', async () => {
    const c = await customerNamed(s.pool, '南京鼓楼医院');
    const { rows: [leaver, other] } = await s.pool.query(
      `SELECT name FROM contacts WHERE customer_id = $1 AND status <> 'left' ORDER BY id LIMIT 2`, [c.id]);
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.sun');
    await page.goto('/chat');
    await sayInChat(page, '我在南京鼓楼医院');
    expect(await sayInChat(page, `${leaver.name}已经不干这行了`)).to.contain('已记录联系人变动').and.contain(`${leaver.name} 离职`);
    expect(await sayInChat(page, `${other.name}对我们的印象很差`)).to.match(/^你是想1\..*“(支持|反对)”，还是2\..*“(支持|反对)”？/);
    const choices = page.getByTestId('chat-choices');
    expect((await choices.locator('button').allTextContents()).sort()).to.deep.equal(['记下对方的态度“反对”', '记下对方的态度“支持”', '都不是'].sort());
    await snap(page, 'learned-reading', 'which-reading');
    const before = await page.locator('[data-line="bot"]').count();
    await choices.locator('button', { hasText: '反对' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-line="bot"]').length > n, before);
    expect(await page.locator('[data-line="bot"]').last().textContent()).to.contain(`${other.name}`).and.contain('态度：反对');
    await snap(page, 'learned-reading', 'stance-chosen');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
