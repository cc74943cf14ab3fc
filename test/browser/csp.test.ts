import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { png, voiceMemo } from '../integration/attachments/support/sample-files.js';
import { phone, signIn, snap } from './support/browser.js';
import { cameraPhoto, customerNamed, standingAt, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * Issue #23 item 3: the built app runs under the Content-Security-Policy the
 * server sends (api/middleware/security-headers.ts). Every screen of every
 * role is opened in Chromium at 390×844 and every `securitypolicyviolation`
 * event and console error is collected: there must be none. The visit page
 * previews a photo and a voice memo (blob: URLs) and the customer page draws
 * the relationship graph (ECharts), so their needs are exercised, not assumed.
 */
interface Violation { page: string; what: string }

describe('the H5 app under its Content-Security-Policy (browser, 390×844)', function () {
  this.timeout(240_000);
  let s: BrowserSuite;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  /** A signed-in phone whose every CSP violation and console error lands in `found`. */
  async function watchedPhone(userid: string, found: Violation[], geolocation?: { latitude: number; longitude: number }): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl, geolocation });
    await ctx.exposeBinding('__cspViolation', ({ page }, v: string) => { found.push({ page: new URL(page.url()).pathname, what: v }); });
    await ctx.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as any).__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
      });
    });
    await signIn(ctx, userid);
    const page = await ctx.newPage();
    page.on('console', (m) => { if (m.type() === 'error') found.push({ page: new URL(page.url()).pathname, what: `console: ${m.text()}` }); });
    page.on('pageerror', (e) => found.push({ page: new URL(page.url()).pathname, what: `pageerror: ${e.message}` }));
    return { ctx, page };
  }

  async function visit(page: Page, paths: string[]): Promise<void> {
    for (const p of paths) {
      await page.goto(p, { waitUntil: 'networkidle' });
      // the page has rendered something of its own (not the boot text)
      await page.waitForFunction(() => !document.getElementById('boot') && (document.querySelector('#app')?.textContent ?? '').trim().length > 0);
    }
  }

  it('renders every screen of a rep, with photo and voice previews, without a violation', async () => {
    const found: Violation[] = [];
    const jiahe = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const a = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: jiahe.id, assigneeId: await userId(s.pool, 'rep.zhao'), title: 'CSP 检查拜访' } });
    const { ctx, page } = await watchedPhone('rep.zhao', found, standingAt(jiahe));
    await visit(page, ['/today', '/customers', `/customers/${jiahe.id}`, '/followup', '/daily-report', '/dashboards', '/obstacles', '/outbox', '/chat', '/me']);
    await page.goto(`/actions/${a.body.id}`, { waitUntil: 'networkidle' });
    await page.getByTestId('check-in').click();
    await page.setInputFiles('input[data-photo-tag="门头照"]', await cameraPhoto('门头照.jpg'));
    await page.setInputFiles('input[data-voice-file]', { name: 'memo.m4a', mimeType: 'audio/mp4', buffer: voiceMemo('memo.m4a') });
    // a photo the browser can decode, so its preview stays on screen as a blob: image
    await page.setInputFiles('input[data-photo-tag="其他"]', { name: 'shelf.png', mimeType: 'image/png', buffer: png() });
    await page.waitForFunction(() => [...document.querySelectorAll('img[src^="blob:"]')].some((i) => (i as HTMLImageElement).naturalWidth > 0));
    await page.waitForFunction(() => document.querySelectorAll('[data-upload-state]:not([data-upload-state="uploaded"])').length === 0);
    await snap(page, 'csp', 'visit-with-previews');
    await ctx.close();
    expect(found).to.deep.equal([]);
  });

  it('renders every screen of a manager, including the relationship graph (ECharts), without a violation', async () => {
    const found: Violation[] = [];
    const jiahe = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const { ctx, page } = await watchedPhone('mgr.li', found);
    await visit(page, ['/alerts', '/team', '/todos', '/dispatch', `/customers/${jiahe.id}`, '/dashboards', '/dashboards/action_on_time']);
    await page.goto(`/customers/${jiahe.id}`, { waitUntil: 'networkidle' });
    const graph = page.locator('svg, canvas').first();
    if (await graph.count()) await snap(page, 'csp', 'customer-graph');
    await ctx.close();
    expect(found).to.deep.equal([]);
  });

  it('renders every settings screen of an admin, and the sign-in pages, without a violation', async () => {
    const found: Violation[] = [];
    const { ctx, page } = await watchedPhone('admin.lin', found);
    await visit(page, ['/settings']);
    // one setting of each editor (the generated form and every custom one), as the settings list links them
    const links = await page.locator('a[data-setting]').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname + new URL((a as HTMLAnchorElement).href).search));
    const byEditor = new Map(links.map((l) => [l.split('/')[2], l] as const));
    expect(byEditor.size).to.be.greaterThan(1);
    await visit(page, [...byEditor.values(), '/settings/history?id=heavy.fair-use', '/settings/sessions', '/outbox', '/me']);
    await ctx.close();
    const anon = await phone(s.browser, { baseURL: s.api.baseUrl });
    const p2 = await anon.newPage();
    p2.on('console', (m) => { if (m.type() === 'error') found.push({ page: p2.url(), what: `console: ${m.text()}` }); });
    await p2.goto('/login', { waitUntil: 'networkidle' });
    await p2.goto('/no/such/page', { waitUntil: 'networkidle' });
    await anon.close();
    expect(found).to.deep.equal([]);
  });

  it('reports a violation when the page does break the policy (the watch itself works)', async () => {
    const found: Violation[] = [];
    const { ctx, page } = await watchedPhone('rep.zhao', found);
    await page.goto('/me', { waitUntil: 'networkidle' });
    await page.evaluate(() => { const sc = document.createElement('script'); sc.textContent = 'window.x = 1'; document.body.appendChild(sc); });
    await page.waitForTimeout(200);
    await ctx.close();
    expect(found.map((f) => f.what).join('\n')).to.match(/script-src/);
  });
});
