import { expect } from 'chai';
import { phone, signedInPhone, snap, watchErrors } from './support/browser.js';
import { startBrowserSuite, type BrowserSuite } from './support/suite.js';
import { SAMPLES } from '../integration/attachments/support/sample-files.js';

/**
 * A rep logging a follow-up (跟进) shares one of the customer's documents
 * with the contact they talked to without leaving the page: the customer's
 * open deal is the link's deal, the contact ticked as 对接人 is preselected,
 * and the link is shown to copy; the customer's open is counted against
 * that contact on the deal.
 */
describe('sharing a document from the follow-up page (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('shares the customer\'s document with the contact ticked as 对接人 from the one open deal, and the customer\'s open counts on that deal', async () => {
    // a customer of 赵磊's with one open deal of his and contacts
    const { rows: [c] } = await s.pool.query(
      `SELECT c.id, c.name, o.id AS deal_id, o.name AS deal_name
         FROM customers c JOIN opportunities o ON o.customer_id = c.id AND o.status = 'open'
        WHERE c.name = '上海市第六人民医院'`);
    expect(c, 'the seed\'s hospital deal').to.exist;
    const rep = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await rep.page.goto(`/followup?customerId=${c.id}`);
    const section = rep.page.locator('[data-section="followup-share"]');
    await section.waitFor();
    expect(await section.textContent()).to.contain(`商机：${c.deal_name}`);
    const chip = rep.page.locator('[data-contact-chip]').first();
    const contactName = await chip.getAttribute('data-contact-chip');
    await chip.click();
    await section.getByTestId('followup-open-share').click();
    const sheet = rep.page.locator('[data-share-sheet]');
    await sheet.locator('input[data-upload-doc]').setInputFiles({ name: '延长质保条款.pdf', mimeType: 'application/pdf', buffer: SAMPLES.pdf() });
    await sheet.locator('[data-doc="延长质保条款.pdf"]:checked').waitFor();
    const docName = '延长质保条款.pdf';
    // the contact the rep talked to is who the link goes to, unless they pick another
    expect(await sheet.locator('select[data-contact] option:checked').textContent()).to.contain(contactName!);
    await snap(rep.page, 'followup-share', 'sheet-with-contact');
    await sheet.getByTestId('make-link').click();
    const url = await sheet.locator('[data-new-link]').inputValue();
    expect(url).to.match(/\/s\/\d+\.[\w-]{22}$/);
    expect(await sheet.textContent()).to.contain(`《${docName}》的链接已生成，发给${contactName}`);
    // a plain browser: copy, no WeCom button
    expect(await sheet.getByTestId('send-in-wecom').count()).to.equal(0);
    await sheet.locator('[data-copy-new]').click();
    await sheet.getByText('已复制').waitFor();
    await snap(rep.page, 'followup-share', 'link-made');
    await sheet.getByTestId('share-done').click();
    const row = section.locator('[data-shared-link]');
    await row.waitFor();
    expect(await row.textContent()).to.contain(`已分享《${docName}》给${contactName}`);
    await snap(rep.page, 'followup-share', 'shared-on-followup');

    const linkId = Number(/\/s\/(\d+)\./.exec(url)![1]);
    const link = (await s.pool.query('SELECT opportunity_id, contact_id FROM share_links WHERE id = $1', [linkId])).rows[0];
    expect(link.opportunity_id).to.equal(c.deal_id);
    const customerCtx = await phone(s.browser, { baseURL: s.api.baseUrl });
    const customer = await customerCtx.newPage();
    const errors = watchErrors(customer);
    await customer.goto(new URL(url).pathname);
    await customer.locator('[data-download]').waitFor();
    const open = (await s.pool.query('SELECT o.contact_id, ct.name FROM share_opens o JOIN contacts ct ON ct.id = o.contact_id WHERE o.link_id = $1', [linkId])).rows;
    expect(open).to.deep.equal([{ contact_id: link.contact_id, name: contactName }]);
    expect(errors).to.deep.equal([]);
    expect(rep.errors).to.deep.equal([]);
    await customerCtx.close();
    await rep.ctx.close();
  });
});
