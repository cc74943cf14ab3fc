import { expect } from 'chai';
import type pg from 'pg';
import { phone, signedInPhone, snap, watchErrors } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';
import { SAMPLES } from '../integration/attachments/support/sample-files.js';

/**
 * A rep reads a deal's win score (probability, model, reasons in points),
 * shares a document from a deal, the customer opens it on their phone
 * (no account, a plain page under its own policy), downloads it, and the rep
 * sees the open on the deal's 文档打开 list and a WeCom message in the outbox;
 * after 撤回 the customer gets 链接已失效.
 */
describe('a deal\'s win score, and document links shared from it and opened by the customer (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  let deal: { id: number; customer_id: number; customer: string };

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
    deal = (await s.pool.query(
      `SELECT o.id, o.customer_id, c.name AS customer FROM opportunities o JOIN users u ON u.id = o.owner_id JOIN customers c ON c.id = o.customer_id
        WHERE u.wecom_userid = 'rep.zhao' AND o.status = 'open' ORDER BY o.id LIMIT 1`)).rows[0];
  });
  after(() => s?.close());

  const firstOpenMessages = async (pool: pg.Pool, linkId: number) =>
    (await pool.query(`SELECT recipient FROM outbox WHERE dedupe_key = $1`, [`share-link:${linkId}:first-open`])).rows;

  it('shares a new document with a contact, shows the customer\'s open and download, and revokes it', async () => {
    const rep = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await rep.page.goto(`/deals/${deal.id}`);
    // the win score first: a percentage, the prior model and how many closed deals a model of its own needs
    const score = rep.page.locator('[data-section="win-score"]');
    await score.locator('[data-probability]').waitFor();
    expect(await score.locator('[data-probability]').textContent()).to.match(/^\d{1,3}%$/);
    expect(await score.locator('[data-model]').textContent()).to.match(/^先验规则/).and.contain('阶段基础');
    const reasons = await score.locator('[data-reason]').allTextContents();
    expect(reasons.length).to.be.within(0, 3);
    for (const r of reasons) expect(r).to.match(/：[+-](\d+ 个百分点|不到1个百分点)$/);
    await snap(rep.page, 'document-shares', 'win-score', { fullPage: false });
    const section = rep.page.locator('[data-section="document-shares"]');
    await section.getByTestId('open-share').click();
    await rep.page.setInputFiles('input[data-upload-doc]', { name: '延长质保条款.pdf', mimeType: 'application/pdf', buffer: SAMPLES.pdf() });
    await rep.page.locator('[data-doc="延长质保条款.pdf"]:checked').waitFor();
    const contactOptions = await rep.page.locator('select[data-contact] option').allTextContents();
    if (contactOptions.length > 1) await rep.page.selectOption('select[data-contact]', { index: 1 });
    await snap(rep.page, 'document-shares', 'share-sheet');
    await rep.page.getByTestId('make-link').click();
    const url = await rep.page.locator('[data-new-link]').inputValue();
    const linkPath = new URL(url).pathname;
    expect(linkPath).to.match(/^\/s\/\d+\.[\w-]{22}$/);
    await snap(rep.page, 'document-shares', 'link-made');
    await rep.page.getByRole('button', { name: '完成' }).click();
    const linkId = Number(linkPath.slice(3).split('.')[0]);
    const row = rep.page.locator(`[data-link="${linkId}"]`);
    expect(await row.locator('[data-opens]').textContent()).to.contain('打开 0 次').and.contain('下载 0 次');
    expect(await row.textContent()).to.contain('未打开');

    // the customer, on a phone of their own, signed in to nothing
    const customerCtx = await phone(s.browser, { baseURL: s.api.baseUrl });
    const customer = await customerCtx.newPage();
    const errors = watchErrors(customer);
    const violations: string[] = [];
    customer.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    const res = await customer.goto(linkPath);
    expect(res!.status()).to.equal(200);
    await customer.locator('[data-download]').waitFor();
    expect(await customer.locator('h1').textContent()).to.equal('《延长质保条款.pdf》');
    expect(await customer.locator('[data-privacy]').textContent()).to.contain('IPv4 前 24 位');
    await snap(customer, 'document-shares', 'customer-page');
    const [download] = await Promise.all([customer.waitForEvent('download'), customer.locator('[data-download]').click()]);
    expect(download.suggestedFilename()).to.equal('延长质保条款.pdf');
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(errors).to.deep.equal([]);

    await rep.page.reload();
    await row.locator('text=客户已打开').waitFor();
    expect(await row.locator('[data-opens]').textContent()).to.contain('打开 1 次').and.contain('下载 1 次').and.contain('最近');
    await snap(rep.page, 'document-shares', 'opened-on-deal');
    expect(await firstOpenMessages(s.pool, linkId)).to.deep.equal([{ recipient: 'rep.zhao' }]);

    rep.page.once('dialog', (d) => d.accept());
    await row.locator('[data-revoke]').click();
    await row.locator('text=已撤回').waitFor();
    const gone = await customer.goto(linkPath);
    expect(gone!.status()).to.equal(410);
    expect(await customer.locator('h1').textContent()).to.equal('链接已失效');
    await snap(customer, 'document-shares', 'customer-revoked');
    const forged = await customer.goto(`${linkPath.slice(0, -2)}xx`);
    expect(forged!.status()).to.equal(404);
    expect(await customer.locator('h1').textContent()).to.equal('链接无效');
    // the pipeline shows the score the deal's read stored
    await rep.page.goto('/deals');
    const pill = rep.page.locator(`[data-deal-id="${deal.id}"] [data-score]`);
    await pill.waitFor();
    expect(await pill.textContent()).to.match(/^赢率 \d{1,3}%$/);
    await snap(rep.page, 'document-shares', 'pipeline-scores', { fullPage: false });
    expect(rep.errors).to.deep.equal([]);
    await customerCtx.close();
    await rep.ctx.close();
  });
});
