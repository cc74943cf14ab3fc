import { expect } from 'chai';
import { aValidVisitReport } from '../integration/actions/actions-helpers.js';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { customerNamed, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

describe('H5 settings: rule change with dry-run (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    // a report accepted under the 3 km fence, checked in ~1.6 km from the registered address
    const zhao = await userId(s.pool, 'rep.zhao');
    const c = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const d = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: c.id, assigneeId: zhao } });
    const body = await aValidVisitReport(s.pool, { repId: zhao, customerId: c.id, lat: c.lat + 1.6 / 111.2, lng: c.lng, at: new Date() });
    const r = await s.api.call('POST', `/api/actions/${d.body.id}/visit-report`, { as: 'rep.zhao', body });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
  });
  after(() => s?.close());

  it('narrows the geofence from 3 km to 1 km, sees the report it would have rejected, then saves', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'admin.lin');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto('/settings');
    await page.locator('[data-setting="flow.action-definition:visit"]').click();
    const km = page.locator('[data-rule-kind="geofence.within_km"] [data-param="km"]');
    await km.waitFor();
    expect(await km.inputValue()).to.equal('3');
    await snap(page, 'settings', 'visit-rules');

    await km.fill('1');
    expect(await page.locator('[data-action="save"]').isDisabled(), 'a rule change must be dry-run first').to.equal(true);
    await page.getByTestId('dry-run').click();
    await page.getByTestId('dry-run-result').waitFor();
    expect(await page.getByTestId('would-reject').textContent()).to.equal('1');
    const reason = await page.locator('[data-dry-item="newly_rejected"] .failure').first().textContent();
    expect(reason).to.match(/约 1\.6 公里，超出 1 公里范围/);
    await page.getByTestId('dry-run-result').scrollIntoViewIfNeeded();
    await snap(page, 'settings', 'dry-run-1km');

    await page.locator('[data-action="save"]').click();
    await page.locator('[data-version]', { hasText: '第 1 版' }).waitFor();
    const { rows } = await s.pool.query(`SELECT version, rules FROM action_definitions WHERE code = 'visit' AND active`);
    expect(rows[0].version).to.equal(2);
    expect(rows[0].rules.find((x: any) => x.kind === 'geofence.within_km').km).to.equal(1);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
