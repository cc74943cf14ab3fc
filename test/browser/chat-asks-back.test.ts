import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { sayInChat, signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/** Issue #24 in the H5 chat: what the bot asks back instead of recording something wrong, answered by a tap. */
describe('H5 chat: the bot asks who has a denied role and when a vague change happened (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  /** Taps a choice under the bot's last question; the bot's answer once it came. */
  async function tap(page: Page, label: string): Promise<string> {
    const before = await page.locator('[data-line="bot"]').count();
    await page.getByTestId('chat-choices').locator(`[data-choice="${label}"]`).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-line="bot"]').length > n, before);
    return (await page.locator('[data-line="bot"]').last().textContent()) ?? '';
  }

  it('answers 拍板的不是X with the contacts, 新建联系人 and 不知道 as buttons, and 前段时间离职 with 本周…更早 as buttons, each recorded on the tap', async () => {
    const c = await customerNamed(s.pool, '南京鼓楼医院');
    const { rows: [denied, chosen, leaver] } = await s.pool.query(
      `SELECT name, title FROM contacts WHERE customer_id = $1 AND status = 'active' ORDER BY id LIMIT 3`, [c.id]);
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.sun');
    await page.goto('/chat');
    await sayInChat(page, '我在南京鼓楼医院');

    expect(await sayInChat(page, `拍板的不是${denied.name}`)).to.contain('那决策者是哪一位？');
    const buttons = await page.getByTestId('chat-choices').locator('button').allTextContents();
    expect(buttons).to.include.members(['新建联系人', '不知道', `${chosen.name}（${chosen.title}）`]);
    expect(buttons.join()).to.not.contain(denied.name);
    await snap(page, 'chat-asks-back', 'who-has-the-role', { fullPage: false });
    expect(await tap(page, `${chosen.name}（${chosen.title}）`)).to.contain(`${chosen.name}`).and.contain('是决策者');

    expect(await sayInChat(page, `${leaver.name}前段时间离职了`)).to.contain(`${leaver.name}离职大概是什么时候？（你说的是“前段时间”）`);
    expect(await page.getByTestId('chat-choices').locator('button').allTextContents()).to.deep.equal(['本周', '上周', '本月', '上个月', '更早', '不知道']);
    await snap(page, 'chat-asks-back', 'when-was-it', { fullPage: false });
    const shanghai = new Date(Date.now() + 8 * 3_600_000);
    const lastMonth = ((shanghai.getUTCMonth() + 11) % 12) + 1;
    expect(await tap(page, '上个月')).to.contain(`${leaver.name} 离职`).and.contain(`（约${lastMonth}月）`);
    await snap(page, 'chat-asks-back', 'dated', { fullPage: false });
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
