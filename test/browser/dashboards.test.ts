import { expect } from 'chai';
import type { APIRequestContext, Page } from 'playwright-core';
import { signedInPhone, snap } from './support/browser.js';
import { startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * 过程看板 on the demo organisation, as the director (全公司) and as mgr.li
 * (华东区): the overview shows each figure as the API computes it, with its
 * status colour and its one-line definition; a figure opens its metric page,
 * which breaks down by 业务员 and 区域, drills to the records behind a row and
 * links the CSV/XLSX exports with the same filters. Expected values come from
 * the API in the same session, so the test checks the page, not the maths.
 */
describe('H5 dashboards (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  const MONTH = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 7);
  const PILL_TONE: Record<string, string> = { green: 'green', amber: 'orange', red: 'red' };

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  const as = (userid: string) => signedInPhone(s.browser, { baseURL: s.api.baseUrl }, userid);
  async function json(req: APIRequestContext, url: string): Promise<any> {
    const r = await req.get(url);
    expect(r.status(), `${url}: ${await r.text()}`).to.equal(200);
    return r.json();
  }

  /** Every figure as the overview shows it: value, pill (text and colour class), definition. */
  async function checkOverview(page: Page, req: APIRequestContext, scopeLabel: string): Promise<any> {
    const expected = await json(req, `/api/dashboards?month=${MONTH}`);
    expect(expected.scope.label).to.equal(scopeLabel);
    await page.locator('[data-metric]').first().waitFor();
    expect(await page.locator('.page').first().textContent()).to.contain(`范围：${scopeLabel}`).and.to.contain(expected.period.label);
    expect(await page.locator('[data-metric]').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric'))))
      .to.deep.equal(expected.items.map((f: any) => f.metric));
    for (const f of expected.items) {
      const card = page.locator(`[data-metric="${f.metric}"]`);
      expect(await card.locator('.big').textContent(), f.metric).to.equal(f.display);
      const def = card.locator('.def');
      expect(await def.isVisible(), `${f.metric} definition visible`).to.equal(true);
      expect(await def.textContent()).to.equal(f.definition);
      const pill = card.locator('.pill');
      if (f.status) {
        expect(await pill.textContent()).to.equal(f.statusLabel);
        expect(await pill.getAttribute('class'), `${f.metric} is ${f.status}`).to.contain(PILL_TONE[f.status]);
      } else if (await pill.count()) {
        expect(await pill.getAttribute('class')).to.not.match(/\b(green|orange|red)\b/);
      }
      if (f.target && f.group === 'water_level') expect(await card.textContent()).to.contain(f.target);
    }
    // the demo data colours at least one figure (客户资料完整度 is 关注)
    expect(expected.items.some((f: any) => f.status)).to.equal(true);
    return expected;
  }

  /** The breakdown rows the page lists, with the colour of each bar. */
  const shownRows = (page: Page) => page.locator('[data-row]').evaluateAll((els) => els.map((e) => ({
    key: e.getAttribute('data-row'), label: e.querySelector('.grow')?.textContent, display: e.querySelector('b')?.textContent,
    bar: (e.querySelector('.progress > i') as HTMLElement | null)?.style.background ?? '',
  })));
  /** Each record card as { 列名: 值 }. */
  const shownRecords = (page: Page) => page.locator('.record').evaluateAll((els) => els.map((e) =>
    Object.fromEntries([...e.querySelectorAll('.kv')].map((kv) => [kv.querySelector('dt')?.textContent, kv.querySelector('dd')?.textContent]))));

  async function openTab(page: Page, label: string, groupBy: string, metric: string, req: APIRequestContext): Promise<any[]> {
    await page.locator('.tab-btn', { hasText: label }).click();
    await page.waitForURL(new RegExp(`groupBy=${groupBy}`));
    const expected = await json(req, `/api/dashboards/${metric}?month=${MONTH}&groupBy=${groupBy}`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-row]').length === n, expected.rows.length);
    const rows = await shownRows(page);
    expect(rows.map((r) => [r.key, r.label, r.display])).to.deep.equal(expected.rows.map((r: any) => [r.key, r.label, r.display]));
    for (const [i, r] of expected.rows.entries()) {
      if (r.status === 'red') expect(rows[i].bar, `${r.label} is red`).to.contain('--af-red');
      else if (r.status === 'amber') expect(rows[i].bar, `${r.label} is amber`).to.contain('--af-orange');
      else expect(rows[i].bar).to.equal('');
    }
    return expected.rows;
  }

  /** Taps a breakdown row: the page narrows to it, lists its records and links exports with the same filter. */
  async function drill(page: Page, req: APIRequestContext, metric: string, row: any, column: string): Promise<void> {
    await page.locator(`[data-row="${row.key}"]`).click();
    const [param, value] = Object.entries(row.drill as Record<string, string>)[0];
    await page.waitForURL((u) => u.searchParams.get(param) === value && !u.searchParams.has('groupBy'));
    const expected = await json(req, `/api/dashboards/${metric}/records?month=${MONTH}&${param}=${value}&limit=50`);
    expect(expected.total).to.be.greaterThan(0);
    await page.getByText(`${expected.recordNoun}明细（${expected.total}）`).waitFor();
    const records = await shownRecords(page);
    expect(records).to.have.length(Math.min(expected.total, 50));
    expect(records.map((r) => r[column]), `every record is ${row.label}'s`).to.satisfy((xs: string[]) => xs.every((x) => row.label.startsWith(x)));
    expect(records.map((r) => r[expected.columns[1].label])).to.deep.equal(expected.items.map((i: any) => String(i[expected.columns[1].key])));

    for (const fmt of ['xlsx', 'csv'] as const) {
      const href = await page.locator(`[data-export="${fmt}"]`).getAttribute('href');
      const u = new URL(href!, s.api.baseUrl);
      expect(u.pathname).to.equal(`/api/dashboards/${metric}/records.${fmt}`);
      expect(Object.fromEntries(u.searchParams)).to.deep.equal({ month: MONTH, [param]: value });
    }
    const csv = await req.get((await page.locator('[data-export="csv"]').getAttribute('href'))!);
    expect(csv.status()).to.equal(200);
    expect(csv.headers()['content-type']).to.contain('text/csv');
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).to.contain(expected.columns[1].label);
    expect(lines).to.have.length(expected.total + 1);
    const xlsx = await req.get((await page.locator('[data-export="xlsx"]').getAttribute('href'))!);
    expect(xlsx.status()).to.equal(200);
    expect(xlsx.headers()['content-type']).to.contain('spreadsheetml');
  }

  const clearFilter = async (page: Page, label: string, param: string) => {
    await page.locator('.chip', { hasText: label }).click();
    await page.waitForURL((u) => !u.searchParams.has(param));
  };

  it('shows the director the whole company, and drills 客户资料完整度 by rep and by region down to the records', async () => {
    const { ctx, page, errors } = await as('director.wang');
    await page.goto('/me');
    await page.getByTestId('dashboards-link').click();
    await page.waitForURL(/\/dashboards/);
    await checkOverview(page, ctx.request, '全公司');
    await snap(page, 'dashboards', 'director-overview');

    await page.locator('[data-metric="profile_completeness"]').click();
    await page.waitForURL(new RegExp(`/dashboards/profile_completeness\\?month=${MONTH}$`));
    const metric = await json(ctx.request, `/api/dashboards/profile_completeness?month=${MONTH}`);
    await page.getByText(metric.definition, { exact: false }).first().waitFor();
    const head = await page.locator('section.card').first().textContent();
    expect(head).to.contain(metric.name).and.to.contain(metric.display).and.to.contain(metric.statusLabel);

    const byRep = await openTab(page, '按业务员', 'owner', 'profile_completeness', ctx.request);
    expect(byRep.map((r) => r.label)).to.include.members(['赵磊', '钱芳', '孙浩', '周婷', '吴强', '郑丽']);
    await snap(page, 'dashboards', 'director-by-rep');
    const wu = byRep.find((r) => r.label === '吴强');
    expect(wu.drill).to.deep.equal({ ownerId: String(await userId(s.pool, 'rep.wu')) });
    await drill(page, ctx.request, 'profile_completeness', wu, '负责人');
    await snap(page, 'dashboards', 'director-drilled-wu');
    await clearFilter(page, '业务员', 'ownerId');

    const byRegion = await openTab(page, '按区域', 'department', 'profile_completeness', ctx.request);
    expect(byRegion.map((r) => r.label)).to.deep.equal(['华东区', '华北区']);
    await drill(page, ctx.request, 'profile_completeness', byRegion[1], '归属部门');
    await snap(page, 'dashboards', 'director-drilled-north');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('shows mgr.li only 华东区, with the same figures the API gives them', async () => {
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto('/dashboards');
    const overview = await checkOverview(page, ctx.request, '华东区及下属部门');
    const pc = overview.items.find((f: any) => f.metric === 'profile_completeness');
    expect(pc.status).to.not.equal(null);
    await snap(page, 'dashboards', 'manager-overview');

    await page.locator('[data-metric="profile_completeness"]').click();
    await page.waitForURL(/\/dashboards\/profile_completeness/);
    const byRep = await openTab(page, '按业务员', 'owner', 'profile_completeness', ctx.request);
    expect(byRep.map((r) => r.label)).to.have.members(['赵磊', '钱芳', '孙浩']);
    await drill(page, ctx.request, 'profile_completeness', byRep.find((r) => r.label === '赵磊'), '负责人');
    await snap(page, 'dashboards', 'manager-drilled-zhao');
    await clearFilter(page, '业务员', 'ownerId');

    const byRegion = await openTab(page, '按区域', 'department', 'profile_completeness', ctx.request);
    expect(byRegion.map((r) => r.label)).to.deep.equal(['华东区（本级）']);
    await drill(page, ctx.request, 'profile_completeness', byRegion[0], '归属部门');

    // back twice: the page follows the URL (the drill, then the breakdown)
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get('groupBy') === 'department');
    await page.locator('[data-row]').first().waitFor();
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
