import { expect } from 'chai';
import { shanghaiDate } from '../../core/flow/time.js';
import { seedRetailNetworkForReps } from '../support/retail-network.js';
import { signedInPhone, snap } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * 商品目录 and shelf positions in the app: the people who keep them add and
 * correct them on the phone, and a mistyped barcode or a taken code is said
 * where it was typed.
 */
describe('the catalogue and shelf positions in the app (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    await seedRetailNetworkForReps(s.pool, shanghaiDate(new Date()));
  });
  after(() => s?.close());

  it('an admin adds a product: a mistyped barcode is refused under the form, the corrected one is listed; then renames it', async () => {
    const admin = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'admin.lin');
    await admin.page.goto('/me');
    await admin.page.locator('[data-testid="me-catalogue"]').click();
    await admin.page.waitForURL(/\/retail\/catalogue$/);
    await admin.page.locator('[data-product]').first().waitFor();
    await admin.page.locator('[data-add-product]').click();
    await admin.page.fill('[data-field="sku"]', 'BEV-GT-1L');
    await admin.page.fill('[data-field="barcode"]', '6901234567954');
    await admin.page.fill('[data-field="name"]', '山野绿茶无糖 1L');
    await admin.page.fill('[data-field="category"]', '饮料');
    await admin.page.fill('[data-field="launchDate"]', '2026-12-20');
    await admin.page.locator('[data-save-product]').click();
    await admin.page.locator('[data-product-error]').waitFor();
    expect(await admin.page.locator('[data-product-error]').textContent()).to.contain('校验位正确');
    await snap(admin.page, 'retail-catalogue', 'barcode-refused');
    await admin.page.fill('[data-field="barcode"]', '6901234567953');
    await admin.page.locator('[data-save-product]').click();
    await admin.page.locator('[data-saved]').waitFor();
    const row = admin.page.locator('[data-product]').filter({ hasText: '山野绿茶无糖 1L' });
    expect(await row.textContent()).to.contain('BEV-GT-1L').and.contain('条码 6901234567953').and.contain('2026年12月20日上市');

    await row.click();
    await admin.page.fill('[data-field="name"]', '山野绿茶 1L');
    await admin.page.locator('[data-save-product]').click();
    await admin.page.locator('[data-product]').filter({ hasText: '山野绿茶 1L' }).waitFor();
    await snap(admin.page, 'retail-catalogue', 'catalogue');
    const { rows: [p] } = await s.pool.query(`SELECT name, barcode FROM retail_products WHERE sku = 'BEV-GT-1L'`);
    expect(p).to.deep.equal({ name: '山野绿茶 1L', barcode: '6901234567953' });
    expect(admin.errors).to.deep.equal([]);
  });

  it('the region\'s manager adds a shelf position to a store and renames one, numbered after the store; an empty name cannot be sent', async () => {
    const store = Number((await s.pool.query(`SELECT id FROM customers WHERE name = '罗森静安寺店'`)).rows[0].id);
    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.li');
    await mgr.page.goto('/stores');
    await mgr.page.locator(`[data-edit-shelves="${store}"]`).click();
    const box = mgr.page.locator(`[data-store="${store}"] [data-shelves]`);
    await box.waitFor();
    expect(await box.locator('[data-add-shelf]').isDisabled()).to.equal(true);
    await box.locator('[data-new-shelf]').fill('端架第1层');
    await box.locator('[data-add-shelf]').click();
    await box.locator(`[data-shelf="SH${String(store).padStart(6, '0')}-4"]`).waitFor();
    const first = box.locator('[data-shelf]').first();
    await first.locator('input').fill('冷柜第1层');
    await first.locator('button').click();
    await mgr.page.locator(`[data-store="${store}"]`).getByText(/货架位：冷柜第1层/).waitFor();
    await snap(mgr.page, 'retail-catalogue', 'shelves');
    const { rows } = await s.pool.query('SELECT label FROM retail_shelf_positions WHERE store_id = $1 ORDER BY id', [store]);
    expect(rows.map((r) => r.label)).to.deep.equal(['冷柜第1层', '常温货架第3层', '收银台旁端架', '端架第1层']);
    expect(mgr.errors).to.deep.equal([]);
  });
});
