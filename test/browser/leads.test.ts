import { expect } from 'chai';
import { signedInPhone, snap } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * Leads in the app: a manager enters one and is warned of 撞单 before saving,
 * gives it to a rep (who gets a WeCom card linking to it), the rep accepts it
 * and converts it into an opportunity under a new customer; 线索→商机 then
 * has the deal to count.
 */
describe('leads: 撞单 warning, assignment, accept and convert (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('warns of a duplicate, assigns the lead with a WeCom card, and the rep accepts and converts it into a deal', async () => {
    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto('/customers');
    await mgr.page.getByTestId('leads-link').click();
    await mgr.page.getByTestId('new-lead').click();
    await mgr.page.fill('[data-input="company"]', '上海华联超市股份有限公司');
    await mgr.page.fill('[data-input="title"]', '华联新门店饮料陈列需求');
    await mgr.page.fill('[data-input="phone"]', '13900001111');
    await mgr.page.getByTestId('duplicates').waitFor();
    const warning = await mgr.page.getByTestId('duplicates').textContent();
    expect(warning).to.contain('华联超市总部').and.contain('赵磊').and.contain('公司名相近');
    await snap(mgr.page, 'leads', 'duplicate-warning');
    await mgr.page.getByTestId('save-lead').click();
    await mgr.page.waitForURL(/\/leads\/\d+$/);
    const leadId = Number(mgr.page.url().split('/').pop());
    expect(await mgr.page.getByTestId('lead-status').textContent()).to.equal('待分配');
    expect(await mgr.page.getByTestId('lead-source').textContent()).to.equal('手工录入');

    const qian = (await s.pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.qian'`)).rows[0].id;
    await mgr.page.getByTestId('open-assign').click();
    await mgr.page.locator('[data-input="assignee"]').selectOption(String(qian));
    await mgr.page.fill('[data-input="assign-reason"]', '华联片区由钱芳负责');
    await mgr.page.getByTestId('confirm-lead').click();
    await mgr.page.locator('[data-lead-status="assigned"]').waitFor();
    expect(await mgr.page.getByTestId('lead-status').textContent()).to.equal('待接收');
    const { rows: [card] } = await s.pool.query(`SELECT payload FROM outbox WHERE recipient = 'rep.qian' AND dedupe_key LIKE $1`, [`lead:${leadId}:assigned:%`]);
    expect(card.payload.textcard.url).to.match(new RegExp(`/leads/${leadId}$`));
    expect(card.payload.textcard.description).to.contain('华联新门店饮料陈列需求').and.contain('李明');
    await mgr.ctx.close();

    // the rep follows the card's link
    const rep = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.qian');
    await rep.page.goto(new URL(card.payload.textcard.url).pathname);
    await rep.page.getByTestId('accept-lead').click();
    await rep.page.waitForFunction(() => document.querySelector('[data-testid="lead-status"]')?.textContent === '跟进中');
    await rep.page.getByTestId('open-convert').click();
    await rep.page.locator('[data-input="customer-type"]').selectOption('ka');
    await rep.page.fill('[data-input="amount"]', '300000');
    await snap(rep.page, 'leads', 'convert-sheet', { fullPage: false });
    await rep.page.getByTestId('confirm-lead').click();
    await rep.page.waitForURL(/\/deals\/\d+$/);
    const oppId = Number(rep.page.url().split('/').pop());
    const { rows: [opp] } = await s.pool.query(
      `SELECT o.lead_id, o.amount::float AS amount, c.name AS customer, u.wecom_userid AS owner, l.status
         FROM opportunities o JOIN customers c ON c.id = o.customer_id JOIN users u ON u.id = o.owner_id JOIN leads l ON l.id = o.lead_id WHERE o.id = $1`, [oppId]);
    expect(opp).to.deep.equal({ lead_id: leadId, amount: 300000, customer: '上海华联超市股份有限公司', owner: 'rep.qian', status: 'converted' });
    await rep.page.goto(`/leads/${leadId}`);
    expect(await rep.page.getByTestId('lead-status').textContent()).to.equal('已转为商机');
    await rep.page.getByTestId('lead-deal').waitFor();
    await snap(rep.page, 'leads', 'converted');
    expect([...rep.errors]).to.deep.equal([]);
    await rep.ctx.close();
  });

  it('warns of the same phone on a lead another rep owns, naming only the owner', async () => {
    const other = await s.api.call('POST', '/api/leads', { as: 'rep.zhou', body: { title: '北方经销商', company: '保定某医疗器械', phone: '138-0000-9999' } });
    expect(other.status).to.equal(201);
    const { page, ctx, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await page.goto('/leads');
    await page.getByTestId('new-lead').click();
    await page.fill('[data-input="company"]', '完全不同的公司');
    await page.fill('[data-input="phone"]', '13800009999');
    await page.locator(`[data-duplicate="lead:${other.body.id}"]`).waitFor();
    const line = await page.locator(`[data-duplicate="lead:${other.body.id}"]`).textContent();
    expect(line).to.contain('周婷').and.contain('同一电话');
    expect(await page.locator(`[data-duplicate="lead:${other.body.id}"] a`).count(), 'not in zhao\'s scope: no link').to.equal(0);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
