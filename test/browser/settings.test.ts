import { expect } from 'chai';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

describe('H5 settings area (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  let east: number;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    east = (await s.pool.query(`SELECT id FROM departments WHERE name = '华东区'`)).rows[0].id;
  });
  after(() => s?.close());

  it("lets a manager override the stores' follow-up standard for their own region, previewed, and tells its reps", async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'mgr.li');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/me');
    await page.getByText('设置', { exact: true }).click();
    const standard = page.locator('[data-setting="followup.standard"]');
    await standard.waitFor();
    expect(await standard.textContent()).to.contain('可为本部门设置');
    expect(await page.locator('[data-setting="flow.pipeline:sales"]').textContent()).to.contain('只读');
    await snap(page, 'settings', 'manager-list');

    await standard.click();
    await page.locator('[data-setting-page]').waitFor();
    // the company's standard: shown, not offered for editing
    expect(await page.locator('[data-readonly]').textContent()).to.contain('可在「适用范围」中选择你负责的部门单独设置');
    expect(await page.locator('[data-action="save"]').count()).to.equal(0);
    await page.locator('[data-type="store"]').click();
    await page.locator('[data-scope-department]').selectOption(String(east));
    const save = page.locator('[data-action="save"]');
    await save.waitFor();
    expect(await page.locator('[data-source]').textContent()).to.contain('「华东区及下级部门 · 门店」使用默认值');
    const attachments = page.locator('[data-field="minAttachments"]');
    expect(await attachments.locator('input').inputValue()).to.equal('1');
    await attachments.locator('.van-stepper__plus').click();
    expect(await attachments.locator('input').inputValue()).to.equal('2');
    expect(await save.isDisabled(), 'a change that alters outcomes is previewed first').to.equal(true);
    expect(await save.textContent()).to.contain('先预览再保存');

    await page.locator('[data-action="preview"]').click();
    await page.locator('[data-preview]').waitFor();
    expect(await page.locator('[data-preview]').textContent()).to.match(/按新标准 \d+ 条将由有效变为无效/);
    await page.locator('[data-comment]').fill('门店须两张陈列照片');
    await snap(page, 'settings', 'manager-preview');
    await save.click();
    await page.locator('[data-source]', { hasText: '第 1 版' }).waitFor();
    await snap(page, 'settings', 'manager-saved');

    const { rows } = await s.pool.query(
      `SELECT version, value, comment FROM setting_versions WHERE key = 'followup.standard' AND department_id = $1 AND customer_type = 'store'`, [east]);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.deep.include({ version: 1, comment: '门店须两张陈列照片' });
    expect(rows[0].value.minAttachments).to.equal(2);
    const notice = await s.pool.query(`SELECT recipient, payload FROM outbox WHERE dedupe_key LIKE 'setting:followup.standard:%' ORDER BY recipient`);
    expect(notice.rows.map((r) => r.recipient)).to.deep.equal(['rep.qian', 'rep.sun', 'rep.zhao']);
    expect(notice.rows[0].payload.textcard.description).to.contain('附件下限：1 个 → 2 个');
    // the company's value is still not the manager's to change
    await page.locator('[data-scope-department]').selectOption('');
    await page.locator('[data-readonly]').waitFor();
    expect(await page.locator('[data-action="save"]').count()).to.equal(0);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it("shows 赢率信号's seed rule by its stage's name and keeps a × 1.23 multiplier to two decimals when saved", async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'admin.lin');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/settings');
    await page.locator('[data-setting="scoring.signals"]').click();
    const rule = page.locator('[data-field="documentDownloaded"]');
    await rule.waitFor();
    expect(await rule.locator('[data-field="documentDownloaded.stage"]').textContent()).to.contain('商务谈判').and.not.contain('negotiation');
    const odds = rule.locator('[data-field="documentDownloaded.odds"] input');
    expect(await odds.inputValue()).to.equal('1.23');
    await odds.fill('1.27');
    await odds.blur();
    await page.locator('[data-action="preview"]').click();
    await page.locator('[data-preview]').waitFor();
    await page.locator('[data-action="save"]').click();
    await page.locator('[data-source]', { hasText: '第 1 版' }).waitFor();
    await snap(page, 'settings', 'signals-saved');
    const v = (await s.api.call('GET', '/api/settings/scoring.signals', { as: 'admin.lin' })).body;
    expect(v.value.documentDownloaded).to.include({ odds: 1.27, stage: 'negotiation' });
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('lets an admin open the 变更记录 of a setting and restore an earlier version', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'admin.lin');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/settings');
    await page.locator('[data-setting="alerts.silence"]').click();
    const days = page.locator('[data-field="days"]');
    await days.waitFor();
    expect(await days.locator('input').inputValue()).to.equal('7');
    await days.locator('input').fill('10');
    await days.locator('input').blur();
    await page.locator('[data-action="preview"]').click();
    await page.locator('[data-preview]').waitFor();
    expect(await page.locator('[data-preview]').textContent()).to.contain('按现在的设置会产生');
    await page.locator('[data-comment]').fill('先放宽到10天');
    await page.locator('[data-action="save"]').click();
    await page.locator('[data-source]', { hasText: '第 1 版' }).waitFor();
    // someone else tightens it afterwards
    const v1 = (await s.api.call('GET', '/api/settings/alerts.silence', { as: 'admin.lin' })).body;
    const v2 = await s.api.call('PUT', '/api/settings/alerts.silence', { as: 'admin.lin', body: { expectedVersion: 1, value: { ...v1.value, days: 14 }, comment: '改为14天' } });
    expect(v2.status).to.equal(200);

    await page.reload();
    await page.locator('[data-history-link]').click();
    await page.locator('[data-history]').waitFor();
    expect(await page.locator('[data-version]').evaluateAll((els) => els.map((e) => e.getAttribute('data-version')))).to.deep.equal(['2', '1']);
    const first = page.locator('[data-version="1"]');
    expect(await first.textContent()).to.contain('连续无有效跟进：7 天 → 10 天').and.contain('说明：先放宽到10天').and.contain('林涛');
    await first.locator('[data-action="view"]').click();
    expect(await first.locator('[data-field="days"]').textContent()).to.contain('10');
    await snap(page, 'settings', 'admin-history');
    await first.locator('[data-action="restore"]').click();
    await page.locator('.van-dialog__confirm').click();
    await page.locator('[data-version="3"]').waitFor();
    expect(await page.locator('[data-version="3"]').textContent()).to.contain('恢复自第 1 版').and.contain('连续无有效跟进：14 天 → 10 天');
    await snap(page, 'settings', 'admin-restored');

    const { rows } = await s.pool.query(`SELECT params FROM alert_rules WHERE code = 'silence'`);
    expect(rows[0].params.days).to.equal(10);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it("shows a process template as its timeline and saves a node's new deadline as a version", async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'admin.lin');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/settings');
    await page.locator('[data-setting="flow.process-template:hospital_admission"]').click();
    const node = page.locator('[data-node="equipment_head"]');
    await node.waitFor();
    expect(await node.textContent()).to.contain('第 5 个工作日').and.contain('完成设备科主任面访').and.contain('需上传：签字版技术确认书');
    await node.getByText('编辑').click();
    const due = node.locator('[data-field="nodes.1.dueWorkingDays"] input');
    expect(await due.inputValue()).to.equal('5');
    await due.fill('4');
    await due.blur();
    await snap(page, 'settings', 'process-template');
    await page.locator('[data-action="save"]').click();
    await page.getByText('第 1 版').first().waitFor();
    const { rows } = await s.pool.query(`SELECT version, nodes->1->>'dueWorkingDays' AS due FROM process_templates WHERE code = 'hospital_admission'`);
    expect(rows[0]).to.deep.equal({ version: 2, due: '4' });
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('lets an admin add a keyword library from the list, refusing a malformed code', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'admin.lin');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/settings');
    await page.locator('[data-create="keywords.library"]').fill('Bad');
    await page.getByText('新建关键词库').click();
    expect(await page.locator('.err-text').first().textContent()).to.contain('编码只能包含小写字母');
    await page.locator('[data-create="keywords.library"]').fill('competitors');
    await page.getByText('新建关键词库').click();
    await page.locator('[data-field="name"] input').fill('竞品');
    await page.locator('[data-field="words"] textarea').fill('竞品A\n竞品B');
    await page.locator('[data-action="save"]').click();
    await page.locator('[data-source]', { hasText: '第 1 版' }).waitFor();
    const { rows } = await s.pool.query(`SELECT name, words FROM keyword_libraries WHERE code = 'competitors'`);
    expect(rows[0]).to.deep.equal({ name: '竞品', words: ['竞品A', '竞品B'] });
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
