import { expect } from 'chai';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { cameraPhoto as makePhoto } from '../support/camera-photo.js';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { loadActiveActor } from '../../core/auth/actor.js';
import { scheduleSubmission } from '../../core/actions/scheduled-submission.js';
import { aValidVisitReport } from '../integration/actions/actions-helpers.js';
import { settingsClient } from '../integration/settings/support/settings-client.js';
import { cameraPhoto, customerNamed, standingAt, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/** Issue #25: what the visit page derives instead of asking, and the checklist that shows every gate before 提交. */
describe('less typing than visiting (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  async function repAt(where: { latitude: number; longitude: number; accuracy: number }) {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl, geolocation: where });
    await signIn(ctx, 'rep.zhao');
    const page = await ctx.newPage();
    return { ctx, page, errors: watchErrors(page) };
  }
  /** The draft as the server has it, once `ready` holds (the page saves after a pause). */
  async function savedDraft(actionId: number, ready: (payload: any) => boolean): Promise<{ payload: any }> {
    for (let i = 0; i < 100; i++) {
      const { rows: [d] } = await s.pool.query('SELECT payload FROM action_drafts WHERE action_id = $1', [actionId]);
      if (d && ready(d.payload)) return d;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the draft of action ${actionId} was never saved as expected`);
  }
  const lineState = (page: Page, kind: string) => page.locator(`[data-testid="live-checklist"] [data-check-kind="${kind}"]`).first().getAttribute('data-check-state');

  it('starts a visit from where the rep stands: names the nearest own customer, and one tap opens its report already checked in', async () => {
    const c = await customerNamed(s.pool, '全家徐家汇店');
    const { ctx, page, errors } = await repAt(standingAt(c));
    await page.goto('/today');
    await page.getByTestId('start-here').click();
    const result = page.getByTestId('start-here-result');
    await result.getByTestId('start-here-confirm').waitFor();
    expect(await result.textContent()).to.contain('你在全家徐家汇店附近');
    await snap(page, 'visit-effort', 'customer-at-door');
    await result.getByTestId('start-here-confirm').click();
    await page.waitForURL(/\/actions\/\d+$/);
    const id = Number(/\/actions\/(\d+)$/.exec(page.url())![1]);
    await page.getByTestId('checkin-state').waitFor();
    expect(await page.getByTestId('checkin-state').textContent()).to.equal('已签到');
    expect(await lineState(page, 'geofence.within_km')).to.equal('done');
    await snap(page, 'visit-effort', 'visit-started-checked-in');
    const { rows: [a] } = await s.pool.query('SELECT customer_id, assignee_id, definition_code FROM actions WHERE id = $1', [id]);
    expect(a).to.deep.equal({ customer_id: c.id, assignee_id: await userId(s.pool, 'rep.zhao'), definition_code: 'visit' });
    // the check-in is in the draft like one made on the page: on the server once the pause has passed
    const d = await savedDraft(id, (p) => !!p.checkIn);
    expect(d.payload.checkIn).to.include({ coordSystem: 'wgs84' });
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('says when none of the rep\'s customers is near, and starts nothing', async () => {
    const { ctx, page } = await repAt({ latitude: 30.9, longitude: 122.9, accuracy: 20 }); // out at sea, off 上海
    const before = (await s.pool.query('SELECT count(*)::int AS n FROM actions')).rows[0].n;
    await page.goto('/today');
    await page.getByTestId('start-here').click();
    await page.getByTestId('start-here-none').waitFor();
    expect(await page.getByTestId('start-here-none').textContent()).to.match(/附近[\d.]+公里内没有你的客户/);
    expect((await s.pool.query('SELECT count(*)::int AS n FROM actions')).rows[0].n).to.equal(before);
    await ctx.close();
  });

  it('fills the decision maker and the next contact from the memo with one tap, and leaves to the rep what the memo cannot say', async () => {
    const c = await customerNamed(s.pool, '上海市第六人民医院');
    const { rows: [dm] } = await s.pool.query(`SELECT id, name, title FROM contacts WHERE customer_id = $1 AND buying_role = 'decider' AND status = 'active' ORDER BY id LIMIT 1`, [c.id]);
    const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: c.id, assigneeId: await userId(s.pool, 'rep.zhao'), title: '拜访六院：语音填表' } });
    const { ctx, page, errors } = await repAt(standingAt(c));
    await page.goto(`/actions/${r.body.id}`);
    await page.getByTestId('transcript').waitFor();

    // a name that is not on file: said so, and the role is left alone
    await page.getByTestId('transcript').fill('王主任拍板，价格偏高账期长');
    await page.getByTestId('suggestion-note').waitFor();
    expect(await page.getByTestId('suggestion-note').textContent()).to.contain('「王主任」不在上海市第六人民医院的联系人里');
    expect(await page.locator('[data-suggestion="decisionRole"]').count()).to.equal(0);
    expect(await page.locator('[data-input="decisionRole"]').inputValue()).to.equal('');
    await snap(page, 'visit-effort', 'memo-names-unknown-contact');

    await page.getByTestId('transcript').fill(`${dm.name[0]}主任拍板，价格偏高账期长，下周三下午再来`);
    await page.locator('[data-suggestion="nextContactAt"]').waitFor();
    await page.locator('[data-suggestion="decisionRole"]').waitFor();
    expect(await page.locator('[data-suggestion="decisionRole"]').textContent()).to.contain(dm.name).and.contain('决策者').and.contain('来自“');
    await snap(page, 'visit-effort', 'memo-suggestions');
    await page.getByTestId('accept-all').click();
    expect(await page.locator('[data-input="decisionRole"]').inputValue()).to.equal('决策者');
    expect(await page.locator('[data-input="nextContactAt"]').textContent()).to.match(/\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}/);
    // the contact met is recorded with the role, as picking them by hand does
    const d = await savedDraft(r.body.id, (p) => p.fields?.decisionRole !== undefined);
    expect(d.payload.fields).to.include({ decisionRole: '决策者', decisionContactId: dm.id });
    expect(d.payload.fields.nextContactAt).to.match(/T15:00/);
    await snap(page, 'visit-effort', 'memo-accepted');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('turns each line of 提交前检查 green as its evidence arrives, and shows a reused photo as the review it will get before anything is submitted', async () => {
    const c = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: c.id, assigneeId: await userId(s.pool, 'rep.zhao'), title: '拜访嘉禾：检查清单' } });
    expect(r.status).to.equal(201);
    const { ctx, page, errors } = await repAt(standingAt(c));
    await page.goto(`/actions/${r.body.id}`);
    await page.getByTestId('live-checklist').waitFor();
    expect(await lineState(page, 'geofence.within_km')).to.equal('todo');
    expect(await page.locator('[data-check-kind="geofence.within_km"]').textContent()).to.contain('还差：现场签到');
    await snap(page, 'visit-effort', 'checklist-empty');
    // an open line takes the rep to where it is fixed
    await page.locator('[data-testid="live-checklist"] [data-check-kind="fields.required"]').click();
    await page.waitForFunction(() => { const t = document.querySelector('[data-section="fields"]')!.getBoundingClientRect().top; return window.scrollY > 0 && t >= 0 && t < window.innerHeight - 100; });

    await page.getByTestId('check-in').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="live-checklist"] [data-check-kind="geofence.within_km"]')?.getAttribute('data-check-state') === 'done');

    // the photo button names the tag the next photo gets: 门头照 first, then 合影
    const door = await makePhoto({ takenAt: new Date(Date.now() - 3 * 60_000), scene: 4242, width: 800, height: 600 });
    expect(await page.getByTestId('take-next-photo').textContent()).to.contain('拍门头照');
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('take-next-photo').click();
    await (await chooser).setFiles({ name: 'door.jpg', mimeType: 'image/jpeg', buffer: door });
    await page.locator('[data-photo-row="门头照"] [data-upload-state="uploaded"]').waitFor();
    expect(await page.getByTestId('take-next-photo').textContent()).to.contain('拍合影');
    await page.locator('[data-testid="live-checklist"] [data-check-kind="attachments.min"]', { hasText: '还差：1张合影' }).waitFor();

    // the same picture again as the 合影: the line says so now, not after 提交
    const copy = await sharp(door).resize(600).jpeg({ quality: 60 }).toBuffer();
    await page.setInputFiles('input[data-photo-tag="合影"]', { name: 'group.jpg', mimeType: 'image/jpeg', buffer: copy });
    const reused = page.locator('[data-testid="live-checklist"] [data-check-kind="photo.unique"][data-check-state="review"]');
    await reused.waitFor();
    expect(await reused.textContent()).to.contain('提交后主管会复核').and.contain('「合影」');
    await page.setInputFiles('input[data-photo-tag="合影"]', await cameraPhoto('合影.jpg'));
    await snap(page, 'visit-effort', 'checklist-reused-photo');
    expect(await s.pool.query('SELECT 1 FROM submissions WHERE action_id = $1', [r.body.id]).then((x) => x.rowCount)).to.equal(0);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('re-guesses a photo\'s tag after capture: two 门头照 and no 合影 offer the later one as the 合影, one tap moves it', async () => {
    const c = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: c.id, assigneeId: await userId(s.pool, 'rep.zhao'), title: '拜访嘉禾：照片标签' } });
    const { ctx, page, errors } = await repAt(standingAt(c));
    await page.goto(`/actions/${r.body.id}`);
    await page.getByTestId('live-checklist').waitFor();
    // the rep pressed 拍门头照 twice: the door on arrival, then the group photo ten minutes later
    const first = await makePhoto({ takenAt: new Date(Date.now() - 15 * 60_000), scene: 5151, width: 800, height: 600 });
    const second = await makePhoto({ takenAt: new Date(Date.now() - 5 * 60_000), scene: 6262, width: 800, height: 600 });
    await page.setInputFiles('input[data-photo-tag="门头照"]', { name: 'a.jpg', mimeType: 'image/jpeg', buffer: first });
    await page.locator('[data-photo-row="门头照"] [data-upload-state="uploaded"]').waitFor();
    await page.setInputFiles('input[data-photo-tag="门头照"]', { name: 'b.jpg', mimeType: 'image/jpeg', buffer: second });
    const offer = page.locator('[data-photo-row="门头照"] [data-retag]');
    await offer.waitFor();
    expect(await offer.textContent()).to.contain('门头照有2张、合影还没有').and.contain('这张拍得更晚').and.contain('改为合影');
    const { rows: [later] } = await s.pool.query(
      `SELECT id FROM attachments WHERE uploaded_by = $1 ORDER BY id DESC LIMIT 1`, [await userId(s.pool, 'rep.zhao')]);
    expect(Number(await offer.getAttribute('data-retag'))).to.equal(Number(later.id));
    await snap(page, 'visit-effort', 'photo-retag-offered');

    await offer.locator('[data-retag-to="合影"]').click();
    await page.locator('[data-photo-row="合影"] [data-upload-state="uploaded"]').waitFor();
    await page.locator('[data-testid="live-checklist"] [data-check-kind="attachments.min"][data-check-state="done"]').first().waitFor();
    expect(await page.locator('[data-retag]').count()).to.equal(0);
    expect(await page.locator('[data-photo-row="门头照"] [data-upload-state]').count()).to.equal(1);
    const { rows: [tagged] } = await s.pool.query('SELECT tags FROM attachments WHERE id = $1', [later.id]);
    expect(tagged.tags).to.deep.equal(['合影']);
    await snap(page, 'visit-effort', 'photo-retag-accepted');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('says when the bot is about to file the report by itself, and a change on the page takes that back', async () => {
    const c = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: c.id, assigneeId: await userId(s.pool, 'rep.zhao'), title: '拜访嘉禾：机器人自动提交' } });
    expect((await s.api.call('PUT', `/api/actions/${r.body.id}/draft`, { as: 'rep.zhao', body: { transcript: '价格偏高' } })).status).to.equal(200);
    const rep = (await loadActiveActor(s.pool, { wecomUserid: 'rep.zhao' }))!;
    const at = new Date(Date.now() + 2 * 60_000);
    expect(await scheduleSubmission(s.pool, rep, r.body.id, at, [])).to.equal(true);
    const { ctx, page, errors } = await repAt(standingAt(c));
    await page.goto(`/actions/${r.body.id}`);
    const banner = page.getByTestId('auto-submit');
    await banner.waitFor();
    expect(await banner.textContent()).to.contain('机器人会在').and.match(/\d+月\d+日 \d\d:\d\d/).and.contain('自动提交').and.contain('先不提交');
    await snap(page, 'visit-effort', 'bot-will-file');
    await page.getByTestId('transcript').fill('价格偏高，账期长');
    await banner.waitFor({ state: 'detached' });
    await savedDraft(r.body.id, (p) => p.transcript === '价格偏高，账期长');
    const { rows: [d] } = await s.pool.query('SELECT submit_at FROM action_drafts WHERE action_id = $1', [r.body.id]);
    expect(d.submit_at, 'the page\'s save took the schedule with it').to.equal(null);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  // last in the file: it adds a field to the visit definition
  it('offers a written field the last two visits agreed on (同行人员) as 同上次, taken with one tap', async () => {
    const visit = (await s.api.call('GET', '/api/action-definitions/visit', { as: 'admin.lin' })).body.active;
    const rules = visit.rules.map((r: any) => (r.kind === 'fields.required' ? { ...r, fields: [...r.fields, { key: 'companions', label: '同行人员', type: 'text' }] } : r));
    const saved = await settingsClient(s.api).save('admin.lin', 'flow.action-definition:visit', {
      code: 'visit', name: visit.name, ...(visit.description ? { description: visit.description } : {}), rules, dueWorkingDays: visit.dueWorkingDays, escalation: visit.escalation,
    });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    const c = await customerNamed(s.pool, '永辉超市上海区域公司');
    const zhao = await userId(s.pool, 'rep.zhao');
    const dispatchHere = async (title: string) => (await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: c.id, assigneeId: zhao, title } })).body.id;
    for (const title of ['拜访永辉：一', '拜访永辉：二']) {
      const body = await aValidVisitReport(s.pool, { repId: zhao, customerId: c.id, lat: c.lat, lng: c.lng, at: new Date() });
      const filed = await s.api.call('POST', `/api/actions/${await dispatchHere(title)}/visit-report`, { as: 'rep.zhao', body: { ...body, fields: { ...(body.fields as object), companions: '技术支持小陈' } } });
      expect(filed.status, JSON.stringify(filed.body)).to.equal(200);
    }
    const id = await dispatchHere('拜访永辉：三');
    const { ctx, page, errors } = await repAt(standingAt(c));
    await page.goto(`/actions/${id}`);
    const offer = page.locator('[data-suggestion="companions"]');
    await offer.waitFor();
    expect(await page.getByTestId('suggestions').textContent()).to.contain('同上次');
    expect(await offer.textContent()).to.contain('同行人员').and.contain('技术支持小陈').and.match(/前两次拜访都一样（\d+月\d+日、\d+月\d+日）/);
    expect(await page.locator('[data-input="companions"]').inputValue(), 'nothing filled before the tap').to.equal('');
    await snap(page, 'visit-effort', 'same-as-last-written-field');
    await offer.locator('[data-accept="companions"]').click();
    expect(await page.locator('[data-input="companions"]').inputValue()).to.equal('技术支持小陈');
    await savedDraft(id, (p) => p.fields?.companions === '技术支持小陈');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
