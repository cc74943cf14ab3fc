import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { signedInPhone, snap } from './support/browser.js';
import { customerNamed, pickDateTime, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * 我的待办 for a manager: the to-dos the action flow addressed to mgr.li (a
 * rep's report rejected twice today, a phone-only completion to verify, and
 * 22 older escalations and rejections), paged by cursor as the list scrolls,
 * marked done in one tap, filtered by type, each opening its action.
 */
describe('H5 supervisor to-dos (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  let rejectedId: number;
  let phoneOnlyId: number;
  const OLDER = 22;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    const zhao = await userId(s.pool, 'rep.zhao');
    const jiahe = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
    const dispatch = async (title: string) => {
      const r = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: jiahe.id, assigneeId: zhao, title } });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body.id as number;
    };
    const older = await dispatch('拜访嘉禾：历史督办');
    // older days' to-dos (as the overdue job and yesterday's submissions left them)
    for (let n = 1; n <= OLDER; n++) {
      const kind = n % 2 ? 'handle_escalation' : 'submission_rejected';
      const failures = kind === 'submission_rejected' ? JSON.stringify([{ code: 'ATTACHMENT_TAG_MISSING', message: `缺少合影（第${n}天前）` }]) : '[]';
      await s.pool.query(
        `INSERT INTO supervisor_todos (action_id, supervisor_id, kind, day, failures, attempts)
         VALUES ($1, (SELECT id FROM users WHERE wecom_userid = 'mgr.li'), $2, (now() AT TIME ZONE 'Asia/Shanghai')::date - $3::int, $4, 1)`,
        [older, kind, n, failures]);
    }
    // today: rep.zhao files an empty report twice (one to-do, two attempts) …
    rejectedId = await dispatch('拜访嘉禾：新品陈列');
    for (let i = 0; i < 2; i++) {
      const r = await s.api.call('POST', `/api/actions/${rejectedId}/visit-report`, { as: 'rep.zhao', body: {} });
      expect(r.status, JSON.stringify(r.body)).to.equal(422);
    }
    // … and completes another by phone only, for mgr.li to verify
    phoneOnlyId = await dispatch('拜访嘉禾：电话回访');
    const p = await s.api.call('POST', `/api/actions/${phoneOnlyId}/complete-by-phone`, { as: 'rep.zhao', body: { note: '客户在外地，电话沟通了补货计划' } });
    expect(p.status, JSON.stringify(p.body)).to.equal(200);
  });
  after(() => s?.close());

  const as = (userid: string) => signedInPhone(s.browser, { baseURL: s.api.baseUrl }, userid);
  const shownIds = (page: Page) => page.locator('[data-todo-id]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-todo-id'))));
  const todoOf = async (actionId: number, kind: string) =>
    (await s.pool.query('SELECT id, attempts, failures, done_at FROM supervisor_todos WHERE action_id = $1 AND kind = $2', [actionId, kind])).rows[0];

  it('lists today\'s to-dos first with attempts and failure messages, and loads older ones as the list scrolls', async () => {
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto('/me');
    await page.getByTestId('todos-badge').waitFor();
    expect(await page.getByTestId('todos-badge').textContent()).to.equal(String(OLDER + 2));
    await snap(page, 'todos', 'me-with-badge');
    await page.getByTestId('todos-link').click();
    await page.waitForURL(/\/todos$/);
    await page.locator('[data-todo-id]').first().waitFor();

    const rejected = await todoOf(rejectedId, 'submission_rejected');
    const verify = await todoOf(phoneOnlyId, 'verify_submission');
    expect(rejected.attempts).to.equal(2);
    expect(await shownIds(page)).to.have.length(20);
    expect((await shownIds(page)).slice(0, 2)).to.have.members([Number(rejected.id), Number(verify.id)]);
    expect(await page.locator('[data-tab="open"]').textContent()).to.contain(`（${OLDER + 2}）`);

    const card = page.locator(`[data-todo-id="${rejected.id}"]`);
    const text = await card.textContent();
    expect(text).to.contain('提交未通过').and.to.contain('拜访嘉禾：新品陈列').and.to.contain('赵磊').and.to.contain('上海嘉禾食品经销有限公司');
    expect(await card.getByTestId('todo-attempts').textContent()).to.equal('今天第2次提交未通过');
    const messages = (rejected.failures as Array<{ message: string }>).map((f) => f.message);
    expect(messages.length).to.be.greaterThan(0);
    expect(await card.locator('.failures li').allTextContents()).to.deep.equal(messages);
    expect(await page.locator(`[data-todo-id="${verify.id}"]`).textContent()).to.contain('待核验').and.to.contain('拜访嘉禾：电话回访');
    await snap(page, 'todos', 'open-first-page', { fullPage: false });

    // scrolling to the end fetches the next page by cursor, once
    await page.locator('[data-todo-id]').last().scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 4000);
    await page.getByTestId('list-end').waitFor();
    const all = await shownIds(page);
    expect(all).to.have.length(OLDER + 2);
    expect(new Set(all).size).to.equal(OLDER + 2);
    expect(await page.getByTestId('list-end').textContent()).to.contain(`共 ${OLDER + 2} 条`);
    // newest day first all the way down
    const days = await page.getByTestId('todo-attempts').allTextContents();
    expect(days[days.length - 1]).to.match(/^\d+月\d+日/);
    await snap(page, 'todos', 'scrolled-to-end');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('marks a to-do 已处理 in one tap, in place, and files it under 已处理', async () => {
    const { ctx, page, errors } = await as('mgr.li');
    const verify = await todoOf(phoneOnlyId, 'verify_submission');
    await page.goto('/todos');
    const card = page.locator(`[data-todo-id="${verify.id}"]`);
    await card.getByTestId('mark-done').click();
    await card.getByTestId('done-mark').waitFor();
    expect(await card.getAttribute('data-done')).to.equal('1');
    expect(await page.locator('[data-tab="open"]').textContent()).to.contain(`（${OLDER + 1}）`);
    expect((await todoOf(phoneOnlyId, 'verify_submission')).done_at).to.be.instanceOf(Date);
    await snap(page, 'todos', 'marked-done', { fullPage: false });

    await page.locator('[data-tab="done"]').click();
    await page.waitForURL(/status=done/);
    await page.locator(`[data-todo-id="${verify.id}"]`).waitFor();
    expect(await shownIds(page)).to.deep.equal([Number(verify.id)]);
    expect(await page.locator(`[data-todo-id="${verify.id}"]`).textContent()).to.match(/已于 \d+月\d+日 \d\d:\d\d 处理/);
    expect(await page.getByTestId('mark-done').count()).to.equal(0);
    await snap(page, 'todos', 'done-tab');

    // back on 待处理 (a fresh load) it is gone, and the badge on 团队 agrees
    await page.goto('/team');
    await page.getByTestId('team-todos-badge').waitFor();
    expect(await page.getByTestId('team-todos-badge').textContent()).to.equal(String(OLDER + 1));
    await page.getByTestId('team-todos-link').click();
    await page.locator('[data-todo-id]').first().waitFor();
    expect(await shownIds(page)).to.not.include(Number(verify.id));
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('filters by type and opens the action from a to-do', async () => {
    const { ctx, page, errors } = await as('mgr.li');
    await page.goto('/todos');
    await page.locator('[data-todo-id]').first().waitFor();
    const expected = (await s.pool.query(
      `SELECT count(*)::int AS n FROM supervisor_todos WHERE kind = 'submission_rejected' AND done_at IS NULL`)).rows[0].n;
    await page.locator('[data-kind-filter="submission_rejected"]').click();
    await page.waitForURL(/kind=submission_rejected/);
    // an empty list passes "every item is a rejection" while the filtered page loads: wait for the rows themselves
    await page.waitForFunction(() => {
      const kinds = [...document.querySelectorAll('[data-todo-kind]')].map((e) => e.getAttribute('data-todo-kind'));
      return kinds.length > 0 && kinds.every((k) => k === 'submission_rejected');
    });
    expect(await page.locator('[data-todo-kind]').count()).to.equal(expected);
    await snap(page, 'todos', 'filtered-rejected');

    // one day: yesterday's only to-do (an escalation)
    await page.locator('[data-kind-filter="all"]').click();
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - 86_400_000));
    await pickDateTime(page, '[data-input="day"]', yesterday);
    await page.waitForURL(new RegExp(`day=${yesterday}`));
    await page.waitForFunction(() => document.querySelectorAll('[data-todo-id]').length === 1);
    expect(await page.getByTestId('todo-attempts').textContent()).to.equal('昨天逾期升级，请督办');
    expect(await page.locator('[data-todo-kind]').getAttribute('data-todo-kind')).to.equal('handle_escalation');
    await page.getByTestId('clear-day').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-todo-id]').length > 1);
    await page.locator('[data-kind-filter="submission_rejected"]').click();
    await page.waitForURL(/kind=submission_rejected/);

    const rejected = await todoOf(rejectedId, 'submission_rejected');
    await page.locator(`[data-todo-id="${rejected.id}"]`).getByTestId('todo-link').click();
    await page.waitForURL(new RegExp(`/actions/${rejectedId}$`));
    await page.getByTestId('assignee').waitFor();
    expect(await page.getByTestId('assignee').textContent()).to.equal('赵磊');
    // back to the same filtered list
    await page.goBack();
    await page.waitForURL(/\/todos\?kind=submission_rejected/);
    await page.locator(`[data-todo-id="${rejected.id}"]`).waitFor();
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('shows a director an empty list, and keeps reps out', async () => {
    const director = await as('director.wang');
    await director.page.goto('/me');
    await director.page.getByTestId('todos-link').click();
    await director.page.getByTestId('todos-empty').waitFor();
    expect(await director.page.getByTestId('todos-empty').textContent()).to.contain('没有待处理的事项');
    expect(await director.page.getByTestId('todos-badge').count()).to.equal(0);
    await director.ctx.close();

    const rep = await as('rep.zhao');
    await rep.page.goto('/me');
    await rep.page.getByText('发件箱').waitFor();
    expect(await rep.page.getByTestId('todos-link').count()).to.equal(0);
    await rep.page.goto('/todos');
    await rep.page.waitForURL(/\/today$/);
    await rep.ctx.close();
  });
});
