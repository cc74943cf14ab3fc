import { expect } from 'chai';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { chunked, filesUnder, rawCall, tokenOf, upload } from './support/http.js';
import { jpegWithExif, jpegWithoutExif, padTo, SAMPLES, voiceMemo, zip } from './support/sample-files.js';

const MB = 1024 * 1024;

describe('uploading attachments (POST /api/attachments)', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let zhao: string;
  const count = async (sql: string, params: unknown[] = []) => (await pool.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    zhao = await api.tokenFor('rep.zhao');
  });
  after(async () => {
    await api.close();
  });

  const EXPECTED = {
    jpeg: ['photo', 'image/jpeg'], png: ['photo', 'image/png'], webp: ['photo', 'image/webp'], heic: ['photo', 'image/heic'],
    amr: ['voice', 'audio/amr'], speex: ['voice', 'audio/ogg; codecs=speex'], mp3: ['voice', 'audio/mpeg'], m4a: ['voice', 'audio/mp4'],
    mp4: ['voice', 'audio/mp4'], wav: ['voice', 'audio/wav'], webm: ['voice', 'audio/webm'], opus: ['voice', 'audio/ogg; codecs=opus'],
    '3gp': ['voice', 'audio/3gpp'],
    pdf: ['document', 'application/pdf'],
    docx: ['document', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    xlsx: ['document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  } as const;

  for (const [type, [kind, mime]] of Object.entries(EXPECTED)) {
    it(`accepts ${type} by its content and stores it as a ${kind} (${mime}), whatever the name says`, async () => {
      const buf = SAMPLES[type as keyof typeof SAMPLES]();
      const res = await upload(api, zhao, buf, { kind, filename: 'upload.bin', tags: '门头照' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({ kind, mime, size: buf.length, filename: 'upload.bin', source: 'upload' });
      expect(res.body.sha256).to.equal(createHash('sha256').update(buf).digest('hex'));
      expect(res.body.tags).to.deep.equal(['门头照']);
      expect(res.body.uploadedBy.name).to.equal('赵磊');
    });
  }

  it('accepts an MP3 without an ID3 tag by its frame header, and infers the kind when none is declared', async () => {
    const tagged = voiceMemo('memo.mp3');
    // ID3v2: 10-byte header, then a syncsafe size
    const id3Size = 10 + ((tagged[6] << 21) | (tagged[7] << 14) | (tagged[8] << 7) | tagged[9]);
    const res = await upload(api, zhao, tagged.subarray(id3Size));
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ kind: 'voice', mime: 'audio/mpeg', filename: null });
  });

  it('refuses a PNG renamed .jpg and declared as voice with 415, naming what the content really is', async () => {
    const before = await count('attachments');
    const res = await upload(api, zhao, SAMPLES.png(), { kind: 'voice', filename: '门头照.jpg' }, { 'Content-Type': 'image/jpeg' });
    expect(res.status).to.equal(415);
    expect(res.body.error.code).to.equal('ATTACHMENT_TYPE_UNSUPPORTED');
    expect(res.body.error.message).to.contain('PNG').and.contain('语音');
    expect(res.body.error.details).to.include({ declaredKind: 'voice', detected: 'png' });
    expect(await count('attachments')).to.equal(before);
  });

  it('refuses content that is no accepted format (text, a bare ZIP, a PDF declared as a photo) with 415', async () => {
    for (const [buf, query] of [
      [Buffer.from('just some text pretending to be a photo'), { filename: 'x.jpg' }],
      [zip([['readme.txt', 'hello']]), { kind: 'document' }],
      [SAMPLES.pdf(), { kind: 'photo' }],
    ] as const) {
      const res = await upload(api, zhao, buf, query);
      expect(res.status, JSON.stringify(res.body)).to.equal(415);
      expect(res.body.error.code).to.equal('ATTACHMENT_TYPE_UNSUPPORTED');
    }
  });

  it('refuses a multipart form with 415 explaining to send the raw file', async () => {
    const res = await upload(api, zhao, Buffer.from('--x\r\nContent-Disposition: form-data; name="f"\r\n\r\nabc\r\n--x--'), {}, { 'Content-Type': 'multipart/form-data; boundary=x' });
    expect(res.status).to.equal(415);
    expect(res.body.error.message).to.contain('原始内容');
  });

  it('refuses an oversize photo with 413 and the limit in the message (Content-Length known)', async () => {
    const before = await count('attachments');
    const res = await upload(api, zhao, padTo(SAMPLES.png(), 10 * MB + 1), { kind: 'photo' });
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('ATTACHMENT_TOO_LARGE');
    expect(res.body.error.message).to.contain('照片不能超过10MB');
    expect(res.body.error.details).to.deep.equal({ kind: 'photo', limitBytes: 10 * MB });
    expect(await count('attachments')).to.equal(before);
  });

  it('counts bytes of a chunked upload: an undeclared 11 MB AMR is refused by the voice limit (10MB)', async () => {
    const res = await upload(api, zhao, chunked(padTo(SAMPLES.amr(), 11 * MB)));
    expect(res.status).to.equal(413);
    expect(res.body.error.message).to.contain('语音不能超过10MB');
  });

  it('reads a voice file\'s duration from the file, not the client, and keeps an MP3 copy only where webviews cannot play it', async () => {
    for (const [memo, copied] of [['memo.webm', true], ['memo.amr', true], ['memo.3gp', true], ['memo.ogg', true], ['memo.m4a', false], ['memo.wav', false]] as const) {
      const res = await upload(api, zhao, voiceMemo(memo), { kind: 'voice' });
      expect(res.status, memo).to.equal(201);
      expect(res.body.durationMs, memo).to.be.within(6700, 6950);
      const playable = await rawCall(api, 'GET', res.body.playableUrl, { token: zhao });
      expect(playable.status, memo).to.equal(200);
      if (copied) {
        expect(res.body.playableUrl, memo).to.equal(`/api/attachments/${res.body.id}/content?playable=1`);
        expect(playable.headers.get('content-type'), memo).to.equal('audio/mpeg');
        expect(playable.bytes.subarray(0, 3).toString('latin1'), memo).to.match(/^(ID3|\xff)/);
      } else {
        expect(res.body.playableUrl, memo).to.equal(res.body.contentUrl);
        expect(playable.bytes.equals(voiceMemo(memo)), memo).to.equal(true);
      }
    }
  });

  it('takes the duration of a browser\'s live WebM recording (no duration in its header) from the decoded audio', async () => {
    const res = await upload(api, zhao, voiceMemo('memo-live.webm'), { kind: 'voice' });
    expect(res.status).to.equal(201);
    expect(res.body.durationMs).to.be.within(6700, 6900);
  });

  it('refuses a voice file that sniffs as AMR but does not decode with 422 VOICE_UNDECODABLE, storing nothing', async () => {
    const before = await count('attachments');
    const broken = Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.alloc(64, 0xff)]);
    const res = await upload(api, zhao, broken, { kind: 'voice' });
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.error.code).to.equal('VOICE_UNDECODABLE');
    expect(res.body.error.message).to.contain('重新录制');
    expect(await count('attachments')).to.equal(before);
  });

  it('answers a player\'s Range request with 206 and the asked bytes, counting one download per playback', async () => {
    const up = await upload(api, zhao, voiceMemo('memo.m4a'), { kind: 'voice' });
    const whole = voiceMemo('memo.m4a');
    const first = await rawCall(api, 'GET', up.body.contentUrl, { token: zhao, headers: { Range: 'bytes=0-1' } });
    expect(first.status).to.equal(206);
    expect(first.headers.get('content-range')).to.equal(`bytes 0-1/${whole.length}`);
    expect(first.bytes.equals(whole.subarray(0, 2))).to.equal(true);
    const tail = await rawCall(api, 'GET', up.body.contentUrl, { token: zhao, headers: { Range: 'bytes=100-' } });
    expect(tail.status).to.equal(206);
    expect(tail.bytes.equals(whole.subarray(100))).to.equal(true);
    const beyond = await rawCall(api, 'GET', up.body.contentUrl, { token: zhao, headers: { Range: `bytes=${whole.length}-` } });
    expect(beyond.status).to.equal(416);
    expect(await count('attachment_downloads WHERE attachment_id = $1', [up.body.id])).to.equal(1);
  });

  it('accepts a photo of exactly 10MB sent chunked', async () => {
    const res = await upload(api, zhao, chunked(padTo(SAMPLES.png(), 10 * MB)), { kind: 'photo' });
    expect(res.status).to.equal(201);
    expect(res.body.size).to.equal(10 * MB);
  });

  it('refuses an empty body with 400', async () => {
    const res = await upload(api, zhao, Buffer.alloc(0));
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('ATTACHMENT_EMPTY');
  });

  it('stores the same content once on disk but keeps one row per upload', async () => {
    const buf = jpegWithExif('2026:03:11 09:30:00');
    const sha = createHash('sha256').update(buf).digest('hex');
    const first = await upload(api, zhao, buf, { kind: 'photo', tags: '门头照' });
    const second = await upload(api, await api.tokenFor('rep.qian'), buf, { kind: 'photo', tags: '合影' });
    expect([first.status, second.status]).to.deep.equal([201, 201]);
    expect(second.body.id).to.not.equal(first.body.id);
    const onDisk = filesUnder(path.join(api.dataDir, 'files')).filter((f) => f.endsWith(sha));
    expect(onDisk).to.deep.equal([path.join(api.dataDir, 'files', sha.slice(0, 2), sha.slice(2, 4), sha)]);
    expect(await count('attachments WHERE sha256 = $1', [sha])).to.equal(2);
    expect(filesUnder(path.join(api.dataDir, 'files')).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('reads the EXIF capture time of a photo (Shanghai wall clock), and null without EXIF', async () => {
    const withExif = await upload(api, zhao, jpegWithExif('2026:03:12 14:05:00'), { kind: 'photo' });
    expect(withExif.body.capturedAt).to.equal('2026-03-12T06:05:00.000Z');
    const without = await upload(api, zhao, jpegWithoutExif(), { kind: 'photo' });
    expect(without.body.capturedAt).to.equal(null);
  });

  it('takes tags from ?tags= split on commas (full-width too), trimmed and deduplicated', async () => {
    const res = await upload(api, zhao, SAMPLES.png(), { tags: '门头照, 合影，门头照' });
    expect(res.body.tags).to.deep.equal(['门头照', '合影']);
    const bad = await upload(api, zhao, SAMPLES.png(), { tags: '这是一个超过二十个字符的非常非常非常长的标签名称啊' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].path).to.equal('query.tags.0');
  });

  it('links the upload to a customer in scope, and refuses one outside it with 422 before reading the file', async () => {
    const own = (await pool.query(`SELECT id FROM customers WHERE name = '华联超市总部'`)).rows[0].id;
    const theirs = (await pool.query(`SELECT id FROM customers WHERE name = '物美超市北京总部'`)).rows[0].id;
    const ok = await upload(api, zhao, SAMPLES.pdf(), { customerId: String(own) });
    expect(ok.status).to.equal(201);
    expect(ok.body.customerId).to.equal(own);
    const refused = await upload(api, zhao, SAMPLES.pdf(), { customerId: String(theirs) });
    expect(refused.status).to.equal(422);
    expect(refused.body.error.code).to.equal('REFERENCE_INVALID');
  });

  it('records an attachment.uploaded event', async () => {
    const res = await upload(api, zhao, SAMPLES.webp(), { kind: 'photo' });
    const { rows } = await pool.query(`SELECT type, data FROM events WHERE entity_type = 'attachment' AND entity_id = $1`, [res.body.id]);
    expect(rows).to.have.length(1);
    expect(rows[0].type).to.equal('attachment.uploaded');
    expect(rows[0].data).to.include({ kind: 'photo', mime: 'image/webp', source: 'upload' });
  });

  it('replays a retry with the same Idempotency-Key instead of adding a second row', async () => {
    const before = await count('attachments');
    const headers = { 'Idempotency-Key': 'upload-retry-0001' };
    const first = await upload(api, zhao, SAMPLES.heic(), { kind: 'photo' }, headers);
    const retry = await upload(api, zhao, SAMPLES.heic(), { kind: 'photo' }, headers);
    expect([first.status, retry.status]).to.deep.equal([201, 201]);
    expect(retry.body.id).to.equal(first.body.id);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(await count('attachments')).to.equal(before + 1);
  });

  it('does not let compliance (no action rights) upload: 403', async () => {
    const res = await upload(api, await api.tokenFor('compliance.he'), SAMPLES.png());
    expect(res.status).to.equal(403);
  });

  it('answers 401 without a session', async () => {
    const res = await upload(api, 'not-a-token', SAMPLES.png());
    expect(res.status).to.equal(401);
  });

  it('works with a session signed outside dev-login too (sanity of the test helper)', async () => {
    const res = await upload(api, await tokenOf(pool, 'rep.sun'), SAMPLES.pdf());
    expect(res.status).to.equal(201);
    expect(res.body.uploadedBy.name).to.equal('孙浩');
  });
});
