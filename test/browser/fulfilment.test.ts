import { expect } from 'chai';
import { runFulfilmentChecks } from '../../core/alerts/fulfilment-checks.js';
import { deps } from '../integration/jobs/jobs-helpers.js';
import { signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

describe('H5 客户投诉 and fulfilment alerts (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('lets a rep record a complaint and mark it handled; the director finds the fulfilment alerts in 预警', async () => {
    const c = await customerNamed(s.pool, '罗森静安寺店');
    const rep = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await rep.page.goto(`/customers/${c.id}`);
    const section = rep.page.getByTestId('complaints');
    await section.getByTestId('add-complaint').click();
    const sheet = rep.page.getByTestId('complaint-sheet');
    await sheet.locator('[data-severity="high"]').click();
    await sheet.locator('[data-category="wrong_item"]').click();
    await sheet.locator('[data-input="title"]').fill('薯片少发一箱');
    await snap(rep.page, 'fulfilment', 'complaint-sheet');
    await sheet.getByTestId('complaint-save').click();
    const row = section.locator('[data-complaint="薯片少发一箱"]');
    await row.waitFor();
    expect(await row.textContent()).to.contain('严重').and.contain('错发漏发').and.contain('前处理');
    await row.locator('[data-resolve="薯片少发一箱"]').click();
    await row.locator('[data-input="resolution"]').fill('已补发并致歉');
    await row.getByTestId('resolve-confirm').click();
    await row.getByText('已处理').waitFor();
    await snap(rep.page, 'fulfilment', 'complaint-handled');
    expect(rep.errors).to.deep.equal([]);
    await rep.ctx.close();

    await runFulfilmentChecks(deps(s.pool, () => new Date()));
    const boss = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'director.wang');
    await boss.page.goto('/alerts');
    await boss.page.getByText('的严重投诉超时未处理：冰红茶少发2箱，门店已断货').first().waitFor();
    await snap(boss.page, 'fulfilment', 'director-alerts');
    expect(boss.errors).to.deep.equal([]);
    await boss.ctx.close();
  });

  it('lets an admin set the complaint deadlines per severity in 设置 → 预警规则, previewed and saved as a version', async () => {
    const admin = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'admin.lin');
    await admin.page.goto('/settings');
    await admin.page.locator('[data-setting="alerts.complaint-escalation"]').click();
    const low = admin.page.locator('[data-field="slaHours.low"]');
    await low.waitFor();
    expect(await admin.page.locator('[data-field="slaHours"]').textContent()).to.contain('处理时限').and.contain('一般').and.contain('紧急').and.contain('小时');
    expect(await low.locator('input').inputValue()).to.equal('168');
    await low.locator('input').fill('48');
    await low.locator('input').blur();
    await admin.page.locator('[data-action="preview"]').click();
    await admin.page.locator('[data-preview]').waitFor();
    expect(await admin.page.locator('[data-preview]').textContent()).to.match(/以现有数据计，按现在的设置会产生 \d+ 条预警，按新设置 \d+ 条/);
    await admin.page.locator('[data-comment]').fill('一般投诉两天内处理');
    await snap(admin.page, 'fulfilment', 'complaint-sla-setting');
    await admin.page.locator('[data-action="save"]').click();
    await admin.page.locator('[data-source]', { hasText: '第 1 版' }).waitFor();
    const { rows: [rule] } = await s.pool.query(`SELECT params FROM alert_rules WHERE code = 'complaint_escalation'`);
    expect(rule.params.slaHours).to.deep.equal({ low: 48, medium: 72, high: 24, critical: 4 });
    expect(admin.errors).to.deep.equal([]);
    await admin.ctx.close();
  });
});
