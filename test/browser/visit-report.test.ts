import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { voiceMemo } from '../integration/attachments/support/sample-files.js';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { cameraPhoto, customerNamed, daysAheadLocal, pickDateTime, standingAt, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

describe('H5 visit report (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  let zhao: number;
  let jiahe: { id: number; lat: number; lng: number };

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    zhao = await userId(s.pool, 'rep.zhao');
    jiahe = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
  });
  after(() => s?.close());

  async function dispatchVisit(title: string): Promise<number> {
    const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: jiahe.id, assigneeId: zhao, title } });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.id;
  }

  async function repPhone(): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl, geolocation: standingAt(jiahe) });
    await signIn(ctx, 'rep.zhao');
    const page = await ctx.newPage();
    return { ctx, page, errors: watchErrors(page) };
  }

  /** Everything a visit needs, with photos for `photoTags` only. */
  async function fillReport(page: Page, suite: string, photoTags: string[]): Promise<void> {
    await page.getByTestId('check-in').click();
    await page.getByTestId('distance').waitFor();
    expect(await page.getByTestId('distance').textContent()).to.match(/距客户登记地址约 \d+ 米/);
    for (const tag of photoTags) await page.setInputFiles(`input[data-photo-tag="${tag}"]`, await cameraPhoto(`${tag}.jpg`));
    await page.setInputFiles('input[data-voice-file]', { name: 'memo.m4a', mimeType: 'audio/mp4', buffer: voiceMemo('memo.m4a') });
    await page.getByTestId('transcript').fill('采购经理罗芳说我们价格偏高，账期太长，回款慢；下周带新报价再来。');
    // met 罗芳 (采购经理): the role is suggested from her contact record
    await page.locator('[data-field="decisionRole"] label', { hasText: '罗芳' }).locator('input').check();
    expect(await page.locator('[data-input="decisionRole"]').inputValue()).to.not.equal('');
    await pickDateTime(page, '[data-input="nextContactAt"]', daysAheadLocal(7));
    await page.waitForFunction(() => document.querySelectorAll('[data-upload-state]:not([data-upload-state="uploaded"])').length === 0);
    await snap(page, suite, 'filled');
  }

  it('shows exactly the missing 合影 next to the photos, then files the report once it is added', async () => {
    const id = await dispatchVisit('拜访嘉禾：新品陈列');
    const { ctx, page, errors } = await repPhone();
    await page.goto('/today');
    await page.locator(`[data-action-id="${id}"]`).waitFor();
    await snap(page, 'visit', 'today');
    await page.locator(`[data-action-id="${id}"]`).click();
    await page.getByTestId('check-in').waitFor();
    await fillReport(page, 'visit', ['门头照', '陈列照']);

    await page.getByTestId('submit').click();
    await page.locator('[data-submit-state="rejected"]').waitFor();
    const shown = await page.locator('.failure:not(.warning)').evaluateAll((els) => els.map((e) => ({
      code: e.getAttribute('data-failure-code'), target: e.getAttribute('data-failure-target'),
      inRow: e.closest('[data-photo-row]')?.getAttribute('data-photo-row') ?? null, text: e.textContent,
    })));
    await snap(page, 'visit', 'rejected-missing-heying');
    expect(shown).to.have.length(1);
    expect(shown[0]).to.include({ code: 'ATTACHMENT_TAG_MISSING', target: 'attachments:合影', inRow: '合影' });
    expect(shown[0].text).to.contain('合影');

    await page.setInputFiles('input[data-photo-tag="合影"]', await cameraPhoto('合影.jpg'));
    await page.waitForFunction(() => document.querySelectorAll('[data-upload-state]:not([data-upload-state="uploaded"])').length === 0);
    await page.getByTestId('submit').click();
    await page.locator('[data-submit-state="accepted"]').waitFor();
    await snap(page, 'visit', 'accepted');
    // the filed report names its answers in Chinese: the contact reference kept beside 决策链角色 is no row of its own
    await page.locator('[data-report-field]').first().waitFor();
    expect(await page.locator('[data-report-field] dt').allTextContents()).to.deep.equal(['决策链角色', '下次接触时间']);

    const rows = (await s.pool.query('SELECT outcome FROM submissions WHERE action_id = $1 ORDER BY id', [id])).rows.map((r) => r.outcome);
    expect(rows).to.deep.equal(['rejected', 'accepted']);
    expect((await s.pool.query('SELECT status FROM actions WHERE id = $1', [id])).rows[0].status).to.equal('submitted');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('queues a submit whose answer was lost and files it exactly once with the same Idempotency-Key', async () => {
    const id = await dispatchVisit('拜访嘉禾：补货沟通');
    const { ctx, page, errors } = await repPhone();
    await page.goto(`/actions/${id}`);
    await page.getByTestId('check-in').waitFor();
    await fillReport(page, 'network-drop', ['门头照', '合影']);

    // the first POST reaches the server, but its answer is lost on the way back (a dropped 4G link)
    const keys: string[] = [];
    let dropped = false;
    await page.route(`**/api/actions/${id}/visit-report`, async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (dropped) return route.continue();
      dropped = true;
      await route.fetch();
      await route.abort('internetdisconnected');
    });
    await page.getByTestId('submit').click();
    await page.locator('[data-submit-state="queued"]').waitFor();
    await snap(page, 'network-drop', 'queued');
    await page.locator('[data-submit-state="accepted"]').waitFor({ timeout: 30_000 });
    await snap(page, 'network-drop', 'accepted-after-retry');

    expect(keys.length).to.be.at.least(2);
    expect(new Set(keys).size, 'every retry sends the same key').to.equal(1);
    const subs = await s.pool.query('SELECT outcome FROM submissions WHERE action_id = $1', [id]);
    expect(subs.rows.map((r) => r.outcome)).to.deep.equal(['accepted']);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('keeps a submit made offline in the queue (排队中) and sends it when the phone is back online', async () => {
    const id = await dispatchVisit('拜访嘉禾：离线提交');
    const { ctx, page } = await repPhone();
    await page.goto(`/actions/${id}`);
    await page.getByTestId('check-in').waitFor();
    await fillReport(page, 'offline', ['门头照', '合影']);
    await ctx.setOffline(true);
    await page.getByTestId('submit').click();
    await page.locator('[data-submit-state="queued"]').waitFor();
    await page.getByText('网络已断开').waitFor();
    await snap(page, 'offline', 'queued-offline');
    expect((await s.pool.query('SELECT count(*)::int AS n FROM submissions WHERE action_id = $1', [id])).rows[0].n).to.equal(0);
    await ctx.setOffline(false);
    await page.locator('[data-submit-state="accepted"]').waitFor({ timeout: 30_000 });
    await snap(page, 'offline', 'sent-when-online');
    expect((await s.pool.query('SELECT count(*)::int AS n FROM submissions WHERE action_id = $1', [id])).rows[0].n).to.equal(1);
    await ctx.close();
  });
});
