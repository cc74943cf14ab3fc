import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { signedInPhone, snap } from './support/browser.js';
import { cameraPhoto, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * Deals in the app: a rep's pipeline by stage, one deal's checklist ticked
 * (who, when, evidence), moved forward, skipped past 法务审核 with a reason,
 * moved back; a manager reads the team's pipeline filtered by rep.
 */
describe('deals: pipeline and one opportunity (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  let xiehe: number;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    xiehe = (await s.pool.query(`SELECT id FROM opportunities WHERE name = '协和耗材编码备案'`)).rows[0].id;
  });
  after(() => s?.close());

  const position = (page: Page) => page.locator('[data-deal]').getAttribute('data-position');
  const tick = async (page: Page, key: string) => {
    await page.locator(`[data-item="${key}"] input[type="checkbox"]`).check();
    await page.locator(`[data-tick="${key}"]`).waitFor();
  };

  it('shows the rep\'s pipeline by stage, ticks with evidence, advances, skips with a reason and moves back', async () => {
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhou');
    await page.goto('/today');
    await page.locator('.tabbar .tab', { hasText: '商机' }).click();
    await page.locator(`[data-stage="negotiation"] [data-deal-id="${xiehe}"]`).waitFor();
    const zhouDeals = (await s.pool.query(`SELECT count(*)::int AS n FROM opportunities o JOIN users u ON u.id = o.owner_id WHERE u.wecom_userid = 'rep.zhou' AND o.status = 'open'`)).rows[0].n;
    expect(await page.locator('[data-deal-id]').count()).to.equal(zhouDeals);
    await snap(page, 'deals', 'pipeline');

    await page.locator(`[data-deal-id="${xiehe}"]`).click();
    await page.locator('[data-deal]').waitFor();
    expect(await position(page)).to.equal('negotiation/tech_confirm');
    await tick(page, 'spec_confirmed');
    expect(await page.locator('[data-tick="spec_confirmed"]').textContent()).to.contain('周婷').and.contain('勾选');
    // evidence: a photo uploaded and carried by the tick
    await page.setInputFiles('input[data-evidence="demo_done"]', await cameraPhoto('演示现场.jpg'));
    await page.locator('[data-tick="demo_done"] [data-evidence-link]').waitFor();
    const { rows: [t] } = await s.pool.query(
      `SELECT t.done, a.kind, u.wecom_userid FROM opportunity_ticks t JOIN attachments a ON a.id = t.attachment_id JOIN users u ON u.id = t.by_user_id
        WHERE t.opportunity_id = $1 AND t.item_key = 'demo_done'`, [xiehe]);
    expect(t).to.deep.equal({ done: true, kind: 'photo', wecom_userid: 'rep.zhou' });

    // advancing with a required item open is refused, and says which
    await page.getByTestId('advance').click();
    await page.getByTestId('deal-error').waitFor();
    expect(await page.getByTestId('deal-error').textContent()).to.contain('客户技术负责人书面确认');
    await tick(page, 'tech_signoff');
    await page.getByTestId('advance').click();
    await page.waitForFunction(() => document.querySelector('[data-deal]')?.getAttribute('data-position') === 'negotiation/commercial_terms');
    await snap(page, 'deals', 'commercial-terms');

    for (const key of ['price_agreed', 'payment_terms', 'delivery_terms']) await tick(page, key);
    await page.getByTestId('open-skip').click();
    await page.locator('[data-target="合同签约"]').check();
    expect(await page.getByTestId('confirm-move').isDisabled(), 'skipping 法务审核 needs a reason').to.equal(true);
    await page.getByTestId('skip-reason').fill('客户用我们的标准合同，不走法务');
    await snap(page, 'deals', 'skip-sheet', { fullPage: false });
    await page.getByTestId('confirm-move').click();
    await page.waitForFunction(() => document.querySelector('[data-deal]')?.getAttribute('data-position') === 'contract/');
    await page.locator('[data-move]').first().filter({ hasText: '跳过' }).waitFor();
    expect(await page.locator('[data-move]').first().textContent()).to.contain('法务审核').and.contain('客户用我们的标准合同');

    await page.getByTestId('open-back').click();
    await page.locator('[data-target="商务谈判·商务条款磋商"]').check();
    await page.getByTestId('confirm-move').click();
    await page.waitForFunction(() => document.querySelector('[data-deal]')?.getAttribute('data-position') === 'negotiation/commercial_terms');
    const kinds = (await s.pool.query(`SELECT kind FROM stage_moves WHERE opportunity_id = $1 ORDER BY id`, [xiehe])).rows.map((r) => r.kind);
    expect(kinds.slice(-3)).to.deep.equal(['advance', 'skip', 'back']);
    await snap(page, 'deals', 'history');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('gives a manager the team\'s pipeline, filtered by rep', async () => {
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.chen');
    await page.goto('/deals');
    await page.locator('[data-deal-id]').first().waitFor();
    const team = await page.locator('[data-deal-id]').count();
    const wu = (await s.pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.wu'`)).rows[0].id;
    await page.getByTestId('deals-owner').selectOption(String(wu));
    await page.waitForFunction((n) => document.querySelectorAll('[data-deal-id]').length < n, team);
    const shown = await page.locator('[data-deal-id]').count();
    const wuDeals = (await s.pool.query(`SELECT count(*)::int AS n FROM opportunities WHERE owner_id = $1 AND status = 'open'`, [wu])).rows[0].n;
    expect(shown).to.equal(wuDeals);
    await snap(page, 'deals', 'manager-filtered');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
