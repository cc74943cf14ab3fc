import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { phone, signIn, snap, watchErrors } from './support/browser.js';
import { customerNamed, standingAt, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * A rep records the voice memo in the page itself (no JS-SDK: a plain
 * browser), through MediaRecorder and Chromium's fake microphone playing a
 * real spoken sentence. The server takes the browser's WebM/Opus, reads its
 * length from the file and keeps an MP3 copy that iOS can play.
 */
describe('recording a voice memo in the browser (MediaRecorder, fake microphone, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  let zhao: number;
  let jiahe: { id: number; lat: number; lng: number };

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite({ microphoneWav: fileURLToPath(new URL('../fixtures/audio/memo.wav', import.meta.url)) });
    zhao = await userId(s.pool, 'rep.zhao');
    jiahe = await customerNamed(s.pool, '上海嘉禾食品经销有限公司');
  });
  after(() => s?.close());

  it('records, uploads WebM/Opus, shows the length the server read and plays the MP3 copy, also after a reload', async () => {
    const created = await s.api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: jiahe.id, assigneeId: zhao, title: '拜访嘉禾：录音' } });
    expect(created.status).to.equal(201);
    const ctx = await phone(s.browser, { baseURL: s.api.baseUrl, geolocation: standingAt(jiahe) });
    await ctx.grantPermissions(['microphone', 'geolocation']);
    await signIn(ctx, 'rep.zhao');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`/actions/${created.body.id}`);
    await page.getByTestId('record').click();
    await page.getByTestId('recording').waitFor();
    await page.waitForTimeout(2500);
    await page.getByTestId('record').click();
    await page.locator('[data-voice-item][data-upload-state="uploaded"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('voice-duration').waitFor();
    await snap(page, 'voice-recording', 'recorded');

    const { rows } = await s.pool.query(
      `SELECT mime, duration_ms, playable_sha256 FROM attachments WHERE action_id = $1 AND kind = 'voice'`, [created.body.id]);
    expect(rows).to.have.length(1);
    expect(rows[0].mime).to.equal('audio/webm');
    expect(rows[0].duration_ms).to.be.within(1500, 4000);
    expect(rows[0].playable_sha256).to.match(/^[0-9a-f]{64}$/);
    expect(await page.getByTestId('voice-duration').textContent()).to.match(/^\d秒$/);

    const src = await page.locator('[data-voice-item] audio').getAttribute('src');
    expect(src).to.match(/\/content\?playable=1$/);
    const played = await page.evaluate(async (url) => {
      const r = await fetch(url!, { headers: { Range: 'bytes=0-' } });
      return { status: r.status, type: r.headers.get('content-type') };
    }, src);
    expect(played).to.deep.equal({ status: 206, type: 'audio/mpeg' });

    // the draft is saved to the server; after a reload the memo is still there to play
    const voiceId = (await s.pool.query(`SELECT id FROM attachments WHERE action_id = $1`, [created.body.id])).rows[0].id;
    for (let i = 0; i < 50; i++) {
      const d = await s.pool.query(`SELECT payload FROM action_drafts WHERE action_id = $1`, [created.body.id]);
      if (d.rows[0]?.payload.attachmentIds?.includes(Number(voiceId))) break;
      await page.waitForTimeout(300);
    }
    await page.evaluate(() => indexedDB.databases().then((dbs) => Promise.all(dbs.map((d) => new Promise((r) => { const q = indexedDB.deleteDatabase(d.name!); q.onsuccess = q.onerror = q.onblocked = r; })))));
    await page.reload();
    await page.locator('[data-voice-item] audio').waitFor();
    expect(await page.locator('[data-voice-item] audio').getAttribute('src')).to.equal(src);
    await snap(page, 'voice-recording', 'after-reload');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
