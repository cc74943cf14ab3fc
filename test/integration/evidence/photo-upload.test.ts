import { expect } from 'chai';
import sharp from 'sharp';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { cameraPhoto } from '../../support/camera-photo.js';
import { freshDatabase } from '../../support/database.js';
import { upload } from '../attachments/support/http.js';
import { crc32 } from '../attachments/support/sample-files.js';

const u32be = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
function pngChunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
}

/** A PNG whose header claims 20000×20000 pixels (a decompression bomb's shape). */
function hugePng(): Buffer {
  const ihdr = Buffer.concat([u32be(20_000), u32be(20_000), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * A JPEG whose EXIF block is built to hurt a parser: IFD0 claims 65,535 entries, each a
 * 4-billion-item value pointing back into the block, and its next-IFD link points at itself.
 */
async function exifBomb(): Promise<Buffer> {
  const ifd = Buffer.alloc(2 + 12 * 200 + 4);
  ifd.writeUInt16BE(0xffff, 0);
  for (let i = 0; i < 200; i++) {
    ifd.writeUInt16BE(0x010f + (i % 3), 2 + 12 * i); // Make, Model, StripOffsets …
    ifd.writeUInt16BE(2, 4 + 12 * i);
    ifd.writeUInt32BE(0xffffffff, 6 + 12 * i);
    ifd.writeUInt32BE(8, 10 + 12 * i);
  }
  ifd.writeUInt32BE(8, ifd.length - 4);
  const tiff = Buffer.concat([Buffer.from([0x4d, 0x4d, 0x00, 0x2a]), u32be(8), ifd]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  const picture = await cameraPhoto({ takenAt: null, camera: null, scene: 3, width: 320, height: 240 });
  return Buffer.concat([picture.subarray(0, 2), app1, payload, picture.subarray(2)]);
}

describe('evidence read from a photo at upload', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let zhao: string;
  const factsOf = async (id: number) => (await pool.query('SELECT facts, phash::text FROM attachment_evidence WHERE attachment_id = $1', [id])).rows[0];

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    zhao = await api.tokenFor('rep.zhao');
  });
  after(async () => {
    await api.close();
  });

  it('stores camera, GPS, size and perceptual hash beside the attachment', async () => {
    const buf = await cameraPhoto({ scene: 1, width: 400, height: 300, gps: { lat: 31.2304, lng: 121.4737 } });
    const res = await upload(api, zhao, buf, { kind: 'photo', tags: '门头照' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const { facts, phash } = await factsOf(res.body.id);
    expect(facts).to.deep.include({ kind: 'photo', width: 400, height: 300, hashed: true, hasExif: true, make: 'HUAWEI', model: 'ELS-AN00', fromWecom: false });
    expect(facts.gps.lat).to.be.closeTo(31.2304, 1e-5);
    expect(phash).to.match(/^-?\d+$/);
    expect(facts.similar).to.deep.equal([]);
    const bands = await pool.query('SELECT count(*)::int AS n FROM photo_hash_bands WHERE attachment_id = $1', [res.body.id]);
    expect(bands.rows[0].n).to.equal(4);
  });

  it('finds the earlier photo behind a resized, re-encoded, slightly cropped copy, and names who took it', async () => {
    const original = await cameraPhoto({ scene: 2, width: 800, height: 600 });
    const first = await upload(api, zhao, original, { kind: 'photo' });
    const copy = await sharp(original).extract({ left: 16, top: 12, width: 768, height: 576 }).resize(600).jpeg({ quality: 60 }).toBuffer();
    const second = await upload(api, await api.tokenFor('rep.qian'), copy, { kind: 'photo' });
    expect(second.status).to.equal(201);
    const { facts } = await factsOf(second.body.id);
    expect(facts.similar).to.have.length(1);
    expect(facts.similar[0]).to.deep.include({ attachmentId: first.body.id, sameBytes: false, uploadedBy: { id: first.body.uploadedBy.id, name: '赵磊' } });
    expect(facts.similar[0].distance).to.be.at.most(8);
    expect(facts.hasExif, 'the re-encode dropped EXIF').to.equal(false);
  });

  it('refuses a "photo" with no picture in it, in Chinese, and keeps nothing', async () => {
    const before = (await pool.query('SELECT count(*)::int AS n FROM attachments')).rows[0].n;
    const dummy = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
    const res = await upload(api, zhao, dummy, { kind: 'photo' });
    expect(res.status).to.equal(422);
    expect(res.body.error).to.include({ code: 'PHOTO_UNDECODABLE' });
    expect(res.body.error.message).to.match(/照片无法读取/);
    expect((await pool.query('SELECT count(*)::int AS n FROM attachments')).rows[0].n).to.equal(before);
  });

  it('refuses a 20000×20000 image before decoding it', async () => {
    const res = await upload(api, zhao, hugePng(), { kind: 'photo' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('PHOTO_TOO_LARGE');
    expect(res.body.error.message).to.contain('20000×20000');
  });

  it('accepts a truncated camera photo, decoding as much as arrived', async () => {
    const whole = await cameraPhoto({ scene: 4, width: 640, height: 480 });
    const res = await upload(api, zhao, whole.subarray(0, Math.floor(whole.length * 0.6)), { kind: 'photo' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect((await factsOf(res.body.id)).facts).to.deep.include({ width: 640, height: 480, hashed: true });
  });

  it('survives an EXIF bomb quickly and treats its EXIF as unreadable', async () => {
    const t0 = Date.now();
    const res = await upload(api, zhao, await exifBomb(), { kind: 'photo' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(Date.now() - t0).to.be.below(5_000);
    expect((await factsOf(res.body.id)).facts).to.deep.include({ make: null, model: null, hashed: true });
  });
});
