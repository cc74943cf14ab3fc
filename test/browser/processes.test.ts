import { expect } from 'chai';
import { signedInPhone, snap } from './support/browser.js';
import { customerNamed, daysAheadLocal, pickDateTime, startBrowserSuite, type BrowserSuite } from './support/suite.js';
import { SAMPLES } from '../integration/attachments/support/sample-files.js';

/**
 * 入院准入 in the app: a manager starts it from the hospital's page and sees
 * who is late; the rep completes a node by filing the documents it asks
 * for; the manager pauses it with a reason and cancels it.
 */
describe('mandatory processes in the app (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;

  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('starts 入院准入 for a hospital, shows who is late, takes a node\'s documents, then pauses and cancels it', async () => {
    const xiehe = await customerNamed(s.pool, '北京协和医院');
    const mgr = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'mgr.chen');
    await mgr.page.goto(`/customers/${xiehe.id}`);
    await mgr.page.getByTestId('start-process').click();
    await mgr.page.locator('[data-template="hospital_admission"]').click();
    await mgr.page.waitForURL(/\/processes\/\d+$/);
    const processId = Number(mgr.page.url().split('/').pop());
    await mgr.page.locator('[data-node]').first().waitFor();
    expect(await mgr.page.locator('[data-node]').count()).to.equal(12);

    // the first node's deadline has passed
    await s.pool.query(`UPDATE actions SET due_at = now() - interval '2 days 1 hour' WHERE process_instance_id = $1 AND node_key = 'clinical_need'`, [processId]);
    await mgr.page.reload();
    await mgr.page.locator('[data-node="clinical_need"] [data-late-note]').waitFor();
    expect(await mgr.page.locator('[data-node="clinical_need"] [data-late-note]').textContent()).to.equal('周婷 已逾期 2 天');
    await snap(mgr.page, 'processes', 'nodes');

    // the rep completes 资质文件 (three documents) from the process page
    const rep = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.zhou');
    await rep.page.goto(`/processes/${processId}`);
    await rep.page.locator('[data-node="qualification"]').click();
    await rep.page.locator('[data-doc-row="资质文件"]').waitFor();
    await rep.page.fill('[data-input="summary"]', '已向设备科提交公司及产品资质文件');
    await rep.page.fill('[data-input="nextStep"]', '下周确认采购中心的准入流程');
    await pickDateTime(rep.page, '[data-input="nextContactAt"]', daysAheadLocal(5));
    for (const name of ['营业执照.pdf', '注册证.pdf', '授权书.pdf']) {
      await rep.page.setInputFiles('input[data-doc-file="资质文件"]', { name, mimeType: 'application/pdf', buffer: SAMPLES.pdf() });
    }
    await rep.page.waitForFunction(() => document.querySelectorAll('[data-doc-row="资质文件"] [data-upload-state="uploaded"]').length === 3);
    await snap(rep.page, 'processes', 'node-documents');
    await rep.page.getByTestId('submit').click();
    await rep.page.getByTestId('review').waitFor();
    await rep.page.goto(`/processes/${processId}`);
    await rep.page.locator('[data-node="qualification"]').filter({ hasText: '已提交' }).waitFor();
    expect(rep.errors).to.deep.equal([]);
    await rep.ctx.close();

    await mgr.page.reload();
    await mgr.page.getByTestId('open-pause').click();
    await mgr.page.getByTestId('process-reason-input').fill('医院采购中心换届，暂停两周');
    await mgr.page.getByTestId('confirm-process').click();
    await mgr.page.locator('[data-process-status="paused"]').waitFor();
    expect(await mgr.page.getByTestId('process-reason').textContent()).to.contain('暂停：医院采购中心换届，暂停两周');
    await mgr.page.getByTestId('open-cancel').click();
    await mgr.page.getByTestId('process-reason-input').fill('医院改为集采，不再单独准入');
    await mgr.page.getByTestId('confirm-process').click();
    await mgr.page.locator('[data-process-status="cancelled"]').waitFor();
    const statuses = (await s.pool.query('SELECT node_key, status FROM actions WHERE process_instance_id = $1', [processId])).rows;
    expect(statuses.find((r) => r.node_key === 'qualification').status).to.equal('submitted');
    expect(statuses.filter((r) => r.node_key !== 'qualification').every((r) => r.status === 'archived')).to.equal(true);
    await snap(mgr.page, 'processes', 'cancelled');
    expect(mgr.errors).to.deep.equal([]);
    await mgr.ctx.close();
  });
});
