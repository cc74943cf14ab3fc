import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import sharp from 'sharp';
import { LocalDiskStorage } from '../../../core/attachments/storage.js';
import { logger } from '../../../core/logger.js';
import { processNextLicenceScan } from '../../../core/profile/licence/licence-scans.js';
import { OcrWorkerReader, type LicenceReader } from '../../../core/profile/licence/ocr-runner.js';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { tokenOf, upload } from '../attachments/support/http.js';
import { licencePhoto, scannedPdf } from './support/licence-files.js';

describe('licence OCR: upload, read off the request path, confirm field by field', function () {
  this.timeout(180_000);
  let api: TestApi;
  let pool: pg.Pool;
  let reader: LicenceReader;
  let storage: LocalDiskStorage;
  let sun: string;
  let cid: number;

  const fileOf = (sha: string) => readFile(storage.pathOf(sha));
  const read = (r: LicenceReader = reader) => processNextLicenceScan(pool, r, fileOf, logger);
  const scanOf = async (bytes: Buffer, customerId = cid, token = sun) => {
    const up = await upload(api, token, bytes, { kind: bytes.subarray(0, 4).toString() === '%PDF' ? 'document' : 'photo', customerId: String(customerId) });
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
    const res = await api.call('POST', `/api/customers/${customerId}/licence-scans`, { headers: { Authorization: `Bearer ${token}` }, body: { attachmentId: up.body.id } });
    return res;
  };
  const get = async (id: number) => (await api.call('GET', `/api/licence-scans/${id}`, { as: 'rep.sun' })).body;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    storage = new LocalDiskStorage(`${api.dataDir}/files`);
    reader = new OcrWorkerReader({ logger });
    sun = await tokenOf(pool, 'rep.sun');
    cid = (await pool.query(`SELECT id FROM customers WHERE name = '南京鼓楼医院'`)).rows[0].id;
    await pool.query('UPDATE customers SET address = NULL WHERE id = $1', [cid]);
  });
  after(async () => {
    await reader?.close();
    await api?.close();
  });

  it('answers the upload at once (202, queued), then reads every field of a tilted licence photo', async () => {
    const { truth, jpeg } = await licencePhoto(11, { rotateDeg: -3 });
    const res = await scanOf(jpeg);
    expect(res.status).to.equal(202);
    expect(res.body).to.include({ status: 'queued', statusLabel: '排队识别中' });
    expect(await read()).to.equal(res.body.id);
    const scan = await get(res.body.id);
    expect(scan).to.include({ status: 'read', kind: 'business_licence', kindLabel: '营业执照' });
    expect(scan.fields).to.include({
      creditCode: truth.creditCode, name: truth.name, legalRep: truth.legalRep, registeredCapital: truth.registeredCapital,
      establishedOn: truth.establishedOn, address: truth.address,
    });
    expect(scan.checks.creditCode).to.deep.equal({ ok: true, message: null });
    expect(scan.checks.name).to.deep.equal({ customer: '南京鼓楼医院', matches: false });
    expect(scan.checks.address).to.include({ customer: null, willFill: true });
  });

  it('keeps the rep\'s corrections beside what OCR read, fills the empty address, and counts accuracy per field', async () => {
    const [pending] = (await api.call('GET', `/api/customers/${cid}/licences`, { as: 'rep.sun' })).body.pending;
    const fields = { ...pending.fields, legalRep: '王改正', termTo: pending.fields.termTo ?? undefined };
    const res = await api.call('POST', `/api/licence-scans/${pending.id}/confirm`, {
      as: 'rep.sun', body: { kind: 'business_licence', fields, longTerm: pending.longTerm },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.fields.legalRep).to.equal('王改正');
    expect(res.body.corrections).to.deep.equal({ legalRep: { read: pending.fields.legalRep, confirmed: '王改正' } });
    expect(res.body.expiresOn).to.equal(pending.longTerm ? null : pending.fields.termTo);
    const { rows: [c] } = await pool.query('SELECT name, address FROM customers WHERE id = $1', [cid]);
    expect(c).to.deep.equal({ name: '南京鼓楼医院', address: pending.fields.address });
    const acc = (await api.call('GET', '/api/licences/accuracy', { as: 'director.wang' })).body;
    const byField = Object.fromEntries(acc.fields.map((f: any) => [f.field, f]));
    expect(byField.legalRep).to.include({ read: 1, correct: 0, accuracy: 0 });
    expect(byField.creditCode).to.include({ read: 1, correct: 1, accuracy: 1 });
    const again = await api.call('POST', `/api/licence-scans/${pending.id}/confirm`, { as: 'rep.sun', body: { kind: 'business_licence', fields, longTerm: pending.longTerm } });
    expect(again.status).to.equal(409);
  });

  it('turns an upside-down photo and reads a PDF scan; the same credit code on another customer shows as a duplicate', async () => {
    const { truth, jpeg } = await licencePhoto(11, { turn: 180 });
    const other = (await pool.query(`SELECT id FROM customers WHERE name = '苏果超市南京总部'`)).rows[0].id;
    const turned = await scanOf(jpeg, other);
    await read();
    const scan = await get(turned.body.id);
    expect(scan.fields.creditCode).to.equal(truth.creditCode);
    expect(scan.checks.duplicates).to.deep.equal([{ customerId: cid, customerName: '南京鼓楼医院', visible: true }]);
    const pdf = await scanOf(await scannedPdf((await licencePhoto(12)).jpeg));
    await read();
    expect((await get(pdf.body.id)).fields.name).to.equal((await licencePhoto(12)).truth.name);
  });

  it('refuses a photo that is not a licence, and a confirmation with a wrong check digit, saving nothing', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#3a7"/><circle cx="400" cy="300" r="150" fill="#fc3"/></svg>';
    const landscape = await sharp(Buffer.from(svg)).jpeg().toBuffer();
    const res = await scanOf(landscape);
    await read();
    const scan = await get(res.body.id);
    expect(scan).to.include({ status: 'refused', message: '这张图片不像营业执照或许可证：请拍摄证照正本或副本的整页。' });
    const before = (await pool.query('SELECT count(*)::int AS n FROM customer_licences')).rows[0].n;
    const bad = await api.call('POST', `/api/licence-scans/${res.body.id}/confirm`, {
      as: 'rep.sun', body: { kind: 'business_licence', fields: { creditCode: '91320106MA1XXXXX00', name: '某公司' }, longTerm: true },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0]).to.deep.equal({ path: 'body.fields.creditCode', message: '统一社会信用代码校验位不正确，请逐位核对' });
    expect((await pool.query('SELECT count(*)::int AS n FROM customer_licences')).rows[0].n).to.equal(before);
  });

  it('keeps the upload and says OCR is unavailable when the model cannot load; the rep can still type it in', async () => {
    const broken = new OcrWorkerReader({ logger, env: { OCR_MODELS_DIR: `${api.dataDir}/no-models` } });
    try {
      const res = await scanOf((await licencePhoto(13)).jpeg);
      await read(broken);
      const scan = await get(res.body.id);
      expect(scan).to.include({ status: 'unavailable', statusLabel: '识别功能暂不可用', message: '文字识别暂不可用：照片已保存，请手动填写执照信息。' });
      const ok = await api.call('POST', `/api/licence-scans/${res.body.id}/confirm`, {
        as: 'rep.sun', body: { kind: 'medical_device_permit', fields: { name: '南京鼓楼医院', permitNo: '苏宁食药监械经营许20190001号', validTo: '2027-03-31' } },
      });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      expect(ok.body).to.include({ kind: 'medical_device_permit', expiresOn: '2027-03-31' });
      expect(ok.body.corrections).to.deep.equal({});
    } finally {
      await broken.close();
    }
  });

  it('refuses a 50 MB PDF at upload with a Chinese message and stores nothing', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(50 * 1024 * 1024, 0x20)]);
    const before = (await pool.query('SELECT count(*)::int AS n FROM attachments')).rows[0].n;
    const res = await upload(api, sun, big, { kind: 'document', customerId: String(cid) });
    expect(res.status).to.equal(413);
    expect(res.body.error.message).to.match(/不能超过20MB/);
    expect((await pool.query('SELECT count(*)::int AS n FROM attachments')).rows[0].n).to.equal(before);
  });
});
