import { expect } from 'chai';
import { sayInChat, signedInPhone, snap } from './support/browser.js';
import { customerNamed, standingAt, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * One 日报 edited in two places: the rep starts it in the app, finishes it in
 * the H5 chat (the bot), and the app shows the merged report with where each
 * field came from. 今日关键障碍 refuses 「没问题」 in both; the chat keeps its
 * history over a reload and sends the phone's location to check in.
 */
describe('日报 in the app and the chat, merged (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  let jiahe: { id: number; lat: number; lng: number };

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    jiahe = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
  });
  after(() => s?.close());

  const chat = sayInChat;

  it('starts the report in the app, finishes it in the chat, and shows one merged report with each field\'s source', async () => {
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await page.goto('/daily-report');
    await page.fill('[data-input="summary"]', '拜访嘉禾，演示新品');
    await page.fill('[data-input="obstacles"]', '没问题');
    await page.getByTestId('obstacle-problem').waitFor();
    expect(await page.getByTestId('submit-daily').isDisabled(), '没问题 is no obstacle').to.equal(true);
    await page.fill('[data-input="obstacles"]', '嘉禾采购要求先走医保备案，入库卡住');
    await page.fill('[data-input="support"]', '需要市场部的样品');
    await page.getByTestId('submit-daily').click();
    await page.getByTestId('daily-sent').waitFor();

    await page.goto('/chat');
    expect(await chat(page, '写日报')).to.contain('今天的日报已经写过');
    await chat(page, '没有');
    expect(await chat(page, '没有')).to.contain('保持不变');
    await chat(page, '明天上午去嘉禾谈报价');
    const confirm = await chat(page, '没有');
    expect(confirm).to.contain('嘉禾采购要求先走医保备案').and.contain('明天上午去嘉禾谈报价').and.contain('需要市场部的样品');
    expect(await chat(page, '确认')).to.contain('日报已提交');
    await snap(page, 'daily-merge', 'chat');

    // the chat remembers what was said
    await page.reload();
    await page.waitForFunction(() => (document.querySelector('[data-testid="chat-lines"]')?.textContent ?? '').includes('日报已提交'));
    expect(await page.getByTestId('chat-lines').textContent()).to.contain('明天上午去嘉禾谈报价');

    await page.goto('/daily-report');
    await page.locator('[data-source="plan"]').waitFor();
    expect(await page.locator('[data-input="plan"]').inputValue()).to.equal('明天上午去嘉禾谈报价');
    expect(await page.locator('[data-input="obstacles"]').inputValue()).to.equal('嘉禾采购要求先走医保备案，入库卡住');
    expect(await page.locator('[data-input="support"]').inputValue()).to.equal('需要市场部的样品');
    expect(await page.locator('[data-source="plan"]').textContent()).to.contain('来自机器人');
    expect(await page.locator('[data-source="obstacles"]').textContent()).to.contain('来自应用');
    await snap(page, 'daily-merge', 'merged-report');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('refuses a date as the obstacle in the chat, and checks in from the chat with the phone\'s location (failed when far away)', async () => {
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl, geolocation: standingAt(jiahe, 17.7) }, 'rep.qian');
    await page.goto('/chat');
    await chat(page, '写日报');
    await chat(page, '跑了两家门店');
    expect(await chat(page, '明天下午三点再去')).to.contain('不是障碍');
    expect(await chat(page, '取消')).to.not.equal('');

    const qian = await userId(s.pool, 'rep.qian');
    await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: jiahe.id, assigneeId: qian, title: '拜访嘉禾：聊天签到' } });
    const far = await (async () => {
      const before = await page.locator('[data-line="bot"]').count();
      await page.getByTestId('chat-location').click();
      // the answer to the location, not any late line: under load a reply of the turn before may still be arriving
      await page.waitForFunction((n) => {
        const bot = [...document.querySelectorAll('[data-line="bot"]')].slice(n).map((e) => e.textContent ?? '');
        return bot.some((t) => /签到/.test(t) || /附近/.test(t));
      }, before);
      return (await page.getByTestId('chat-lines').textContent()) ?? '';
    })();
    expect(far).to.contain('📍 发送了位置');
    await snap(page, 'daily-merge', 'location');
    expect(far).to.match(/签到失败|附近.*没有找到/);
    expect(far).to.not.contain('已签到：');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
