import { expect } from 'chai';
import type { APIRequestContext, Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { startTestApi, type TestApi } from '../support/api-harness.js';
import { generateDemo } from '../integration/seed/seed-helpers.js';
import { buildH5IfStale, launch, signedInPhone, snap } from './support/browser.js';

/**
 * 结果归因 on the demo organisation at 390×844: the director opens it from 过程看板, reads each action's win rate
 * with and without it (the numbers and intervals the API computed in the same session), switches to a stage,
 * compares a rep with the top quartile, drills down to a department and exports; a manager sees his team only;
 * a rep has no way in.
 */
describe('H5 attribution report (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: { api: TestApi; browser: Browser };
  before(async function () {
    this.timeout(600_000);
    buildH5IfStale();
    // the demo as `npm start` makes it: the organisation and its generated history up to now
    const demo = await generateDemo(new Date());
    s = { api: await startTestApi({ pool: demo.pool }), browser: await launch() };
  });
  after(async () => { await s?.browser.close(); await s?.api.close(); });

  const as = (userid: string) => signedInPhone(s.browser, { baseURL: s.api.baseUrl }, userid);
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  async function report(req: APIRequestContext, page: Page): Promise<any> {
    const q = new URL(page.url()).searchParams;
    const days = Number(q.get('days') ?? 365);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const shift = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const params = new URLSearchParams({ from: shift(1 - days), to: shift(1) });
    for (const k of ['ownerId', 'departmentId', 'productLineId']) if (q.get(k)) params.set(k, q.get(k)!);
    const r = await req.get(`/api/attribution?${params}`);
    expect(r.status()).to.equal(200);
    return r.json();
  }
  /** Each action card as the page shows it: kind, and the with/without rate texts. */
  const cards = (page: Page) => page.locator('[data-kind]').evaluateAll((els) => els.map((e) => ({
    kind: e.getAttribute('data-kind'),
    with: e.querySelector('[data-side="with"] .val')?.textContent?.trim(),
    without: e.querySelector('[data-side="without"] .val')?.textContent?.trim(),
    sides: [...e.querySelectorAll('[data-side] .side')].map((x) => x.textContent?.trim()),
  })));
  const shown = (w: any) => (w ? `${pct(w.rate)}${Math.round(w.low * 100)}–${Math.round(w.high * 100)}%` : '—');

  it('lets the director read what wins, per stage and per rep, drill down and export, in Chinese', async () => {
    const { ctx, page, errors } = await as('director.wang');
    await page.goto('/dashboards');
    await page.locator('[data-testid="attribution-link"]').click();
    await page.waitForURL(/\/attribution/);
    await page.locator('[data-kind]').first().waitFor();
    const all = await report(ctx.request, page);
    expect(all.totals.won).to.be.at.least(25);
    expect(all.totals.lost).to.be.at.least(25);
    expect(await page.locator('[data-totals]').textContent()).to.contain(String(all.totals.deals)).and.contain(pct(all.totals.winRate.rate));
    expect(await cards(page)).to.deep.equal(all.actions.map((r: any) => ({
      kind: r.kind, with: shown(r.with.winRate), without: shown(r.without.winRate), sides: [`有 · ${r.with.deals}单`, `无 · ${r.without.deals}单`],
    })));
    const dm = page.locator('[data-kind="decision_maker.met"]');
    expect(await dm.locator('.pill').textContent()).to.equal('差异显著 · 有利');
    expect(await dm.locator('[data-diff]').textContent()).to.match(/^赢率差 \+\d+ 个百分点（95% 区间 \+\d+ 至 \+\d+）$/);
    await page.locator('[data-method] summary').click();
    expect(await page.locator('[data-method]').textContent()).to.contain('Wilson 得分区间（95%）').and.contain('Newcombe');
    await snap(page, 'attribution', 'director-overview');

    // a stage: only the deals that reached it, each action where it happened
    const stage = all.byStage[0].stage;
    await page.locator(`[data-stage="${stage}"]`).click();
    const inStage = all.byStage.filter((r: any) => r.stage === stage);
    await page.waitForFunction((n) => document.querySelectorAll('[data-kind]').length === n, inStage.length);
    expect((await cards(page)).map((c) => c.with)).to.deep.equal(inStage.map((r: any) => shown(r.with.winRate)));

    // a rep against the top quartile
    const other = all.reps.items.find((r: any) => !r.inTopQuartile);
    await page.locator(`[data-rep="${other.id}"]`).click();
    const visit = all.kinds.find((k: any) => k.kind === 'action:visit');
    const perDeal = (m: any[]) => m.find((x) => x.kind === 'action:visit').perDeal.toFixed(1);
    expect(await page.locator(`[data-mix="action:visit"]`).textContent()).to.contain(visit.label)
      .and.contain(`每单 ${perDeal(other.mix)} / 前25% ${perDeal(all.reps.topQuartile.mix)}`);
    await page.locator('[data-reps]').scrollIntoViewIfNeeded();
    await snap(page, 'attribution', 'director-rep-mix');

    // drill down to a department, then clear it
    const dept = all.groups.department[0];
    await page.locator(`[data-drill="department:${dept.id}"]`).click();
    await page.waitForURL(new RegExp(`departmentId=${dept.id}`));
    await page.waitForFunction((t) => document.querySelector('[data-totals]')?.textContent?.includes(t), `${dept.deals}已结商机`);
    const drilled = await report(ctx.request, page);
    expect(drilled.totals.deals).to.equal(dept.deals);
    expect(await page.locator('[data-clear="departmentId"]').textContent()).to.equal(`部门：${dept.name} ✕`);

    // the exports carry the same filters
    const href = await page.locator('[data-export="xlsx"]').getAttribute('href');
    expect(href).to.contain(`departmentId=${dept.id}`);
    const xlsx = await ctx.request.get(href!);
    expect(xlsx.status()).to.equal(200);
    expect(xlsx.headers()['content-type']).to.contain('spreadsheetml');
    const csv = await ctx.request.get((await page.locator('[data-export="csv"]').getAttribute('href'))!);
    expect((await csv.text()).replace(/^\uFEFF/, '').split('\r\n')[0]).to.match(/^动作,阶段,商机数/);
    await page.locator('[data-clear="departmentId"]').click();
    await page.waitForURL((u) => !u.search.includes('departmentId'));
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('shows a manager his team only, and gives a rep no way in', async () => {
    const mgr = await as('mgr.li');
    await mgr.page.goto('/me');
    await mgr.page.locator('[data-testid="me-attribution"]').click();
    await mgr.page.locator('[data-kind]').first().waitFor();
    expect(await mgr.page.locator('.page').first().textContent()).to.contain('范围：华东区及下属部门');
    const team = await report(mgr.ctx.request, mgr.page);
    expect(await mgr.page.locator('[data-totals]').textContent()).to.contain(`${team.totals.deals}已结商机`);
    expect(await mgr.page.locator('[data-rep]').count()).to.equal(team.reps.items.length);
    await snap(mgr.page, 'attribution', 'manager');
    expect(mgr.errors).to.deep.equal([]);
    await mgr.ctx.close();

    const rep = await as('rep.zhao');
    await rep.page.goto('/dashboards');
    await rep.page.locator('[data-metric]').first().waitFor();
    expect(await rep.page.locator('[data-testid="attribution-link"]').count()).to.equal(0);
    await rep.page.goto('/me');
    expect(await rep.page.locator('[data-testid="me-attribution"]').count()).to.equal(0);
    expect((await rep.ctx.request.get('/api/attribution')).status()).to.equal(403);
    await rep.ctx.close();
  });

  it('shows directors and admins the win model beside the static baseline, with its calibration drawn', async () => {
    const { ctx, page, errors } = await as('director.wang');
    await page.goto('/attribution');
    await page.locator('[data-testid="model-link"]').click();
    await page.waitForURL(/\/scoring-model/);
    await page.locator('[data-backtest]').waitFor();
    const r = await (await ctx.request.get('/api/scoring/model')).json();
    expect(r.status).to.equal('learned');
    const b = r.model.backtest;
    expect(await page.locator('[data-metric="auc"]').textContent()).to.equal(`AUC${b.learned.auc.toFixed(2)}${b.baseline.auc.toFixed(2)}`);
    expect(await page.locator('[data-metric="brier"]').textContent()).to.equal(`Brier${b.learned.brier.toFixed(3)}${b.baseline.brier.toFixed(3)}`);
    expect(await page.locator('[data-model-status]').textContent()).to.contain(`用 ${r.model.won} 个赢单、${r.model.lost} 个输单训练`);
    expect(await page.locator('[data-backtest]').textContent()).to.contain(`${b.trainCount} 个商机训练`).and.contain(b.splitAtText);
    expect(await page.locator('[data-bin]').count()).to.equal(b.learned.calibration.length);
    expect(await page.locator('[data-calibration-chart] canvas').count()).to.equal(1);
    expect(await page.locator('[data-weight]').count()).to.equal(r.model.weights.length);
    await snap(page, 'attribution', 'model-report');
    // training again makes a newer model the page then shows
    await page.locator('[data-train]').click();
    await page.waitForFunction((id) => fetch('/api/scoring/model').then((x) => x.json()).then((x) => x.model.id > id), r.model.id);
    await page.locator('[data-train]:not([disabled])').waitFor();
    expect(errors).to.deep.equal([]);
    await ctx.close();

    const admin = await as('admin.lin');
    await admin.page.goto('/me');
    await admin.page.locator('[data-testid="me-scoring-model"]').click();
    await admin.page.locator('[data-backtest]').waitFor();
    await admin.ctx.close();
    const mgr = await as('mgr.li');
    await mgr.page.goto('/me');
    await mgr.page.locator('[data-testid="me-attribution"]').waitFor();
    expect(await mgr.page.locator('[data-testid="me-scoring-model"]').count()).to.equal(0);
    await mgr.ctx.close();
  });
});
