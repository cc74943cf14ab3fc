import { expect } from 'chai';
import { signedInPhone, snap } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';
import { upload } from '../integration/attachments/support/http.js';
import { SAMPLES } from '../integration/attachments/support/sample-files.js';

const TITLE = '同类客户质保谈判话术包';

/**
 * An admin writes the seed rule's pack in the app (a refusal first, in
 * Chinese), the customer downloads the warranty terms three times, the rep
 * opens the pushed card's link on the phone, reads the answer to an
 * objection and taps 用上了, and the admin sees the opens, 用上了 and pushes.
 */
describe('talk-track packs: authored by an admin, pushed to a rep and read on the phone (browser, 390×844)', function () {
  this.timeout(240_000);
  let s: BrowserSuite;
  let deal: { id: number; customer_id: number };

  before(async () => {
    s = await startBrowserSuite({ env: { TRUST_PROXY: '1' } });
    deal = (await s.pool.query(`SELECT id, customer_id FROM opportunities WHERE name = '华联2027年度饮料框架合同'`)).rows[0];
  });
  after(() => s?.close());

  it('lets the admin write a pack with an objection, a section, targets and a document', async () => {
    const admin = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'admin.lin');
    const { page } = admin;
    await page.goto('/settings');
    await page.getByTestId('open-talk-tracks').click();
    await page.locator('[data-talk-tracks]').waitFor();
    await page.locator('[data-new]').click();
    await page.locator('[data-talk-track-edit]').waitFor();
    await page.fill('[data-field="title"]', TITLE);
    // nothing written yet: the server says what is missing, where the save was
    await page.locator('[data-save]').click();
    await page.locator('[data-failure]').waitFor();
    expect(await page.locator('[data-failure]').textContent()).to.contain('话术包至少要有一个小节或一组异议应答');
    await snap(page, 'talk-tracks', 'refused-empty', { fullPage: false });

    await page.fill('[data-field="summary"]', '客户反复看延长质保条款时，用同类客户的做法谈延保。');
    await page.fill('[data-field="keywords"]', '质保、延保');
    await page.locator('[data-target="stageCodes:商务谈判"]').click();
    await page.locator('[data-target="signalKinds:客户反复下载文档"]').click();
    await page.fill('[data-field="objection-0"]', '别家质保给三年，你们只给两年');
    await page.fill('[data-field="answer-0"]', '我们两年是原厂全包；第三年可以做延保，按年付。');
    await page.locator('[data-add-section]').click();
    await page.fill('[data-field="heading-0"]', '先确认顾虑');
    await page.fill('[data-field="body-0"]', '问清客户担心的是停机还是费用。');
    await page.locator('[data-save]').click();
    await page.locator('[data-saved]').waitFor();
    await page.waitForURL(/\/settings\/talk-tracks\/\d+$/);
    await page.setInputFiles('input[data-upload]', { name: '延长质保条款.pdf', mimeType: 'application/pdf', buffer: SAMPLES.pdf() });
    await page.locator('[data-file]', { hasText: '延长质保条款.pdf' }).waitFor();
    await snap(page, 'talk-tracks', 'admin-authored');
    const { rows: [pack] } = await s.pool.query('SELECT stage_codes, signal_kinds, keywords FROM talk_track_packs WHERE title = $1', [TITLE]);
    expect(pack).to.deep.equal({ stage_codes: ['negotiation'], signal_kinds: ['document.downloaded'], keywords: ['质保', '延保'] });
    expect(admin.errors).to.deep.equal([]);
    await admin.ctx.close();
  });

  it('pushes the pack to the rep once the customer has downloaded the warranty terms three times; the rep reads it from the card and taps 用上了', async () => {
    const doc = (await upload(s.api, await s.api.tokenFor('rep.zhao'), SAMPLES.pdf(),
      { kind: 'document', customerId: String(deal.customer_id), tags: '延长质保条款', filename: '延长质保条款.pdf' })).body;
    const link = (await s.api.call('POST', `/api/opportunities/${deal.id}/share-links`, { as: 'rep.zhao', body: { attachmentId: doc.id } })).body;
    for (const net of [11, 12, 13]) {
      const r = await fetch(`${s.api.baseUrl}${new URL(link.url).pathname}/file`, { headers: { 'X-Forwarded-For': `198.51.${net}.9`, 'User-Agent': `phone ${net}` } });
      await r.arrayBuffer();
    }
    const { rows: cards } = await s.pool.query(`SELECT recipient, payload FROM outbox WHERE dedupe_key LIKE 'talk-track:%'`);
    expect(cards.map((c) => c.recipient)).to.deep.equal(['rep.zhao']);
    const url = new URL(cards[0].payload.template_card.card_action.url);

    const rep = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    const { page } = rep;
    await page.goto(url.pathname + url.search);
    await page.locator('[data-talk-track]').waitFor();
    expect(await page.locator('[data-title]').textContent()).to.equal(`《${TITLE}》`);
    expect(await page.locator('[data-pushed-for]').textContent()).to.match(/^客户3天内下载《延长质保条款\.pdf》3次$/);
    expect(await page.locator('[data-answer]').textContent()).to.equal('我们两年是原厂全包；第三年可以做延保，按年付。');
    expect(await page.locator('[data-file]').textContent()).to.contain('延长质保条款.pdf');
    await snap(page, 'talk-tracks', 'rep-reads-from-card');
    await page.locator('[data-helped]').click();
    await page.locator('[data-helped-done]').waitFor();
    expect(await page.locator('[data-helped-done]').textContent()).to.contain('共 1 人次用上');
    await snap(page, 'talk-tracks', 'rep-helped', { fullPage: false });
    // the deal offers the pack, with why it was pushed
    await page.goto(`/deals/${deal.id}`);
    const onDeal = page.locator(`[data-deal-pack="${TITLE}"]`);
    await onDeal.waitFor();
    expect(await onDeal.textContent()).to.contain('推送：客户3天内下载《延长质保条款.pdf》3次');
    await onDeal.scrollIntoViewIfNeeded();
    await snap(page, 'talk-tracks', 'deal-page-pack', { fullPage: false });
    // and so does the bot's phrase 质保怎么谈 (the reader's list shows it to reps too)
    await page.goto('/talk-tracks');
    await page.locator(`[data-pack="${TITLE}"]`).waitFor();
    expect(rep.errors).to.deep.equal([]);
    await rep.ctx.close();
  });

  it('shows the admin the pack\'s opens, 用上了 and pushes', async () => {
    const admin = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'admin.lin');
    await admin.page.goto('/talk-tracks');
    const usage = admin.page.locator(`[data-pack="${TITLE}"] [data-usage]`);
    await usage.waitFor();
    const text = (await usage.textContent())!.replace(/\s+/g, ' ');
    expect(text).to.contain('打开 1 次').and.contain('1 人看过').and.contain('用上了 1').and.contain('推送 1 次（1 次已打开）');
    await snap(admin.page, 'talk-tracks', 'admin-usage', { fullPage: false });
    expect(admin.errors).to.deep.equal([]);
    await admin.ctx.close();
  });
});
