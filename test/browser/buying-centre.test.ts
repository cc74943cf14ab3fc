import { expect } from 'chai';
import { sayInChat, signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

describe('H5 customer profile: 决策链, relationship graph and procurement steps (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  const chat = sayInChat;

  it('lets a rep add a contact with role, attitude and 内线, record a 调岗 with its date, and read the history', async () => {
    const c = await customerNamed(s.pool, '南京鼓楼医院');
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.sun');
    await page.goto(`/customers/${c.id}`);
    const centre = page.getByTestId('buying-centre');
    await centre.getByTestId('add-contact').click();
    const sheet = page.getByTestId('contact-sheet');
    await sheet.locator('[data-input="name"]').fill('陈晓');
    await sheet.locator('[data-input="department"]').fill('信息科');
    await sheet.locator('[data-input="title"]').fill('科长');
    await sheet.locator('[data-role="influencer"]').click();
    await sheet.locator('[data-attitude="support"]').click();
    await sheet.locator('[data-input="isCoach"]').check();
    await sheet.locator('[data-input="preferences"]').fill('关注数据接口');
    await snap(page, 'buying-centre', 'add-contact-sheet');
    await sheet.getByTestId('contact-save').click();
    await page.getByTestId('contact-notice').waitFor();
    expect(await page.getByTestId('contact-notice').textContent()).to.equal('已新增联系人陈晓');
    const row = centre.locator('[data-contact="陈晓"]');
    expect(await row.textContent()).to.contain('影响者').and.contain('支持').and.contain('内线').and.contain('偏好：关注数据接口');

    const { rows: [buyer] } = await s.pool.query(`SELECT name FROM contacts WHERE customer_id = $1 AND title = '采购专员'`, [c.id]);
    await centre.locator(`[data-change-of="${buyer.name}"]`).click();
    await sheet.locator('[data-change="transferred"]').click();
    await sheet.locator('[data-input="department"]').fill('院办');
    await sheet.locator('[data-input="title"]').fill('院长助理');
    await sheet.locator('[data-input="note"]').fill('原采购专员调岗');
    await snap(page, 'buying-centre', 'transfer-sheet');
    await sheet.getByTestId('contact-save').click();
    await page.getByTestId('contact-notice').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelector('[data-testid="contact-notice"]')?.textContent?.startsWith('已记录'));
    expect(await page.getByTestId('contact-notice').textContent()).to.equal(`已记录：${buyer.name} 调岗：采购中心·采购专员 → 院办·院长助理`);
    const history = await page.getByTestId('chain-history').textContent();
    expect(history).to.contain(`${buyer.name} 调岗`).and.contain('新增联系人 陈晓').and.contain('原采购专员调岗');
    expect(history).to.not.match(/\d{4}-\d{2}-\d{2}|transferred|influencer/);
    await snap(page, 'buying-centre', 'history');
    const { rows: [moved] } = await s.pool.query('SELECT department, title FROM contacts WHERE customer_id = $1 AND name = $2', [c.id, buyer.name]);
    expect(moved).to.deep.equal({ department: '院办', title: '院长助理' });

    // the contact's own history: what they were when first known (the demo's, dated when the customer was won), then the 调岗
    await centre.locator(`[data-history-of="${buyer.name}"]`).click();
    const own = centre.locator(`[data-contact-history="${buyer.name}"]`);
    await own.locator('.history-line').nth(1).waitFor();
    const lines = await own.locator('.history-line').allTextContents();
    expect(lines).to.have.length(2);
    expect(lines[0]).to.contain(`${buyer.name} 调岗：采购中心·采购专员 → 院办·院长助理`).and.match(/\d{4}年\d{1,2}月\d{1,2}日 · 孙浩/);
    expect(lines[1]).to.contain(`${buyer.name} 最初记录为采购中心·采购专员，采购者`).and.match(/\d{4}年\d{1,2}月\d{1,2}日 · 系统/);
    expect(lines.join('')).to.not.match(/\d{4}-\d{2}-\d{2}|first_known|buyer/);
    await snap(page, 'buying-centre', 'contact-history');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it("shows a departure the rep told the bot only roughly (上个月) with its approximate month, not today's date", async () => {
    const c = await customerNamed(s.pool, '南京鼓楼医院');
    const { rows: [leaver] } = await s.pool.query(
      `SELECT name FROM contacts WHERE customer_id = $1 AND status <> 'left' AND title <> '院长助理' ORDER BY id LIMIT 1`, [c.id]);
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.sun');
    await page.goto('/chat');
    await chat(page, '我在南京鼓楼医院');
    const shanghai = new Date(Date.now() + 8 * 3_600_000);
    const lastMonth = ((shanghai.getUTCMonth() + 11) % 12) + 1;
    expect(await chat(page, `${leaver.name}上个月离职了`)).to.contain(`${leaver.name} 离职`).and.contain(`（约${lastMonth}月）`);
    await page.goto(`/customers/${c.id}`);
    const history = page.getByTestId('chain-history');
    await history.waitFor();
    const line = history.locator('div', { hasText: `${leaver.name} 离职` }).last();
    await line.scrollIntoViewIfNeeded();
    const text = (await history.textContent()) ?? '';
    expect(text).to.contain(`约${lastMonth}月 · 孙浩（机器人）`);
    expect(await page.getByTestId('buying-centre').textContent()).to.contain(`已离职：${leaver.name}（约${lastMonth}月）`);
    expect(text).to.not.contain(`${shanghai.getUTCFullYear()}年${shanghai.getUTCMonth() + 1}月${shanghai.getUTCDate()}日 · 孙浩（机器人）`);
    await snap(page, 'buying-centre', 'approximate-departure');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it("puts the bot's yes/no question on buttons in the chat, and a tap answers it", async () => {
    const c = await customerNamed(s.pool, '南京鼓楼医院');
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.sun');
    await page.goto('/chat');
    await chat(page, '我在南京鼓楼医院');
    expect(await chat(page, '钟岩是拍板的')).to.contain('要新建联系人钟岩');
    const choices = page.getByTestId('chat-choices');
    expect(await choices.locator('button').allTextContents()).to.deep.equal(['是', '不是']);
    await snap(page, 'buying-centre', 'chat-choices');
    const before = await page.locator('[data-line="bot"]').count();
    await choices.locator('[data-choice="是"]').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-line="bot"]').length > n, before);
    expect(await page.locator('[data-line="me"]').last().textContent()).to.equal('是');
    expect(await page.locator('[data-line="bot"]').last().textContent()).to.contain('钟岩');
    expect(await page.getByTestId('chat-choices').count()).to.equal(0);
    const { rows } = await s.pool.query(`SELECT 1 FROM contacts WHERE customer_id = $1 AND name = '钟岩'`, [c.id]);
    expect(rows).to.have.length(1);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('shows the measured graph with its coverage gaps, and lets a rep record the customer\'s next procurement step', async () => {
    const c = await customerNamed(s.pool, '上海市第六人民医院');
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await page.goto(`/customers/${c.id}`);
    await page.getByTestId('relationship-graph').waitFor();
    const gaps = await page.getByTestId('coverage-gaps').textContent();
    expect(gaps).to.contain('没有覆盖信息科').and.contain('从未接触');
    const steps = page.locator('[data-procurement]').first();
    await steps.getByTestId('record-procurement').waitFor();
    expect(await steps.textContent()).to.contain('客户采购：预算批复');
    await steps.getByTestId('record-procurement').click();
    const sheet = page.getByTestId('procurement-sheet');
    expect(await sheet.locator('[data-stage="tender_announced"]').getAttribute('class')).to.contain('on');
    await sheet.locator('[data-input="amount"]').fill('680000');
    await snap(page, 'buying-centre', 'procurement-sheet');
    await sheet.getByTestId('procurement-save').click();
    await sheet.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-procurement]')?.textContent?.includes('客户采购：招标公告'));
    await snap(page, 'buying-centre', 'profile-with-graph');
    const { rows } = await s.pool.query(`SELECT e.stage, e.amount FROM procurement_events e JOIN opportunities o ON o.id = e.opportunity_id
      WHERE o.customer_id = $1 ORDER BY e.id DESC LIMIT 1`, [c.id]);
    expect(rows[0]).to.deep.equal({ stage: 'tender_announced', amount: 680000 });
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
