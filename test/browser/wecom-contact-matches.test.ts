import { expect } from 'chai';
import { applyExternalContacts } from '../../core/wecom-contacts/sync.js';
import { mergeByContact } from '../../core/wecom-contacts/match.js';
import type { ExternalContactOfMember } from '../../core/wecom/wecom-client.js';
import { signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, userId, type BrowserSuite } from './support/suite.js';

/**
 * 企业微信客户待确认 at 390×844: what a 客户联系 sync could not decide (put through the product's own
 * matching, as the nightly sync does) is asked on 客户 — 是 binds, 新建联系人 adds — and the admin's
 * settings say that demo mode has no WeCom to sync from.
 */
describe('H5 企业微信客户待确认 (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('asks the rep 是这位联系人吗 and 新建联系人吗 on 客户, and each answer lands on the contact', async () => {
    const hospital = await customerNamed(s.pool, '上海市第六人民医院');
    const { rows: [known] } = await s.pool.query(`SELECT id, name FROM contacts WHERE customer_id = $1 AND status = 'active' ORDER BY id OFFSET 1 LIMIT 1`, [hospital.id]);
    const pair = (externalUserid: string, name: string, more: Partial<ExternalContactOfMember> = {}): ExternalContactOfMember => ({
      externalUserid, name, type: 1, corpName: null, corpFullName: null, followUserid: 'rep.zhao', remark: null, remarkMobiles: [], remarkCorpName: null, ...more,
    });
    const r = await applyExternalContacts(s.pool, mergeByContact([
      pair('wmBrowserKnown01', known.name),
      pair('wmBrowserNew0001', '钱晓东', { remarkCorpName: '上海市第六人民医院', remarkMobiles: ['13761234567'] }),
    ]), new Map([['rep.zhao', await userId(s.pool, 'rep.zhao')]]));
    expect(r.asked).to.be.at.least(2);

    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhao');
    await page.goto('/customers');
    const card = page.getByTestId('wecom-matches');
    const knownQ = card.locator(`[data-wecom-match="${known.name}"]`).filter({ hasText: known.name }).first();
    await knownQ.waitFor();
    expect(await knownQ.textContent()).to.contain(`企业微信客户 ${known.name}（上海市第六人民医院）是这位联系人吗？`);
    const newQ = card.locator('[data-wecom-match="钱晓东"]');
    expect(await newQ.textContent()).to.contain('企业微信客户 钱晓东（上海市第六人民医院）还不在上海市第六人民医院的联系人里，要新建联系人吗？');
    expect(await newQ.locator('[data-answer="yes"]').count()).to.equal(0);
    await snap(page, 'wecom-contact-matches', 'questions');

    await knownQ.locator('[data-answer="yes"]').click();
    await page.getByTestId('wecom-match-notice').waitFor();
    expect(await page.getByTestId('wecom-match-notice').textContent()).to.equal(`已确认：${known.name}就是企业微信客户${known.name}`);
    await newQ.locator('[data-answer="create"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="wecom-match-notice"]')?.textContent?.includes('钱晓东'));
    expect(await page.getByTestId('wecom-match-notice').textContent()).to.equal('已新建联系人钱晓东（企业微信客户）');
    await card.locator('[data-wecom-match="钱晓东"]').waitFor({ state: 'detached' });
    await snap(page, 'wecom-contact-matches', 'answered');
    const { rows } = await s.pool.query(`SELECT name, phone, wecom_external_userid AS ext FROM contacts WHERE wecom_external_userid LIKE 'wmBrowser%' ORDER BY ext`);
    expect(rows).to.deep.equal([
      { name: known.name, phone: rows[0].phone, ext: 'wmBrowserKnown01' },
      { name: '钱晓东', phone: '13761234567', ext: 'wmBrowserNew0001' },
    ]);
    expect((await page.locator('body').textContent()) ?? '').to.not.match(/\d{4}-\d{2}-\d{2}|pending|wmBrowser/);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });

  it('tells the admin in settings that demo mode has no WeCom to sync 客户联系 from', async () => {
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'admin.lin');
    await page.goto('/settings');
    const card = page.getByTestId('wecom-contact-sync');
    await card.waitFor();
    expect(await card.textContent()).to.contain('演示模式：未配置企业微信，不能同步。');
    await card.scrollIntoViewIfNeeded();
    await snap(page, 'wecom-contact-matches', 'admin-settings');
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
