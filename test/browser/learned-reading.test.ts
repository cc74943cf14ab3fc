import { expect } from 'chai';
import { sayInChat, signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/** Issue #24's learned fallback in the H5 chat: words no rule reads, read by family or asked about with buttons. */
describe('H5 chat: what no rule reads is read by the learned reader, or asked about, and learned from the answer (browser, 390×844)', function () {
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
    expect(await sayInChat(page, `${other.name}对我们印象深刻`)).to.match(/^你是想1\..*“(支持|反对)”，还是2\..*“(支持|反对)”？/);
    const choices = page.getByTestId('chat-choices');
    expect((await choices.locator('button').allTextContents()).sort()).to.deep.equal(['记下对方的态度“反对”', '记下对方的态度“支持”', '都不是'].sort());
    await snap(page, 'learned-reading', 'which-reading');
    const before = await page.locator('[data-line="bot"]').count();
    await choices.locator('button', { hasText: '反对' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-line="bot"]').length > n, before);
    expect(await page.locator('[data-line="bot"]').last().textContent()).to.contain(`${other.name}`).and.contain('态度：反对');
    await snap(page, 'learned-reading', 'stance-chosen');
    // the answer is learned: the same words said of another contact are recorded without asking
    const { rows: [third] } = await s.pool.query(
      `SELECT name FROM contacts WHERE customer_id = $1 AND status <> 'left' AND name NOT IN ($2, $3) ORDER BY id LIMIT 1`, [c.id, leaver.name, other.name]);
    const direct = await sayInChat(page, `${third.name}对我们印象深刻`);
    expect(direct).to.not.match(/^你是想/);
    expect(direct).to.contain(third.name).and.contain('态度：反对');
    // a correction right after a learned reading is learned too: the answer before it is no longer applied
    const corrected = await sayInChat(page, '不对，是支持');
    expect(corrected).to.contain('已撤销').and.contain('记住了').and.contain(`${third.name}`).and.contain('态度：支持');
    await snap(page, 'learned-reading', 'corrected');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('shows the admin what the bot learned, retrains it with the time and cross-validation, and removes a wrong answer', async () => {
    const { rows: [taught] } = await s.pool.query(`SELECT id, text FROM understanding_examples WHERE removed_at IS NULL ORDER BY id LIMIT 1`);
    expect(taught, 'the rep\'s correction in the test above').to.not.equal(undefined);
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'admin.lin');
    await page.goto('/settings');
    await page.getByTestId('open-learned-examples').click();
    const card = page.locator(`[data-example="${taught.id}"]`);
    await card.waitFor();
    expect(await card.textContent()).to.contain(`“${taught.text}”`).and.contain('读作：记下对方的态度“支持”（业务员更正了机器人的读法）')
      .and.contain('机器人原来的读法：记下对方的态度“反对”').and.contain('孙');
    // the answer the correction overrode is listed as removed by the rep who corrected it
    const { rows: [overridden] } = await s.pool.query(`SELECT id FROM understanding_examples WHERE removed_at IS NOT NULL ORDER BY id LIMIT 1`);
    expect(await page.locator(`[data-example="${overridden.id}"]`).textContent()).to.contain('已移除').and.contain('读作：记下对方的态度“反对”');
    await page.getByTestId('retrain').click();
    await page.getByTestId('learned-notice').filter({ hasText: '已重新训练' }).waitFor({ timeout: 90_000 });
    // the trainings are read again after the notice: wait for the new one, not for the page's first render of them
    const training = page.getByTestId('training').filter({ hasText: /10折交叉验证：准确率 \d+\.\d%/ }).first();
    await training.waitFor({ timeout: 30_000 });
    expect(await training.textContent()).to.contain('学到的说法 1 条');
    await snap(page, 'learned-reading', 'admin-learned');
    await card.getByTestId('remove').click();
    await card.locator('.pill', { hasText: '已移除' }).waitFor();
    expect(await card.textContent()).to.contain('林涛').and.contain('移除');
    const { rows: [after] } = await s.pool.query(`SELECT removed_at IS NOT NULL AS removed FROM understanding_examples WHERE id = $1`, [taught.id]);
    expect(after.removed).to.equal(true);
    await snap(page, 'learned-reading', 'admin-removed');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
