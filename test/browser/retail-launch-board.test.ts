import { expect } from 'chai';
import { runOverdueEscalation } from '../../core/alerts/overdue-escalation.js';
import { loadActiveActor } from '../../core/auth/actor.js';
import { addCalendarDays, shanghaiDate } from '../../core/flow/time.js';
import { createLaunch } from '../../core/retail/launches.js';
import { createLaunches } from '../../core/retail/launch-plan.js';
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
    await snap(mgr.page, 'retail-launch-board', 'board', { fullPage: true });

    // the late stores: the list below, filtered to the product's late ones, the filter kept in the address
    await card.locator('[data-show-late]').click();
    await mgr.page.waitForURL(/state=late/);
    const list = mgr.page.locator('[data-board-stores]');
    const late = list.locator(`[data-store-launch="${launchIds.late}"]`);
    await late.waitFor();
    expect(await late.textContent()).to.contain('全家徐家汇店').and.contain('停在①扫码绑定货架位').and.contain('已升级至销售总监').and.match(/逾期\d+天/);
    expect(await list.locator(`[data-store-launch="${launchIds.fresh}"]`).count(), 'a store on track is not late').to.equal(0);
    await snap(mgr.page, 'retail-launch-board', 'late-stores');

    await card.locator('[data-region="华东区"]').click();
    await mgr.page.waitForURL((u) => u.searchParams.has('regionId') && !u.searchParams.has('state'));
    const fresh = list.locator(`[data-store-launch="${launchIds.fresh}"]`);
    await fresh.waitFor();
    expect(await fresh.textContent()).to.contain('罗森静安寺店').and.contain('停在①扫码绑定货架位').and.contain('进行中');
    await snap(mgr.page, 'retail-launch-board', 'region-stores');
    await list.locator(`[data-store-launch="${launchIds.late}"]`).click();
    await mgr.page.waitForURL(new RegExp(`/launches/${launchIds.late}$`));
    await mgr.page.getByText('扫码绑定货架位').first().waitFor();
    expect(mgr.errors).to.deep.equal([]);
  });

  it('the director pages through the stores with 加载更多, keeps the filters on reload and exports exactly what they show', async () => {
    // every product launched today at every store the director sees: more stores than a page holds
    const director = (await loadActiveActor(s.pool, { wecomUserid: 'director.wang' }))!;
    const today = shanghaiDate(new Date());
    const { rows: stores } = await s.pool.query(`SELECT customer_id AS id FROM retail_stores ORDER BY customer_id`);
    const { rows: products } = await s.pool.query(`SELECT id FROM retail_products WHERE sku <> 'BEV-GT-500' ORDER BY id`);
    for (const p of products.slice(0, 3)) {
      await createLaunches(s.pool, director, { storeIds: stores.map((r) => Number(r.id)), productId: Number(p.id), launchDate: today }, { now: new Date(), publicUrl: s.api.baseUrl });
    }
    const total = Number((await s.pool.query('SELECT count(*) FROM retail_launches')).rows[0].count);
    expect(total, 'more launches than one page of 30').to.be.greaterThan(30);

    const phone = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'director.wang');
    await phone.page.goto('/dashboards/launches');
    const list = phone.page.locator('[data-board-stores]');
    await list.locator('[data-store-total]').waitFor();
    expect(await list.locator('[data-store-total]').textContent()).to.equal(`共 ${total} 家门店`);
    expect(await list.locator('[data-store-launch]').count()).to.equal(30);
    await list.locator('[data-load-more]').click();
    await phone.page.waitForFunction((n) => document.querySelectorAll('[data-board-stores] [data-store-launch]').length === n, Math.min(total, 60));
    const shown = await list.locator('[data-store-launch]').evaluateAll((els) => els.map((e) => e.getAttribute('data-store-launch')));
    expect(new Set(shown).size, 'no store twice across pages').to.equal(shown.length);
    await snap(phone.page, 'retail-launch-board', 'load-more');

    // one product, the stores on track: the filters go into the address and survive a reload
    await list.locator('[data-filter="product"]').selectOption(String(products[0].id));
    await list.locator('[data-state-filter="on_track"]').click();
    await phone.page.waitForURL((u) => u.searchParams.get('productId') === String(products[0].id) && u.searchParams.get('state') === 'on_track');
    await phone.page.reload();
    await list.locator('[data-store-total]').waitFor();
    expect(await list.locator('[data-filter="product"]').inputValue()).to.equal(String(products[0].id));
    expect(await list.locator('[data-store-total]').textContent()).to.equal(`共 ${stores.length} 家门店`);
    await snap(phone.page, 'retail-launch-board', 'filtered');

    // 导出 CSV is the same list: every store of it, with the Chinese headers
    const href = await list.locator('[data-export="csv"]').getAttribute('href');
    expect(href).to.contain(`productId=${products[0].id}`).and.contain('state=on_track');
    const csv = await phone.page.evaluate(async (url) => (await fetch(url!)).text(), href);
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).to.match(/^新品,门店,区域,上架日,当前步骤,状态,/);
    expect(lines).to.have.length(stores.length + 1);
    expect(phone.errors).to.deep.equal([]);
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
