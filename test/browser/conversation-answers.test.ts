import { expect } from 'chai';
import { sayInChat, signedInPhone, snap } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * Issue #24 in the H5 chat: a day said loosely is asked with the days it may mean as buttons, and the rep's answer to
 * 这是不是『…』的问题 is kept — the same words are filed without asking, and the admin sees it in 机器人学到的说法.
 */
describe('H5 chat: loose days asked with buttons, and topic answers learned (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('asks which day 这两天 means with buttons, and keeps a confirmed topic as the example the admin sees', async () => {
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.sun');
    await page.goto('/chat');
    await sayInChat(page, '我在南京鼓楼医院');
    const asked = await sayInChat(page, '这两天再去一趟');
    expect(asked).to.contain('“这两天”还不是具体的日子').and.contain('1.明天（').and.contain('2.后天（');
    const choices = page.getByTestId('chat-choices');
    expect(await choices.locator('button').allTextContents()).to.deep.equal(['明天', '后天']);
    await snap(page, 'conversation-answers', 'loose-day');
    const before = await page.locator('[data-line="bot"]').count();
    await choices.locator('button', { hasText: '后天' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-line="bot"]').length > n, before);
    expect(await page.locator('[data-line="bot"]').last().textContent()).to.contain('已记录').and.contain('下次接触时间');

    const [, topic] = /这是不是『(.+?)』的问题？/.exec(await sayInChat(page, '货卖得一般')) ?? [];
    expect(topic, 'the topic reader leans and asks').to.be.a('string');
    const shown = await page.locator('[data-line="bot"]').count();
    await choices.locator('button', { hasText: topic }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-line="bot"]').length > n, shown);
    expect(await page.locator('[data-line="bot"]').last().textContent()).to.contain(`客户痛点 ${topic}`);
    await snap(page, 'conversation-answers', 'topic-confirmed');
    expect(await sayInChat(page, '撤销')).to.contain('已撤销');
    const again = await sayInChat(page, '货卖得一般');
    expect(again, 'read as answered, not asked again').to.contain(`客户痛点 ${topic}`).and.not.contain('这是不是');
    expect(errors).to.deep.equal([]);
    await ctx.close();

    const admin = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'admin.lin');
    await admin.page.goto('/settings');
    await admin.page.getByTestId('open-learned-examples').click();
    const { rows: [taught] } = await s.pool.query(`SELECT id FROM understanding_examples WHERE label = $1`, [`topic:${topic}`]);
    const card = admin.page.locator(`[data-example="${taught.id}"]`);
    await card.waitFor();
    expect(await card.textContent()).to.contain('“货卖得一般”').and.contain(`读作：记到客户痛点『${topic}』`);
    await snap(admin.page, 'conversation-answers', 'admin-topic-example');
    expect(admin.errors).to.deep.equal([]);
    await admin.ctx.close();
  });
});
