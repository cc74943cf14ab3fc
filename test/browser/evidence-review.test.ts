import { expect } from 'chai';
import sharp from 'sharp';
import { voiceMemo } from '../integration/attachments/support/sample-files.js';
import { upload } from '../integration/attachments/support/http.js';
import { cameraPhoto as makePhoto } from '../support/camera-photo.js';
import { signedInPhone, snap } from './support/browser.js';
import { cameraPhoto, customerNamed, daysAheadLocal, pickDateTime, standingAt, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * 赵磊 photographs the 门头 of 上海嘉禾 with a copy of the picture 钱芳 took at
 * 联华超市江桥店: the visit page tells him at once, the report is accepted
 * but goes to 李明's review queue, where the two photos stand side by side.
 */
describe('evidence at capture time and the review queue (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  let actionId: number;
  let submissionId: number;
  let qianPhoto: Buffer;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    const zhao = await userId(s.pool, 'rep.zhao');
    const lianhua = await customerNamed(s.pool, '联华超市江桥店');
    qianPhoto = await makePhoto({ scene: 4242, width: 800, height: 600, takenAt: new Date(Date.now() - 26 * 3_600_000) });
    const earlier = await upload(s.api, await s.api.tokenFor('rep.qian'), qianPhoto, { kind: 'photo', tags: '门头照', customerId: String(lianhua.id) });
    expect(earlier.status, JSON.stringify(earlier.body)).to.equal(201);
    const jiahe = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: jiahe.id, assigneeId: zhao, title: '拜访嘉禾：门头检查' } });
    actionId = r.body.id;
  });
  after(() => s?.close());

  it('tells the rep right after the upload that his 门头照 is 钱芳\'s photo, before he submits', async () => {
    const jiahe = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl, geolocation: standingAt(jiahe) }, 'rep.zhao');
    await page.goto(`/actions/${actionId}`);
    await page.getByTestId('check-in').click();
    await page.getByTestId('distance').waitFor();
    const copy = await sharp(qianPhoto).resize(640).jpeg({ quality: 70 }).toBuffer();
    await page.setInputFiles('input[data-photo-tag="门头照"]', { name: '门头.jpg', mimeType: 'image/jpeg', buffer: copy });
    const finding = page.locator('[data-photo-row="门头照"] [data-failure-code="PHOTO_REUSED"]');
    await finding.waitFor();
    expect(await finding.textContent()).to.contain('钱芳').and.contain('联华超市江桥店');
    expect(await page.getByTestId('evidence-live').textContent()).to.match(/可信度 \d+ 分 · (待复核|不可信)/);
    await snap(page, 'evidence', 'rep-sees-reuse-at-capture');

    // he files it anyway (say the shop really looks the same): accepted, and sent to review
    await page.setInputFiles('input[data-photo-tag="合影"]', await cameraPhoto('合影.jpg'));
    await page.setInputFiles('input[data-voice-file]', { name: 'memo.m4a', mimeType: 'audio/mp4', buffer: voiceMemo('memo.m4a') });
    await page.getByTestId('transcript').fill('采购经理罗芳说我们价格偏高，账期太长，回款慢；下周带新报价再来。');
    await page.locator('[data-field="decisionRole"] label', { hasText: '罗芳' }).locator('input').check();
    await pickDateTime(page, '[data-input="nextContactAt"]', daysAheadLocal(7));
    await page.waitForFunction(() => document.querySelectorAll('[data-upload-state]:not([data-upload-state="uploaded"])').length === 0);
    await page.getByTestId('submit').click();
    await page.locator('[data-submit-state="accepted"]').waitFor();
    await page.getByTestId('evidence-card').waitFor();
    expect(await page.getByTestId('evidence-card').textContent()).to.contain('待复核').and.contain('暂不计入有效跟进');
    await snap(page, 'evidence', 'rep-after-submit');
    submissionId = (await s.pool.query('SELECT submission_id FROM evidence_reviews WHERE action_id = $1', [actionId])).rows[0].submission_id;
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('puts the report first in 李明\'s queue, shows both photos side by side and the day\'s check-ins, and counts it once he accepts', async () => {
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await page.goto('/team');
    await page.getByTestId('team-reviews-link').click();
    const first = page.locator('[data-review]').first();
    await first.waitFor();
    expect(await first.getAttribute('data-review')).to.equal(String(submissionId));
    expect(await first.textContent()).to.contain('赵磊').and.contain('照片重复使用');
    await snap(page, 'evidence', 'manager-queue');
    await first.click();
    await page.getByTestId('photo-compare').waitFor();
    // the two photos are fetched after the card renders: judge them once the browser has finished with both
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="photo-compare"] img')].every((i) => i.complete));
    const loaded = await page.locator('[data-testid="photo-compare"] img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0));
    expect(loaded).to.deep.equal([true, true]);
    expect(await page.getByTestId('photo-compare').textContent()).to.contain('钱芳 · 联华超市江桥店');
    await page.getByTestId('checkin-map').waitFor();
    await snap(page, 'evidence', 'manager-review');

    await page.getByTestId('review-reject').click();
    expect(await page.locator('.decide [role="alert"]').textContent()).to.contain('请写明原因');
    await page.getByTestId('review-comment').fill('电话核实过，两家店是同一装修公司，门头一样');
    await page.getByTestId('review-accept').click();
    await page.locator('[data-status="accepted"]').waitFor();
    expect(await page.getByTestId('review-status').textContent()).to.equal('复核通过');
    await snap(page, 'evidence', 'manager-accepted');
    const { rows: [f] } = await s.pool.query(
      'SELECT f.effective FROM evidence_reviews r JOIN followups f ON f.id = r.followup_id WHERE r.submission_id = $1', [submissionId]);
    expect(f.effective).to.equal(true);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('lets the rep explain a finding from his action page', async () => {
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await page.goto(`/actions/${actionId}`);
    await page.getByTestId('evidence-card').waitFor();
    expect(await page.getByTestId('evidence-card').textContent()).to.contain('复核通过').and.contain('计入有效跟进');
    await page.locator('[data-finding-code="PHOTO_REUSED"] [data-testid="appeal-open"]').click();
    await page.getByTestId('appeal-text').fill('这家店和联华江桥店是同一家装修公司做的门头');
    await page.getByTestId('appeal-send').click();
    await page.locator('.appeal', { hasText: '同一家装修公司' }).waitFor();
    await snap(page, 'evidence', 'rep-appeal');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
