import { expect } from 'chai';
import { runSilenceCheck } from '../../core/alerts/silence.js';
import { loadConfig } from '../../core/config.js';
import { logger } from '../../core/logger.js';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

describe('H5 warning-card landing page (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  let alertId: number;
  let cardPath: string;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    // the real detection job, three weeks from now: the demo customers have gone silent
    const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-0123456789abcdef' });
    const later = new Date(Date.now() + 21 * 86_400_000);
    await runSilenceCheck({ pool: s.pool, logger, config, now: () => later });
    const { rows: [card] } = await s.pool.query(
      `SELECT o.alert_id, o.payload FROM outbox o WHERE o.recipient = 'mgr.li' AND o.alert_id IS NOT NULL ORDER BY o.id LIMIT 1`);
    expect(card, 'the silence check sends mgr.li a card').to.exist;
    alertId = Number(card.alert_id);
    const url = new URL(card.payload.template_card?.card_action?.url ?? card.payload.card_action.url);
    cardPath = `${url.pathname}${url.search}`;
    expect(cardPath).to.match(new RegExp(`^/alerts/${alertId}\\?sig=`));
  });
  after(() => s?.close());

  it('signs the manager in from the card link, then 认领 and 标记已处理 in one tap each', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(cardPath);
    await page.waitForURL(/\/login\?redirect=/);
    await snap(page, 'alert-card', 'sign-in-first');
    await page.locator('[data-login="mgr.li"]').click();
    await page.locator('[data-alert-status="open"]').waitFor();
    expect(new URL(page.url()).pathname).to.equal(`/alerts/${alertId}`);
    await page.getByText('沉默天数').waitFor();
    await snap(page, 'alert-card', 'case-opened');

    await page.getByTestId('ack').click();
    await page.locator('[data-alert-status="acknowledged"]').waitFor();
    await page.getByTestId('resolve-note').fill('已电话联系客户，约好周四上门拜访');
    await page.getByTestId('resolve').click();
    await page.locator('[data-alert-status="resolved"]').waitFor();
    await snap(page, 'alert-card', 'resolved');
    const { rows: [a] } = await s.pool.query('SELECT status, resolution_note FROM alerts WHERE id = $1', [alertId]);
    expect(a).to.deep.equal({ status: 'resolved', resolution_note: '已电话联系客户，约好周四上门拜访' });
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('shows the director who handled the case when they open the same card later', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'director.wang');
    const page = await ctx.newPage();
    await page.goto(cardPath);
    await page.getByTestId('handled-by-other').waitFor();
    expect(await page.getByTestId('handled-by-other').textContent()).to.contain('李明');
    expect(await page.getByTestId('resolve').count()).to.equal(0);
    await snap(page, 'alert-card', 'handled-by-other');
    await ctx.close();
  });

  it('refuses a forged signature with its own screen, revealing nothing of the case', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'mgr.li');
    const page = await ctx.newPage();
    await page.goto(`/alerts/${alertId}?sig=forged-signature-0000`);
    await page.locator('[data-error-code="LINK_SIGNATURE_INVALID"]').waitFor();
    expect(await page.locator('body').textContent()).to.not.contain('沉默天数');
    await snap(page, 'alert-card', 'forged-link');
    await ctx.close();
  });

  it('renders the card in the demo outbox as WeCom shows it, with a working link', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'mgr.li');
    const page = await ctx.newPage();
    await page.goto('/outbox');
    await page.locator('[data-msgtype="template_card"]').first().waitFor();
    await snap(page, 'alert-card', 'outbox', { fullPage: false });
    await page.locator(`a[href^="/alerts/${alertId}?sig="]`).first().click();
    await page.locator('[data-alert-status]').waitFor();
    await ctx.close();
  });
});
