import { expect } from 'chai';
import type { APIRequestContext } from 'playwright-core';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * 过程看板 overview, 过程健康度: every figure with a health line shows it (the
 * API's `items[].target`, e.g. '健康 ≥ 80%；低于 60%预警') next to its count, so
 * a coloured pill (预警 at 100%, say) is explained on the card; a figure without
 * thresholds (阶段停留时长) shows none. Expected values come from the API in
 * the same session.
 */
describe('H5 dashboards: health cards show their target line (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  const MONTH = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 7);

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  async function overview(req: APIRequestContext): Promise<any> {
    const r = await req.get(`/api/dashboards?month=${MONTH}`);
    expect(r.status(), await r.text()).to.equal(200);
    return r.json();
  }

  for (const who of ['director.wang', 'mgr.li']) {
    it(`shows ${who} the health line of every 过程健康度 figure that has one`, async () => {
      const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
      await signIn(ctx, who);
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.goto('/dashboards');
      await page.locator('[data-metric]').first().waitFor();
      const expected = await overview(ctx.request);
      const health = expected.items.filter((f: any) => f.group === 'health');
      expect(health.filter((f: any) => f.target), 'the API gives health lines').to.have.length.greaterThan(0);

      for (const f of health) {
        const card = page.locator(`[data-metric="${f.metric}"]`);
        const line = card.locator('[data-target]');
        if (!f.target) {
          expect(await line.count(), `${f.metric} has no thresholds`).to.equal(0);
          continue;
        }
        expect(await line.isVisible(), `${f.metric} target visible`).to.equal(true);
        const counts = f.unit === 'percent' && f.denominator !== null ? ` · ${f.numerator} / ${f.denominator}` : '';
        expect(await line.textContent(), f.metric).to.equal(`${f.target}${counts}`);
        // the colour and the line it was judged against sit on the same card
        if (f.status) expect(await card.locator('.pill').textContent()).to.equal(f.statusLabel);
      }
      await snap(page, 'dashboard-health-targets', `${who}-overview`);
      expect(errors).to.deep.equal([]);
      await ctx.close();
    });
  }
});
