import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * A manager on the action page: 重新打开 a verified action (reason, new
 * deadline) and 转派 an open one to another rep of their region, through the
 * real API. A change made by someone else first (409) reloads the action and
 * says so; the server's Chinese message is shown as it is.
 */
describe('H5 action page: reopen and reassign (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  let zhao: number;
  let customerId: number;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    zhao = await userId(s.pool, 'rep.zhao');
    customerId = (await customerNamed(s.pool, '上海嘉禾食品经销有限公司')).id;
  });
  after(() => s?.close());

  async function dispatch(title: string): Promise<number> {
    const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId, assigneeId: zhao, title } });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.id;
  }
  /** Dispatched, completed by phone by rep.zhao, verified by mgr.li. */
  async function verified(title: string): Promise<number> {
    const id = await dispatch(title);
    const p = await s.api.call('POST', `/api/actions/${id}/complete-by-phone`, { as: 'rep.zhao', body: { note: '电话确认了陈列方案' } });
    expect(p.status, JSON.stringify(p.body)).to.equal(200);
    const v = await s.api.call('POST', `/api/actions/${id}/verify`, { as: 'mgr.li', body: {} });
    expect(v.status, JSON.stringify(v.body)).to.equal(200);
    expect(v.body.status).to.equal('verified');
    return id;
  }
  const as = (userid: string) => signedInPhone(s.browser, { baseURL: s.api.baseUrl }, userid);
  const row = async (id: number) => (await s.pool.query(
    `SELECT a.status, a.due_at, a.version, u.wecom_userid AS assignee FROM actions a JOIN users u ON u.id = a.assignee_id WHERE a.id = $1`, [id])).rows[0];
  const statusLabelOf = async (id: number) => (await s.api.call('GET', `/api/actions/${id}`, { as: 'mgr.li' })).body.action.statusLabel as string;
  const headerStatus = (page: Page) => page.locator('header .pill').first();

  it('reopens a verified action with a reason and a new deadline; the rep is told why', async () => {
    const id = await verified('拜访嘉禾：陈列复核');
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto(`/actions/${id}`);
    await page.getByTestId('open-reopen').waitFor();
    expect(await page.getByTestId('open-reassign').count(), 'a verified action is not reassigned').to.equal(0);
    expect(await page.getByTestId('assignee').textContent()).to.equal('赵磊');
    await page.getByTestId('open-reopen').click();
    const sheet = page.locator('[data-sheet="reopen"]');
    await sheet.waitFor();
    expect(await page.getByTestId('manage-confirm').isDisabled(), 'the reason is required').to.equal(true);
    await sheet.locator('[data-due-choice="明天 18:00"]').click();
    await page.getByTestId('manage-reason').fill('门头照看不清店名，请补拍后重新提交');
    await snap(page, 'reopen-reassign', 'reopen-sheet');
    await page.getByTestId('manage-confirm').click();

    await page.getByTestId('manage-notice').waitFor();
    expect(await page.getByTestId('manage-notice').textContent()).to.contain('已重新打开').and.to.contain('赵磊');
    expect(await sheet.count()).to.equal(0);
    const after = await row(id);
    expect(after.status).to.equal('in_progress');
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + 86_400_000));
    expect(after.due_at.toISOString()).to.equal(new Date(`${tomorrow}T18:00:00+08:00`).toISOString());
    await page.waitForFunction(() => !document.querySelector('[data-testid="open-reopen"]'));
    expect(await headerStatus(page).textContent()).to.equal(await statusLabelOf(id));
    // an open action again: now it can be handed on; the report stays the rep's to file
    await page.getByTestId('open-reassign').waitFor();
    expect(await page.getByTestId('submit').count()).to.equal(0);
    await snap(page, 'reopen-reassign', 'reopened');

    const { rows: [ev] } = await s.pool.query(
      `SELECT data FROM events WHERE entity_type = 'action' AND entity_id = $1 AND type = 'action.reopened'`, [id]);
    expect(ev.data.reason).to.equal('门头照看不清店名，请补拍后重新提交');
    const { rows: told } = await s.pool.query(`SELECT payload FROM outbox WHERE recipient = 'rep.zhao' AND dedupe_key LIKE $1`, [`action:${id}:reopened:%`]);
    expect(told).to.have.length(1);
    expect(JSON.stringify(told[0].payload)).to.contain('门头照看不清店名');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('reloads the action and says so when someone else reopened it first (409)', async () => {
    const id = await verified('拜访嘉禾：季度复盘');
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto(`/actions/${id}`);
    await page.getByTestId('open-reopen').click();
    await page.getByTestId('manage-reason').fill('报告里的订单金额对不上');
    // meanwhile the director reopens it from their own phone
    const d = await s.api.call('POST', `/api/actions/${id}/reopen`, { as: 'director.wang', body: { reason: '客户投诉，需重新拜访' } });
    expect(d.status, JSON.stringify(d.body)).to.equal(200);
    await page.getByTestId('manage-confirm').click();

    await page.getByTestId('manage-notice').waitFor();
    const notice = await page.getByTestId('manage-notice').textContent();
    expect(notice).to.contain('页面已刷新为最新状态');
    expect(notice).to.contain(d.body.statusLabel);
    expect(await page.locator('[data-sheet]').count(), 'reopening no longer applies: the sheet closes').to.equal(0);
    expect(await headerStatus(page).textContent()).to.equal(d.body.statusLabel);
    expect(await page.getByTestId('open-reopen').count()).to.equal(0);
    expect(await page.getByTestId('manage').getAttribute('data-action-version')).to.equal(String(d.body.version));
    await snap(page, 'reopen-reassign', 'conflict-reloaded');
    const { rows } = await s.pool.query(
      `SELECT data->>'reason' AS reason FROM events WHERE entity_type = 'action' AND entity_id = $1 AND type = 'action.reopened'`, [id]);
    expect(rows.map((r) => r.reason)).to.deep.equal(['客户投诉，需重新拜访']);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('reassigns an open action to another rep of the region, picked from a list', async () => {
    const id = await dispatch('拜访嘉禾：补货沟通');
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto(`/actions/${id}`);
    await page.getByTestId('open-reassign').waitFor();
    expect(await page.getByTestId('open-reopen').count(), 'an open action is not reopened').to.equal(0);
    await page.getByTestId('open-reassign').click();
    await page.locator('[data-rep-option]').first().waitFor();
    const options = await page.locator('[data-rep-option]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rep-option')));
    expect(options).to.have.members(['rep.zhao', 'rep.qian', 'rep.sun']);
    expect(await page.locator('[data-rep-option="rep.zhao"] input').isDisabled(), 'the current assignee').to.equal(true);
    expect(await page.locator('[data-rep-option="rep.zhao"]').textContent()).to.contain('当前负责人');
    expect(await page.getByTestId('manage-confirm').isDisabled()).to.equal(true);
    await page.locator('[data-rep-option="rep.qian"]').click();
    await page.getByRole('button', { name: '原负责人休假' }).click();
    expect(await page.getByTestId('manage-reason').inputValue()).to.equal('原负责人休假');
    await snap(page, 'reopen-reassign', 'reassign-sheet');
    await page.getByTestId('manage-confirm').click();

    await page.getByTestId('manage-notice').waitFor();
    expect(await page.getByTestId('manage-notice').textContent()).to.contain('已转派给钱芳');
    await page.waitForFunction(() => document.querySelector('[data-testid="assignee"]')?.textContent === '钱芳');
    expect((await row(id)).assignee).to.equal('rep.qian');
    const { rows: [away] } = await s.pool.query(`SELECT payload FROM outbox WHERE recipient = 'rep.zhao' AND dedupe_key LIKE $1`, [`action:${id}:reassigned_away:%`]);
    expect(away.payload.text.content).to.contain('转派给钱芳').and.to.contain('原因：原负责人休假');
    await snap(page, 'reopen-reassign', 'reassigned');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('shows the server\'s Chinese message when the chosen rep cannot take it, and keeps the sheet', async () => {
    const id = await dispatch('拜访嘉禾：样品回收');
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto(`/actions/${id}`);
    await page.getByTestId('open-reassign').click();
    await page.locator('[data-rep-option="rep.sun"]').click();
    // 孙浩 leaves between the list and the tap
    await s.pool.query(`UPDATE users SET active = false WHERE wecom_userid = 'rep.sun'`);
    try {
      await page.getByTestId('manage-confirm').click();
      await page.getByTestId('manage-error').waitFor();
      expect(await page.getByTestId('manage-error').textContent()).to.equal('孙浩已停用，不能接收事项');
      expect(await page.getByTestId('manage-error').getAttribute('data-error-code')).to.equal('ACTION_REASSIGN_TARGET_INACTIVE');
      expect(await page.locator('[data-sheet="reassign"]').count()).to.equal(1);
      await snap(page, 'reopen-reassign', 'target-inactive', { fullPage: false });
      expect((await row(id)).assignee).to.equal('rep.zhao');
    } finally {
      await s.pool.query(`UPDATE users SET active = true WHERE wecom_userid = 'rep.sun'`);
    }
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('lets the director pick reps of every region', async () => {
    const id = await dispatch('拜访嘉禾：跨区支援');
    const { ctx, page } = await as('director.wang');
    await page.goto(`/actions/${id}`);
    await page.getByTestId('open-reassign').click();
    await page.locator('[data-rep-option]').first().waitFor();
    const options = await page.locator('[data-rep-option]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rep-option')));
    expect(options).to.have.members(['rep.zhao', 'rep.qian', 'rep.sun', 'rep.zhou', 'rep.wu', 'rep.zheng']);
    // the action's own region first
    expect(options.slice(0, 3)).to.have.members(['rep.zhao', 'rep.qian', 'rep.sun']);
    await page.locator('[data-rep-option="rep.zhou"]').click();
    await page.getByTestId('manage-confirm').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="assignee"]')?.textContent === '周婷');
    expect((await row(id)).assignee).to.equal('rep.zhou');
    await ctx.close();
  });

  it('never shows (nor downloads) the supervisor tools to the rep', async () => {
    const id = await dispatch('拜访嘉禾：业务员视角');
    const { ctx, page, errors } = await as('rep.zhao');
    const chunks: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/assets/')) chunks.push(r.url()); });
    await page.goto(`/actions/${id}`);
    await page.getByTestId('check-in').waitFor();
    expect(await page.getByTestId('manage').count()).to.equal(0);
    expect(chunks.filter((u) => u.includes('ActionManageSheet'))).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
