import { expect } from 'chai';
import { runOverdueEscalation } from '../../core/alerts/overdue-escalation.js';
import { loadActiveActor } from '../../core/auth/actor.js';
import { addCalendarDays, shanghaiDate } from '../../core/flow/time.js';
import { createLaunch } from '../../core/retail/launches.js';
import { seedRetailNetworkForReps } from '../support/retail-network.js';
import { deps } from '../integration/jobs/jobs-helpers.js';
import { signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * 新品上架 on the process dashboards: the regional manager goes from 过程看板
 * to the 新品上架看板 — stores per step, the on-time rate, the overdue steps
 * with who owns them and how far they were escalated — and from there to a
 * store's launch; the overdue job's card to the manager opens the same launch.
 */
describe('新品上架看板 in the app (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  const launchIds: Record<'late' | 'fresh', number> = { late: 0, fresh: 0 };

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    const today = shanghaiDate(new Date());
    await seedRetailNetworkForReps(s.pool, today);
    const mgr = (await loadActiveActor(s.pool, { wecomUserid: 'mgr.li' }))!;
    const { rows: [p] } = await s.pool.query(`SELECT id FROM retail_products WHERE sku = 'BEV-GT-500'`);
    const d = { now: new Date(), publicUrl: s.api.baseUrl };
    // 全家 launched ten days ago and did nothing; 罗森 launches today
    for (const [key, store, day] of [['late', '全家徐家汇店', addCalendarDays(today, -10)], ['fresh', '罗森静安寺店', today]] as const) {
      launchIds[key] = (await createLaunch(s.pool, mgr, { storeId: (await customerNamed(s.pool, store)).id, productId: Number(p.id), launchDate: day }, d)).id;
    }
    await runOverdueEscalation(deps(s.pool, () => new Date()));
  });
  after(() => s?.close());

  it('a regional manager goes from 过程看板 to the launch board, reads the late steps and opens a store\'s launch', async () => {
    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto('/dashboards');
    await mgr.page.locator('[data-testid="launch-board-link"]').click();
    await mgr.page.waitForURL(/\/dashboards\/launches/);
    const card = mgr.page.locator('[data-board-product]').first();
    await card.waitFor();
    expect(await card.locator('b').first().textContent()).to.equal('山野绿茶无糖 500ml');
    // 全家's four steps are all past their deadlines, none done: 0 of 4 on time
    expect(await card.locator('[data-on-time]').textContent()).to.equal('按时 0%');
    expect(await card.locator('[data-overdue]').textContent()).to.equal('逾期 4 步');
    expect(await card.locator('[data-escalations]').textContent()).to.match(/^升级预警 [1-9]\d* 条$/);
    const late = card.locator(`[data-late-launch="${launchIds.late}"]`).first();
    expect(await late.textContent()).to.contain('全家徐家汇店 · ①扫码绑定货架位').and.contain("已升级至销售总监").and.match(/逾期\d+天/);
    await snap(mgr.page, 'retail-launch-board', 'board', { fullPage: true });

    await card.locator('[data-region="华东区"]').click();
    const fresh = card.locator(`[data-store-launch="${launchIds.fresh}"]`);
    expect(await fresh.textContent()).to.contain('罗森静安寺店').and.contain('停在①扫码绑定货架位').and.contain('进行中');
    await snap(mgr.page, 'retail-launch-board', 'region-stores');
    await late.click();
    await mgr.page.waitForURL(new RegExp(`/launches/${launchIds.late}$`));
    await mgr.page.getByText('扫码绑定货架位').first().waitFor();
    expect(mgr.errors).to.deep.equal([]);
  });

  it('the overdue card\'s page sends the manager to the store\'s launch', async () => {
    const { rows: [alert] } = await s.pool.query(`
      SELECT a.id FROM alerts a JOIN alert_recipients ar ON ar.alert_id = a.id JOIN users u ON u.id = ar.user_id
       WHERE a.rule_code = 'overdue_escalation' AND u.wecom_userid = 'mgr.li' AND a.data->'launch'->>'id' = $1 ORDER BY a.id LIMIT 1`, [String(launchIds.late)]);
    expect(alert, 'an escalation alert to the manager names the launch').to.not.equal(undefined);
    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto(`/alerts/${alert.id}`);
    const open = mgr.page.locator('[data-testid="open-launch"]');
    await open.waitFor();
    expect(await open.textContent()).to.equal('查看门店新品上架（山野绿茶无糖 500ml）');
    await snap(mgr.page, 'retail-launch-board', 'alert');
    await open.click();
    await mgr.page.waitForURL(new RegExp(`/launches/${launchIds.late}$`));
    expect(mgr.errors).to.deep.equal([]);
  });

  it('a launch step\'s own action page (the clerk\'s overdue card links it) opens its launch instead', async () => {
    const { rows: [step] } = await s.pool.query(`
      SELECT a.id FROM actions a JOIN retail_launches l ON l.process_instance_id = a.process_instance_id
       WHERE l.id = $1 AND a.node_key = 'bind'`, [launchIds.late]);
    const { rows: [clerk] } = await s.pool.query('SELECT u.wecom_userid FROM actions a JOIN users u ON u.id = a.assignee_id WHERE a.id = $1', [step.id]);
    const phone = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, clerk.wecom_userid);
    await phone.page.goto(`/actions/${step.id}`);
    await phone.page.waitForURL(new RegExp(`/launches/${launchIds.late}$`));
    await phone.page.getByText('扫码绑定货架位').first().waitFor();
    expect(phone.errors).to.deep.equal([]);
  });
});
