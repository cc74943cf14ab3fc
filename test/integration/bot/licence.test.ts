import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import { LocalDiskStorage } from '../../../core/attachments/storage.js';
import { logger } from '../../../core/logger.js';
import { processNextLicenceScan } from '../../../core/profile/licence/licence-scans.js';
import { OcrWorkerReader } from '../../../core/profile/licence/ocr-runner.js';
import { freshDatabase } from '../../support/database.js';
import { tempDataDir } from '../attachments/support/http.js';
import { licencePhoto } from '../profile/support/licence-files.js';
import { botDepsFor, say } from './bot-helpers.js';

describe('the bot: a licence photo read by OCR', function () {
  this.timeout(120_000);
  let pool: pg.Pool;
  let data: ReturnType<typeof tempDataDir>;
  let reader: OcrWorkerReader;
  before(async () => {
    ({ pool } = await freshDatabase(8));
    data = tempDataDir();
    reader = new OcrWorkerReader({ logger });
  });
  after(async () => {
    await reader.close();
    data.remove();
  });

  it('takes "华联的营业执照" then a photo as that customer\'s licence, and sends a card once it is read', async () => {
    const deps = botDepsFor(pool);
    expect(await say(deps, 'rep.zhao', '华联的营业执照')).to.equal('好的，请把「华联超市总部」的营业执照或许可证拍照发给我（拍正、拍全、不要反光），我来识别。');
    const { truth, jpeg } = await licencePhoto(31);
    const storage = new LocalDiskStorage(`${data.dir}/files`);
    const sha = createHash('sha256').update(jpeg).digest('hex');
    await storage.put(sha, jpeg);
    const { rows: [u] } = await pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`);
    const { rows: [a] } = await pool.query(
      `INSERT INTO attachments (sha256, kind, mime, size, uploaded_by) VALUES ($1, 'photo', 'image/jpeg', $2, $3) RETURNING id`, [sha, jpeg.length, u.id]);
    expect(await say(deps, 'rep.zhao', { kind: 'image', attachmentId: a.id }))
      .to.equal('收到「华联超市总部」的证照照片，正在识别（约需几秒）。识别好了我发卡片给你，点开核对每一项后确认保存。');
    const { rows: [scan] } = await pool.query(`SELECT s.status, s.source, c.name FROM licence_scans s JOIN customers c ON c.id = s.customer_id`);
    expect(scan).to.deep.equal({ status: 'queued', source: 'bot', name: '华联超市总部' });
    await processNextLicenceScan(pool, reader, (x) => readFile(storage.pathOf(x)), logger, 'https://af.example.com');
    const { rows: [card] } = await pool.query(`SELECT recipient, payload FROM outbox WHERE dedupe_key LIKE 'licence-scan:%'`);
    expect(card.recipient).to.equal('rep.zhao');
    expect(card.payload.textcard.title).to.equal('「华联超市总部」的证照已识别');
    expect(card.payload.textcard.description).to.contain(truth.creditCode);
    // the next photo is a visit photo again
    expect(await say(deps, 'rep.zhao', '华联')).to.not.contain('证照');
  });

  it('asks which customer when the message names none and no report is open', async () => {
    expect(await say(botDepsFor(pool), 'rep.qian', '帮我识别营业执照')).to.equal('是哪个客户的证照？请带上客户名，比如“华联的营业执照”。');
  });
});
