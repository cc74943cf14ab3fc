import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { voiceMemo } from '../integration/attachments/support/sample-files.js';
import { signedInPhone, snap } from './support/browser.js';
import { cameraPhoto, customerNamed, daysAheadLocal, pickDateTime, standingAt, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * A rep's filed work stays in reach: 今日 has 已提交 / 已核验 / 被退回 beside
 * it, searchable and filtered; every action opens read-only with everything
 * filed (check-in, photos, voice with a player, transcript, fields, orders)
 * and the review trail; a returned report is corrected and filed again from
 * its page, and the rep hears about each decision through WeCom.
 */
describe('rep history: filed, verified and returned reports (browser, 390×844)', function () {
  this.timeout(180_000);
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

  const rep = () => signedInPhone(s.browser, { baseURL: s.api.baseUrl, geolocation: standingAt(jiahe) }, 'rep.zhao');
  const uploaded = (page: Page) =>
    page.waitForFunction(() => document.querySelectorAll('[data-upload-state]:not([data-upload-state="uploaded"])').length === 0);
  const status = async (id: number) => (await s.pool.query('SELECT status FROM actions WHERE id = $1', [id])).rows[0].status;
  const outboxTo = async (recipient: string, actionId: number) => (await s.pool.query(
    `SELECT payload FROM outbox WHERE recipient = $1 AND payload::text LIKE $2 ORDER BY id`, [recipient, `%/actions/${actionId}%`])).rows;

  async function fileFromPhone(page: Page, title: string): Promise<number> {
    const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: jiahe.id, assigneeId: zhao, title } });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    await page.goto(`/actions/${r.body.id}`);
    await page.getByTestId('check-in').click();
    await page.getByTestId('distance').waitFor();
    for (const tag of ['门头照', '合影']) await page.setInputFiles(`input[data-photo-tag="${tag}"]`, await cameraPhoto(`${tag}.jpg`));
    await page.setInputFiles('input[data-voice-file]', { name: 'memo.amr', mimeType: 'audio/amr', buffer: voiceMemo('memo.amr') });
    await page.getByTestId('transcript').fill('采购经理罗芳说价格偏高，账期太长；下周带新报价再来。');
    await page.locator('[data-field="decisionRole"] label', { hasText: '罗芳' }).locator('input').check();
    await pickDateTime(page, '[data-input="nextContactAt"]', daysAheadLocal(7));
    await uploaded(page);
    await page.getByTestId('submit').click();
    await page.locator('[data-submit-state="accepted"]').waitFor();
    expect(await status(r.body.id)).to.equal('submitted');
    return r.body.id;
  }

  it('lists a filed report under 已提交 and opens it read-only with everything filed, not an empty form', async () => {
    const { ctx, page, errors } = await rep();
    const id = await fileFromPhone(page, '拜访嘉禾：历史查看');
    await page.goto('/today');
    await page.locator('[data-tab="submitted"]').click();
    await page.locator(`[data-history-id="${id}"]`).waitFor();
    await snap(page, 'rep-history', 'submitted-list');
    await page.locator(`[data-history-id="${id}"]`).click();
    await page.getByTestId('review').waitFor();
    expect(await page.getByTestId('review').textContent()).to.contain('已提交，等待主管核验');
    expect(await page.getByTestId('check-in').count(), 'no form to fill').to.equal(0);
    expect(await page.getByTestId('open-verify').count(), 'no verdict buttons for the rep').to.equal(0);
    expect(await page.getByTestId('report-distance').textContent()).to.match(/距客户登记地址约 \d+ 米/);
    expect(await page.locator('[data-report-photos] [data-report-photo]').count()).to.equal(2);
    const audio = page.locator('[data-report-voice] audio');
    expect(await audio.getAttribute('src')).to.match(/\/content\?playable=1$/);
    const played = await ctx.request.get((await audio.getAttribute('src'))!);
    expect(played.headers()['content-type'], 'AMR plays from its MP3 copy').to.equal('audio/mpeg');
    expect(await page.getByTestId('report-transcript').textContent()).to.contain('账期太长');
    expect(await page.locator('[data-report-field="decisionRole"]').textContent()).to.contain('罗芳');
    expect(await page.locator('[data-trail-item]').first().textContent()).to.contain('赵磊 · 提交报告');
    await snap(page, 'rep-history', 'read-only');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('tells the rep a report was returned, shows why, and takes the correction from the same page', async () => {
    const { ctx, page, errors } = await rep();
    const id = await fileFromPhone(page, '拜访嘉禾：退回重交');
    const reason = '门头照看不清店名，请补拍后重新提交';
    const rejected = await s.api.call('POST', `/api/actions/${id}/reject-by-manager`, { as: 'mgr.li', body: { reason } });
    expect(rejected.status, JSON.stringify(rejected.body)).to.equal(200);
    const [msg] = (await outboxTo('rep.zhao', id)).filter((m) => JSON.stringify(m.payload).includes('驳回'));
    expect(msg, 'a WeCom message to the rep').to.not.equal(undefined);
    expect(msg.payload.textcard.description).to.contain(reason);

    await page.goto('/today?tab=rejected');
    await page.locator(`[data-history-id="${id}"]`).click();
    await page.getByTestId('returned').waitFor();
    expect(await page.getByTestId('returned-reason').textContent()).to.equal(reason);
    // what was filed is the starting point: photos (from the server, after no local copy), transcript, fields
    await page.waitForFunction(() => document.querySelectorAll('[data-photo-row] img').length === 2);
    expect(await page.getByTestId('transcript').inputValue()).to.contain('账期太长');
    await snap(page, 'rep-history', 'returned');
    expect(await status(id), 'opening the page changes nothing').to.equal('rejected');

    await page.setInputFiles('input[data-photo-tag="门头照"]', await cameraPhoto('门头照-补拍.jpg'));
    await uploaded(page);
    await page.getByTestId('submit').click();
    // filed again: the page turns into the filed report, waiting for the manager
    await page.getByTestId('review').filter({ hasText: '已提交，等待主管核验' }).waitFor();
    expect(await status(id)).to.equal('submitted');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('shows the verdict, the manager\'s comment and the whole trail on a verified report, found by search under 已核验', async () => {
    const { ctx, page, errors } = await rep();
    const id = await fileFromPhone(page, '拜访嘉禾：核验留痕');
    await s.api.call('POST', `/api/actions/${id}/reject-by-manager`, { as: 'mgr.li', body: { reason: '请补充决策链信息' } });
    const { attachments: _files, ...filed } = (await s.api.call('GET', `/api/actions/${id}`, { as: 'rep.zhao' })).body.lastSubmission.payload;
    const again = await s.api.call('POST', `/api/actions/${id}/visit-report`, { as: 'rep.zhao', body: filed });
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
    const verified = await s.api.call('POST', `/api/actions/${id}/verify`, { as: 'mgr.li', body: { comment: '报告完整，辛苦了' } });
    expect(verified.status, JSON.stringify(verified.body)).to.equal(200);
    expect((await outboxTo('rep.zhao', id)).some((m) => JSON.stringify(m.payload).includes('已核验通过'))).to.equal(true);

    await page.goto('/today?tab=verified');
    await page.getByTestId('history-search').fill('核验留痕');
    await page.waitForFunction((x) => [...document.querySelectorAll('[data-history-id]')].map((e) => e.getAttribute('data-history-id')).join() === String(x), id);
    await page.getByTestId('history-search').fill('不存在的客户名');
    await page.getByTestId('history-empty').waitFor();
    await page.getByTestId('history-search').fill('嘉禾');
    await page.locator(`[data-history-id="${id}"]`).click();
    await page.getByTestId('verdict').waitFor();
    expect(await page.getByTestId('verdict').textContent()).to.contain('核验通过').and.contain('报告完整，辛苦了');
    const trail = await page.locator('[data-trail-item]').allTextContents();
    expect(trail.map((t) => t.replace(/\s+/g, ' '))).to.satisfy((xs: string[]) =>
      xs[0].includes('提交报告') && xs[1].includes('退回修改') && xs[1].includes('请补充决策链信息') &&
      xs[2].includes('提交报告') && xs[3].includes('核验通过') && xs[3].includes('报告完整，辛苦了'));
    await snap(page, 'rep-history', 'verified-trail');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
