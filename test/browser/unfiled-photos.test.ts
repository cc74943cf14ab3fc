import { expect } from 'chai';
import { botDepsFor, say } from '../integration/bot/bot-helpers.js';
import { signedInPhone, snap } from './support/browser.js';
import { cameraPhoto, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

describe('H5 visit page: a picture sent to the bot before the visit is offered once (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('asks 刚才发给机器人的照片要用在这次拜访吗 with the tag it guesses, and one tap puts it in the 门头照 row of the draft', async () => {
    const sun = await userId(s.pool, 'rep.sun');
    const photo = await cameraPhoto('door.jpg', 10);
    const up = await s.api.call('POST', '/api/attachments?kind=photo', { as: 'rep.sun', raw: new Uint8Array(photo.buffer), headers: { 'Content-Type': 'image/jpeg' } });
    expect(up.status).to.equal(201);
    expect(await say(botDepsFor(s.pool), 'rep.sun', { kind: 'image', attachmentId: up.body.id })).to.contain('收到照片，先保存着');

    const { rows: [c] } = await s.pool.query('SELECT id, name FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1', [sun]);
    const started = await s.api.call('POST', '/api/actions', { as: 'rep.sun', body: { definitionCode: 'visit', customerId: c.id } });
    expect(started.status).to.equal(201);
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.sun');
    await page.goto(`/actions/${started.body.id}`);
    const offer = page.getByTestId('unfiled-photos');
    await offer.waitFor();
    expect(await offer.textContent()).to.contain('刚才发给机器人的照片要用在这次拜访吗？').and.contain('门头照').and.not.match(/\d{4}-\d{2}-\d{2}|null/);
    await page.waitForFunction((id) => {
      const img = document.querySelector(`[data-unfiled="${id}"] img`) as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth > 0;
    }, up.body.id);
    await offer.scrollIntoViewIfNeeded();
    await snap(page, 'unfiled-photos', 'offer', { fullPage: false });

    await page.getByTestId('use-unfiled').click();
    await page.getByTestId('unfiled-done').waitFor();
    expect(await page.getByTestId('unfiled-done').textContent()).to.contain('已加到这次拜访（1张）');
    await page.locator('[data-photo-row="门头照"] .thumb').first().waitFor();
    // saved to the server's draft by the page, as a photo taken on it would be (bounded by the test's timeout)
    for (;;) {
      const { rows: [d] } = await s.pool.query('SELECT payload FROM action_drafts WHERE action_id = $1', [started.body.id]);
      if (d?.payload.attachmentIds?.includes(up.body.id)) break;
      await page.waitForTimeout(50);
    }
    const { rows: [a] } = await s.pool.query('SELECT tags FROM attachments WHERE id = $1', [up.body.id]);
    expect(a.tags).to.deep.equal(['门头照']);
    await page.locator('[data-photo-row="门头照"]').scrollIntoViewIfNeeded();
    await snap(page, 'unfiled-photos', 'used', { fullPage: false });

    // asked once: opened again, the page offers nothing
    await page.reload();
    await page.getByTestId('check-in').waitFor();
    expect(await page.getByTestId('unfiled-photos').count()).to.equal(0);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
