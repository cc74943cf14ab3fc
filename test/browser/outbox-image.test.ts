import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStorage } from '../../core/attachments/storage.js';
import { enqueueMessage } from '../../core/outbox/enqueue.js';
import { imageMessage, storeOutboxImage } from '../../core/outbox/media.js';
import { renderPng } from '../../core/obstacles/render.js';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';

/**
 * Demo mode's 发件箱 shows an image message (the weekly heatmap picture) as
 * the picture itself, fetched from GET /api/outbox/{id}/image with the
 * session cookie, lazily and never wider than the phone; a picture whose
 * bytes are gone says so instead of a broken icon.
 */
describe('H5 outbox image messages (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  let dataDir: string;
  let shownId: number;
  let lostId: number;

  before(async function () {
    this.timeout(300_000);
    // the API's attachment storage, shared with the test so it can store the picture as the weekly job does
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'af-outbox-img-'));
    s = await startBrowserSuite({ env: { DATA_DIR: dataDir } });
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600"><rect width="1200" height="600" fill="#ffccc7"/>'
      + '<rect x="100" y="100" width="400" height="200" fill="#ee0a24"/></svg>';
    const { png } = renderPng(svg, 1200);
    const ref = await storeOutboxImage(createStorage({ DATA_DIR: dataDir }), png, { filename: 'heatmap-test.png', title: '跨部门协同堵点热力图（测试周）' });
    await enqueueMessage(s.pool, { dedupeKey: 'test:outbox-image:shown', recipient: 'mgr.li', ...imageMessage(ref) });
    await enqueueMessage(s.pool, {
      dedupeKey: 'test:outbox-image:lost', recipient: 'mgr.li',
      ...imageMessage({ ...ref, sha256: 'f'.repeat(64), title: '已清理的旧图片' }),
    });
    const ids = (await s.pool.query(`SELECT id, dedupe_key FROM outbox WHERE dedupe_key LIKE 'test:outbox-image:%'`)).rows;
    shownId = Number(ids.find((r) => r.dedupe_key.endsWith('shown')).id);
    lostId = Number(ids.find((r) => r.dedupe_key.endsWith('lost')).id);
  });
  after(async () => {
    await s?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the picture in the card, lazily and within the screen width', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'mgr.li');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const imageResponses: Array<{ url: string; status: number; type: string | null }> = [];
    page.on('response', (r) => {
      if (/\/api\/outbox\/\d+\/image$/.test(new URL(r.url()).pathname)) imageResponses.push({ url: new URL(r.url()).pathname, status: r.status(), type: r.headers()['content-type'] ?? null });
    });
    await page.goto('/outbox');
    const card = page.locator(`[data-outbox-id="${shownId}"]`);
    await card.waitFor();
    expect(await card.locator('[data-msgtype]').getAttribute('data-msgtype')).to.equal('image');
    const img = card.getByTestId('outbox-image');
    expect(await img.getAttribute('loading')).to.equal('lazy');
    expect(await img.getAttribute('src')).to.equal(`/api/outbox/${shownId}/image`);
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((id) => {
      const el = document.querySelector(`[data-outbox-id="${id}"] img`) as HTMLImageElement | null;
      return !!el && el.complete && el.naturalWidth > 0;
    }, shownId);
    const box = await img.evaluate((el: HTMLImageElement) => ({
      natural: el.naturalWidth, shown: el.getBoundingClientRect().width, maxWidth: getComputedStyle(el).maxWidth,
      cardWidth: (el.closest('.wc') as HTMLElement).getBoundingClientRect().width,
    }));
    expect(box.natural).to.equal(1200);
    expect(box.maxWidth).to.equal('100%');
    expect(box.shown).to.be.greaterThan(200).and.to.be.at.most(box.cardWidth);
    expect(await card.textContent()).to.contain('跨部门协同堵点热力图（测试周）');
    expect(imageResponses.find((r) => r.url === `/api/outbox/${shownId}/image`)).to.deep.include({ status: 200, type: 'image/png' });
    await snap(page, 'outbox-image', 'picture-in-card', { fullPage: false });

    // the lost picture: its own words, not a broken icon
    const lost = page.locator(`[data-outbox-id="${lostId}"]`);
    await lost.scrollIntoViewIfNeeded();
    await lost.getByTestId('outbox-image-missing').waitFor();
    expect(await lost.getByTestId('outbox-image-missing').textContent()).to.contain('图片加载失败');
    expect(await lost.getByTestId('outbox-image').count()).to.equal(0);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('does not show another member\'s picture', async () => {
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl });
    await signIn(ctx, 'rep.zhao');
    const page = await ctx.newPage();
    const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/outbox');
    await page.goto('/outbox');
    expect((await listed).status()).to.equal(200);
    await page.locator('[data-outbox-id], .card.muted').first().waitFor();
    expect(await page.locator(`[data-outbox-id="${shownId}"]`).count()).to.equal(0);
    const r = await ctx.request.get(`/api/outbox/${shownId}/image`);
    expect(r.status()).to.equal(404);
    await ctx.close();
  });
});
