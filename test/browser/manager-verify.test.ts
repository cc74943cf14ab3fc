import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { voiceMemo } from '../integration/attachments/support/sample-files.js';
import { cameraPhoto as makePhoto } from '../support/camera-photo.js';
import { signedInPhone, snap } from './support/browser.js';
import { cameraPhoto, customerNamed, daysAheadLocal, pickDateTime, standingAt, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * A manager on the action page of a submitted report (the 待核验 card's link):
 * reads the report as filed — photos with their tags, the voice transcript,
 * the check-in distance, fields, linked orders, rule warnings; a phone-only
 * completion is marked 仅电话完成 with its note — and 核验通过 / 驳回 it through
 * the real API; a verified one can then be 归档. A change made by someone else
 * first (409) reloads the action and says so. The rep never gets the controls.
 */
describe('H5 action page: a manager verifies or rejects a submitted report (browser, 390×844)', function () {
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

  const TRANSCRIPT = '采购经理罗芳说我们价格偏高，账期太长，回款慢；下周带新报价再来。';

  async function dispatch(title: string): Promise<number> {
    const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: jiahe.id, assigneeId: zhao, title } });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.id;
  }
  const as = (userid: string, geo = false) =>
    signedInPhone(s.browser, { baseURL: s.api.baseUrl, ...(geo ? { geolocation: standingAt(jiahe) } : {}) }, userid);

  /** rep.zhao files a complete visit report from the phone: 门头照 from the camera, 合影 without EXIF (a warning). */
  async function filedReport(title: string): Promise<number> {
    const id = await dispatch(title);
    const { ctx, page } = await as('rep.zhao', true);
    await page.goto(`/actions/${id}`);
    await page.getByTestId('check-in').click();
    await page.getByTestId('distance').waitFor();
    await page.setInputFiles('input[data-photo-tag="门头照"]', await cameraPhoto('门头照.jpg'));
    await page.setInputFiles('input[data-photo-tag="合影"]', { name: '合影.jpg', mimeType: 'image/jpeg', buffer: await makePhoto({ takenAt: null, camera: null }) });
    await page.setInputFiles('input[data-voice-file]', { name: 'memo.m4a', mimeType: 'audio/mp4', buffer: voiceMemo('memo.m4a') });
    await page.getByTestId('transcript').fill(TRANSCRIPT);
    await page.locator('[data-field="decisionRole"] label', { hasText: '罗芳' }).locator('input').check();
    await pickDateTime(page, '[data-input="nextContactAt"]', daysAheadLocal(7));
    await page.waitForFunction(() => document.querySelectorAll('[data-upload-state]:not([data-upload-state="uploaded"])').length === 0);
    await page.getByTestId('submit').click();
    await page.locator('[data-submit-state="accepted"]').waitFor();
    await ctx.close();
    expect((await row(id)).status).to.equal('submitted');
    return id;
  }
  async function phoneOnly(title: string, note: string): Promise<number> {
    const id = await dispatch(title);
    const r = await s.api.call('POST', `/api/actions/${id}/complete-by-phone`, { as: 'rep.zhao', body: { note } });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return id;
  }

  const row = async (id: number) => (await s.pool.query('SELECT status, version FROM actions WHERE id = $1', [id])).rows[0];
  const detailAs = async (id: number, userid = 'mgr.li') => (await s.api.call('GET', `/api/actions/${id}`, { as: userid })).body;
  const headerStatus = (page: Page) => page.locator('header .pill').first();
  const eventsOf = async (id: number, type: string) => (await s.pool.query(
    `SELECT data FROM events WHERE entity_type = 'action' AND entity_id = $1 AND type = $2 ORDER BY id`, [id, type])).rows.map((r) => r.data);
  const verifyTodo = async (id: number) => (await s.pool.query(
    `SELECT t.done_at, u.wecom_userid AS supervisor FROM supervisor_todos t JOIN users u ON u.id = t.supervisor_id
      WHERE t.action_id = $1 AND t.kind = 'verify_submission'`, [id])).rows;
  const outboxTo = async (recipient: string, like: string) => (await s.pool.query(
    'SELECT dedupe_key, payload FROM outbox WHERE recipient = $1 AND dedupe_key LIKE $2 ORDER BY id', [recipient, like])).rows;

  it('opens a filed report from the 待核验 card, shows it as filed, verifies it, then archives it', async () => {
    const id = await filedReport('拜访嘉禾：新品陈列核验');
    // the card mgr.li got links to the action page
    const [card] = await outboxTo('mgr.li', `todo:verify_submission:${id}:%`);
    expect(card, 'the 待核验 card').to.not.equal(undefined);
    const link = new URL(card.payload.textcard.url);
    expect(link.pathname).to.equal(`/actions/${id}`);
    const [todo] = await verifyTodo(id);
    expect(todo).to.deep.include({ supervisor: 'mgr.li', done_at: null });

    const { rows: [sub] } = await s.pool.query(
      `SELECT id, payload, failures FROM submissions WHERE action_id = $1 AND outcome = 'accepted'`, [id]);
    const photos = (sub.payload.attachments as Array<{ id: number; kind: string; tags: string[] }>).filter((a) => a.kind === 'photo');
    const byTag = Object.fromEntries(photos.map((p) => [p.tags[0], p.id]));
    expect(Object.keys(byTag)).to.have.members(['门头照', '合影']);
    const warningCodes = (sub.failures as Array<{ code: string; severity: string }>).filter((f) => f.severity === 'warning').map((f) => f.code);
    expect(warningCodes, 'the 合影 has no EXIF time').to.include('PHOTO_NO_CAPTURE_TIME');

    const { ctx, page, errors } = await as('mgr.li');
    await page.goto(link.pathname);
    await page.getByTestId('review').waitFor();
    expect(await page.getByTestId('review').getAttribute('data-status')).to.equal('submitted');
    expect(await page.getByTestId('review').textContent()).to.contain('待核验的报告').and.to.contain('赵磊 提交于');
    expect(await page.getByTestId('phone-only').count()).to.equal(0);
    // the filed report, not the rep's (emptied) form
    expect(await page.getByTestId('check-in').count()).to.equal(0);
    expect(await page.getByTestId('submit').count()).to.equal(0);

    // photos, each under its tag, served by the attachment route
    for (const [tag, attId] of Object.entries(byTag)) {
      const tile = page.locator(`[data-report-photos="${tag}"] [data-report-photo="${attId}"]`);
      await tile.waitFor();
      expect(await tile.textContent()).to.contain(tag);
      const img = tile.locator('img');
      if (await img.count()) expect(await img.getAttribute('src')).to.equal(`/api/attachments/${attId}/content`);
      const got = await ctx.request.get(`/api/attachments/${attId}/content`);
      expect(got.status(), `the manager may open the ${tag}`).to.equal(200);
    }
    expect(await page.locator('[data-report-voice]').count()).to.equal(1);
    expect(await page.getByTestId('report-transcript').textContent()).to.equal(TRANSCRIPT);
    expect(await page.getByTestId('report-distance').textContent()).to.match(/距客户登记地址约 \d+ 米\s*（要求 3 公里内）/);
    const role = await page.locator('[data-report-field="decisionRole"]').textContent();
    expect(role).to.contain(sub.payload.fields.decisionRole).and.to.contain('罗芳');
    expect(await page.locator('[data-report-field="nextContactAt"] dd').textContent()).to.match(/\d+月\d+日 \d\d:\d\d/);
    const linked = sub.payload.linkedOrderIds as number[];
    await page.waitForFunction((n) => document.querySelectorAll('[data-report-order]').length === n, linked.length);
    if (linked.length) {
      const { rows: [o] } = await s.pool.query('SELECT order_no FROM orders WHERE id = $1', [linked[0]]);
      expect(await page.locator(`[data-report-order="${linked[0]}"]`).textContent()).to.contain(o.order_no);
    }
    const shownWarnings = await page.locator('[data-report="warnings"] .failure.warning').evaluateAll((els) => els.map((e) => e.getAttribute('data-failure-code')));
    expect(shownWarnings).to.deep.equal(warningCodes);
    await snap(page, 'manager-verify', 'filed-report');

    // 核验通过 with a quick-pick comment
    await page.getByTestId('open-verify').click();
    await page.locator('[data-review-sheet="verify"]').waitFor();
    await page.locator('[data-chip="报告完整，辛苦了"]').click();
    expect(await page.getByTestId('review-text').inputValue()).to.equal('报告完整，辛苦了');
    await snap(page, 'manager-verify', 'verify-sheet', { fullPage: false });
    await page.getByTestId('review-confirm').click();
    await page.getByTestId('review-notice').waitFor();
    const verifiedLabel = (await detailAs(id)).action.statusLabel;
    expect(await page.getByTestId('review-notice').textContent()).to.contain('已核验通过').and.to.contain(`当前状态：${verifiedLabel}`);
    expect(await page.locator('[data-review-sheet]').count()).to.equal(0);
    await page.waitForFunction(() => document.querySelector('[data-testid="review"]')?.getAttribute('data-status') === 'verified');
    expect(await headerStatus(page).textContent()).to.equal(verifiedLabel);
    expect(await page.getByTestId('open-verify').count()).to.equal(0);
    expect(await page.getByTestId('open-reject').count()).to.equal(0);
    expect(await page.getByTestId('verdict').textContent()).to.contain('核验通过：报告完整，辛苦了');
    await snap(page, 'manager-verify', 'verified');

    expect((await row(id)).status).to.equal('verified');
    const [ev] = await eventsOf(id, 'action.verified');
    expect(ev.comment).to.equal('报告完整，辛苦了');
    const todos = await verifyTodo(id);
    expect(todos).to.have.length(1);
    expect(todos[0].done_at, 'the verify_submission to-do is closed').to.not.equal(null);
    const told = await outboxTo('rep.zhao', `action:${id}:verified:%`);
    expect(told).to.have.length(1);
    expect(JSON.stringify(told[0].payload)).to.contain('报告完整，辛苦了');

    // 归档, from the manage card (a second tap confirms)
    await page.getByTestId('archive').click();
    await page.getByTestId('archive-confirm').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="review"]')?.getAttribute('data-status') === 'archived');
    expect(await page.getByTestId('manage-notice').textContent()).to.contain('已归档');
    expect((await row(id)).status).to.equal('archived');
    expect(await page.getByTestId('archive').count()).to.equal(0);
    await snap(page, 'manager-verify', 'archived');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('rejects a filed report with quick-pick reasons plus free text; the rep is told why', async () => {
    const id = await filedReport('拜访嘉禾：补货沟通核验');
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto(`/actions/${id}`);
    await page.getByTestId('open-reject').click();
    await page.locator('[data-review-sheet="reject"]').waitFor();
    expect(await page.getByTestId('review-confirm').isDisabled(), 'the reason is required').to.equal(true);
    const chips = await page.locator('[data-review-sheet] [data-chip]').evaluateAll((els) => els.map((e) => e.getAttribute('data-chip')));
    expect(chips).to.include.members(['照片不清晰', '缺少门头照', '签到位置不符', '请补充决策链信息']);
    await page.locator('[data-chip="照片不清晰"]').click();
    await page.locator('[data-chip="请补充决策链信息"]').click();
    await page.getByTestId('review-text').press('End');
    await page.getByTestId('review-text').pressSequentially('；合影里看不到陈列架');
    const reason = '照片不清晰；请补充决策链信息；合影里看不到陈列架';
    expect(await page.getByTestId('review-text').inputValue()).to.equal(reason);

    await snap(page, 'manager-verify', 'reject-sheet', { fullPage: false });
    await page.getByTestId('review-confirm').click();
    await page.getByTestId('review-notice').waitFor();
    const label = (await detailAs(id)).action.statusLabel;
    expect(await page.getByTestId('review-notice').textContent()).to.contain('已驳回').and.to.contain(`当前状态：${label}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="review"]')?.getAttribute('data-status') === 'rejected');
    expect(await headerStatus(page).textContent()).to.equal(label);
    expect(await page.getByTestId('open-reject').count()).to.equal(0);
    expect(await page.getByTestId('verdict').textContent()).to.contain(`驳回：${reason}`);
    await snap(page, 'manager-verify', 'rejected');

    expect((await row(id)).status).to.equal('rejected');
    expect((await eventsOf(id, 'action.rejected')).map((e) => e.reason)).to.deep.equal([reason]);
    expect((await verifyTodo(id))[0].done_at).to.not.equal(null);
    const told = await outboxTo('rep.zhao', `action:${id}:rejected_by_manager:%`);
    expect(told).to.have.length(1);
    expect(told[0].payload.textcard.title).to.contain('被主管驳回');
    expect(told[0].payload.textcard.description).to.contain(`驳回原因：${reason}`);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('marks a phone-only completion 仅电话完成 with its note, and verifies it', async () => {
    const note = '客户在外地出差，电话确认了下月订货量';
    const id = await phoneOnly('拜访嘉禾：电话确认订货', note);
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto(`/actions/${id}`);
    await page.getByTestId('review').waitFor();
    expect(await page.getByTestId('phone-only').textContent()).to.equal('仅电话完成');
    expect(await page.getByTestId('completion-note').textContent()).to.equal(note);
    expect(await page.getByTestId('phone-only-note').textContent()).to.contain('没有现场照片、签到和语音纪要').and.to.contain('不计为有效跟进');
    expect(await headerStatus(page).textContent()).to.equal('已提交（仅电话完成）');
    expect(await page.getByTestId('report-unavailable').count(), 'nothing else was filed').to.equal(0);
    expect(await page.getByTestId('check-in').count()).to.equal(0);
    await snap(page, 'manager-verify', 'phone-only');

    await page.getByTestId('open-verify').click();
    expect(await page.locator('[data-review-sheet="verify"]').textContent()).to.contain('仅电话完成');
    expect(await page.getByTestId('review-confirm').isDisabled(), 'a comment is optional').to.equal(false);
    await page.getByTestId('review-confirm').click();
    await page.getByTestId('review-notice').waitFor();
    expect((await row(id)).status).to.equal('verified');
    expect(await eventsOf(id, 'action.verified')).to.have.length(1);
    expect((await verifyTodo(id))[0].done_at).to.not.equal(null);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('reloads the action and says so when someone else acted first (409)', async () => {
    const id = await phoneOnly('拜访嘉禾：陈列电话确认', '电话确认了陈列位置');
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto(`/actions/${id}`);
    const stale = Number(await page.getByTestId('review').getAttribute('data-action-version'));
    await page.getByTestId('open-reject').click();
    await page.locator('[data-chip="缺少门头照"]').click();
    // meanwhile the director verifies it from their own phone
    const d = await s.api.call('POST', `/api/actions/${id}/verify`, { as: 'director.wang', body: { expectedVersion: stale } });
    expect(d.status, JSON.stringify(d.body)).to.equal(200);
    await page.getByTestId('review-confirm').click();

    await page.getByTestId('review-notice').waitFor();
    const notice = await page.getByTestId('review-notice').textContent();
    expect(notice).to.contain('刚被其他人处理过').and.to.contain('页面已刷新为最新状态').and.to.contain(d.body.statusLabel);
    expect(await page.locator('[data-review-sheet]').count(), 'rejecting no longer applies: the sheet closes').to.equal(0);
    expect(await headerStatus(page).textContent()).to.equal(d.body.statusLabel);
    expect(await page.getByTestId('review').getAttribute('data-action-version')).to.equal(String(d.body.version));
    expect(await page.getByTestId('open-reject').count()).to.equal(0);
    expect(await page.getByTestId('open-verify').count()).to.equal(0);
    await snap(page, 'manager-verify', 'conflict-reloaded');
    expect((await row(id)).status).to.equal('verified');
    expect(await eventsOf(id, 'action.rejected')).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('shows the rep their filed completion read-only, never the verify/reject controls', async () => {
    const id = await phoneOnly('拜访嘉禾：业务员视角核验', '电话沟通了新品');
    const { ctx, page, errors } = await as('rep.zhao');
    await page.goto(`/actions/${id}`);
    await headerStatus(page).waitFor();
    expect(await headerStatus(page).textContent()).to.equal('已提交（仅电话完成）');
    await page.getByTestId('review').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('completion-note').textContent()).to.equal('电话沟通了新品');
    expect(await page.getByTestId('open-verify').count()).to.equal(0);
    expect(await page.getByTestId('open-reject').count()).to.equal(0);
    // and the API refuses it anyway
    const r = await s.api.call('POST', `/api/actions/${id}/verify`, { as: 'rep.zhao', body: {} });
    expect(r.status).to.equal(403);
    expect((await row(id)).status).to.equal('submitted');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
