import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { LocalDiskStorage } from '../../core/attachments/storage.js';
import { logger } from '../../core/logger.js';
import { processNextLicenceScan } from '../../core/profile/licence/licence-scans.js';
import { OcrWorkerReader } from '../../core/profile/licence/ocr-runner.js';
import { tempDataDir } from '../integration/attachments/support/http.js';
import { licencePhoto } from '../integration/profile/support/licence-files.js';
import { signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

describe('H5 资质证照: photo → OCR → confirm (browser, 390×844)', function () {
  this.timeout(180_000);
  let s: BrowserSuite;
  let data: ReturnType<typeof tempDataDir>;
  let reader: OcrWorkerReader;
  before(async function () {
    this.timeout(300_000);
    data = tempDataDir();
    s = await startBrowserSuite({ env: { DATA_DIR: data.dir } });
    reader = new OcrWorkerReader({ logger });
  });
  after(async () => {
    await reader?.close();
    await s?.close();
    data?.remove();
  });

  it('lets a rep photograph a licence, see the fields arrive, correct one and save it with its expiry', async () => {
    const c = await customerNamed(s.pool, '南京鼓楼医院');
    const { truth, jpeg } = await licencePhoto(21, { rotateDeg: 2 });
    const { ctx, page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.sun');
    await page.goto(`/customers/${c.id}`);
    const section = page.getByTestId('licences');
    await section.locator('[data-input="licence-file"]').setInputFiles({ name: '营业执照.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await section.getByText('识别中，约需几秒…').waitFor();
    await snap(page, 'licence', 'reading');
    // the jobs part's queue, run here: one scan, in the OCR worker process
    const storage = new LocalDiskStorage(`${data.dir}/files`);
    expect(await processNextLicenceScan(s.pool, reader, (sha) => readFile(storage.pathOf(sha)), logger)).to.be.a('number');
    const sheet = page.getByTestId('licence-sheet');
    await sheet.waitFor();
    expect(await sheet.locator('[data-input="creditCode"]').inputValue()).to.equal(truth.creditCode);
    expect(await sheet.locator('[data-input="name"]').inputValue()).to.equal(truth.name);
    expect(await sheet.textContent()).to.contain('与客户档案名称「南京鼓楼医院」不一致');
    await sheet.locator('[data-input="legalRep"]').fill('王更正');
    await sheet.locator('[data-input="creditCode"]').fill(`${truth.creditCode.slice(0, 17)}${truth.creditCode[17] === '0' ? '1' : '0'}`);
    expect(await sheet.getByTestId('code-problem').textContent()).to.equal('统一社会信用代码校验位不正确，请逐位核对');
    await sheet.locator('[data-input="creditCode"]').fill(truth.creditCode);
    await snap(page, 'licence', 'confirm-sheet');
    await sheet.getByTestId('licence-confirm').click();
    await sheet.waitFor({ state: 'detached' });
    const saved = section.locator('[data-licence="business_licence"]');
    await saved.waitFor();
    expect(await saved.textContent()).to.contain(truth.creditCode).and.contain(truth.termTo ? '到期' : '长期有效');
    await snap(page, 'licence', 'saved');
    const { rows: [l] } = await s.pool.query('SELECT legal_rep, corrections FROM customer_licences WHERE customer_id = $1', [c.id]);
    expect(l.legal_rep).to.equal('王更正');
    expect(Object.keys(l.corrections)).to.deep.equal(['legalRep']);
    expect(errors).to.deep.equal([]);
    await ctx.close();
  });
});
