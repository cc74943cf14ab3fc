import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { shanghaiDate } from '../../core/flow/time.js';
import { labelPhoto, labelVideo } from '../support/barcode-images.js';
import { seedRetailNetworkForReps } from '../support/retail-network.js';
import { launch, signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * 扫码绑定货架位 outside WeCom: the page reads the shelf label's QR code and the
 * product's barcode itself — from the camera's live picture or from a photo —
 * with the decoder fetched from our own server on the first scan only; the
 * server still refuses another store's shelf.
 */
describe('新品上架 scanning in the page outside WeCom (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  let lawsonShelf: string;
  let familyShelf: string;
  let product: { id: number; barcode: string };

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    await seedRetailNetworkForReps(s.pool, shanghaiDate(new Date()));
    const shelf = async (name: string) => (await s.pool.query(
      'SELECT code FROM retail_shelf_positions WHERE store_id = $1 ORDER BY code LIMIT 1', [(await customerNamed(s.pool, name)).id])).rows[0].code as string;
    lawsonShelf = await shelf('罗森静安寺店');
    familyShelf = await shelf('全家徐家汇店');
    const { rows: [p] } = await s.pool.query(`SELECT id, barcode FROM retail_products WHERE sku = 'BEV-GT-500'`);
    product = { id: Number(p.id), barcode: p.barcode };
  });
  after(() => s?.close());

  /** A launch at 罗森静安寺店 whose clerk (clerk.1) is on its ① step. */
  async function openLaunch(browser: Browser, key: string): Promise<{ page: Page; errors: string[]; requests: string[]; launchId: number }> {
    const lawson = await customerNamed(s.pool, '罗森静安寺店');
    await s.pool.query('DELETE FROM retail_launches WHERE store_id = $1 AND product_id = $2', [lawson.id, product.id]);
    const created = await s.api.call('POST', '/api/retail/launches', {
      as: 'rep.zhao', body: { storeId: lawson.id, productId: product.id, launchDate: shanghaiDate(new Date()) }, headers: { 'Idempotency-Key': key },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const clerk = await signedInPhone(browser, { baseURL: s.api.baseUrl }, 'clerk.1');
    const requests: string[] = [];
    clerk.page.on('request', (r) => requests.push(r.url()));
    await clerk.page.goto(`/launches/${created.body.id}`);
    await clerk.page.locator('[data-step="bind"] [data-submit-step]').waitFor();
    return { ...clerk, requests, launchId: created.body.id };
  }

  it('a clerk without camera access is told how to allow it, reads both codes from photos, and the server still refuses another store\'s shelf', async () => {
    const { page, errors, requests } = await openLaunch(s.browser, 'scan-photo-1');
    await page.waitForLoadState('networkidle');
    expect(requests.filter((u) => /zxing/i.test(u)), 'the decoder is not part of the page\'s first load').to.deep.equal([]);

    await page.locator('[data-scan="shelfCode"]').click();
    await page.locator('[data-scan-sheet] [data-camera-error]').waitFor();
    // headless Chromium has no camera to give: refused or none, the clerk reads what to do in Chinese
    expect(await page.locator('[data-camera-error]').textContent()).to.match(/^(没有相机权限：请在手机的「设置」里允许浏览器（或微信）使用相机|没有找到可用的相机)/);
    await snap(page, 'retail-scan', 'camera-refused');

    // a photo with no code in it
    await page.setInputFiles('[data-scan-photo-input]', { name: 'blank.jpg', mimeType: 'image/jpeg', buffer: await blankPhoto() });
    await page.locator('[data-photo-error]').waitFor();
    expect(await page.locator('[data-photo-error]').textContent()).to.contain('照片里没有认出货架位标签上的二维码');

    // another store's shelf label, photographed
    await page.setInputFiles('[data-scan-photo-input]', { name: 'shelf.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto('QRCode', familyShelf) });
    await page.locator('[data-scan-sheet]').waitFor({ state: 'detached' });
    expect(await page.inputValue('[data-field="shelfCode"]')).to.equal(familyShelf);
    const origin = new URL(s.api.baseUrl).origin;
    const decoder = requests.filter((u) => /zxing/i.test(u));
    expect(decoder.some((u) => u.endsWith('.wasm')), 'the .wasm was fetched').to.equal(true);
    expect(decoder.every((u) => u.startsWith(`${origin}/assets/`)), `served by us: ${decoder.join(', ')}`).to.equal(true);

    await page.locator('[data-scan="barcode"]').click();
    await page.setInputFiles('[data-scan-photo-input]', { name: 'pack.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto('EAN13', product.barcode, { degrees: -3 }) });
    await page.locator('[data-scan-sheet]').waitFor({ state: 'detached' });
    expect(await page.inputValue('[data-field="barcode"]')).to.equal(product.barcode);

    await page.locator('[data-submit-step]').click();
    await page.locator('[data-step-error]').waitFor();
    expect(await page.locator('[data-step-error]').textContent()).to.contain('属于其他门店');

    // the right shelf; 手动输入 closes the sheet onto the field
    await page.locator('[data-scan="shelfCode"]').click();
    await page.locator('[data-manual]').click();
    await page.locator('[data-scan-sheet]').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-field'))).to.equal('shelfCode');
    await page.locator('[data-scan="shelfCode"]').click();
    await page.setInputFiles('[data-scan-photo-input]', { name: 'shelf.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto('QRCode', lawsonShelf) });
    await page.locator('[data-scan-sheet]').waitFor({ state: 'detached' });
    await page.locator('[data-submit-step]').click();
    await page.locator('[data-step="display"] [data-take-photo]').waitFor();
    expect(await page.locator('[data-step="bind"]').textContent()).to.contain(`货架位码 ${lawsonShelf} · 商品条码 ${product.barcode}`);
    await snap(page, 'retail-scan', 'bound-from-photos');
    expect(errors).to.deep.equal([]);
  });

  it('a clerk whose phone gives the camera sees it in a viewfinder, and the shelf label it films is read into the field', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'af-camera-'));
    const video = path.join(dir, 'shelf.mjpeg');
    writeFileSync(video, await labelVideo('QRCode', lawsonShelf));
    const withCamera = await launch({ cameraMjpeg: video });
    try {
      const { page, errors } = await openLaunch(withCamera, 'scan-camera-1');
      await page.locator('[data-scan="shelfCode"]').click();
      await page.locator('[data-scan-sheet] [data-viewfinder]').waitFor();
      await snap(page, 'retail-scan', 'viewfinder').catch(() => undefined);
      // the label is read from the live picture, no tap needed
      await page.locator('[data-scan-sheet]').waitFor({ state: 'detached' });
      expect(await page.inputValue('[data-field="shelfCode"]')).to.equal(lawsonShelf);
      expect(errors).to.deep.equal([]);
    } finally {
      await withCamera.close();
    }
  });
});

/** A photo of a grey wall: nothing to read. */
async function blankPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 720, height: 600, channels: 3, background: '#8a8f94' } }).jpeg().toBuffer();
}
