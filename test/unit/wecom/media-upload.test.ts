import { expect } from 'chai';
import { deflateSync } from 'node:zlib';
import { pino } from 'pino';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { mediaUploadIssues, multipartBody, sniffMediaFormat } from '../../../core/wecom/media-upload.js';
import { WecomApiError, WecomRequestInvalidError } from '../../../core/wecom/wecom-client.js';
import { classifyErrcode } from '../../../core/wecom/wecom-errors.js';
import { startFakeWecom, type FakeWecom } from '../../support/fake-wecom.js';

const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret' };
const UPLOAD = '/cgi-bin/media/upload';
const SEND = '/cgi-bin/message/send';
const MB = 1024 * 1024;

/** A real, minimal PNG (one red pixel row per line), built by hand so the test trusts no renderer. */
function tinyPng(width = 4, height = 3): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const raw = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0xc8)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

describe('WeCom media upload', () => {
  describe('mediaUploadIssues (the limits of reference §5)', () => {
    it('accepts a PNG or JPEG image up to 10 MB', () => {
      expect(mediaUploadIssues({ type: 'image', buffer: tinyPng(), filename: 'a.png' })).to.deep.equal([]);
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]);
      expect(sniffMediaFormat(jpeg)).to.equal('jpg');
      expect(mediaUploadIssues({ type: 'image', buffer: jpeg, filename: 'a.jpg' })).to.deep.equal([]);
    });

    it('refuses an image over 10 MB, a GIF, a file of 5 bytes or less, and an empty filename', () => {
      const big = Buffer.concat([tinyPng(), Buffer.alloc(10 * MB)]);
      expect(mediaUploadIssues({ type: 'image', buffer: big, filename: 'big.png' }).join()).to.match(/不能超过 10 MB/);
      expect(mediaUploadIssues({ type: 'image', buffer: Buffer.from('GIF89a-----'), filename: 'a.gif' }).join()).to.match(/PNG\/JPG/);
      expect(mediaUploadIssues({ type: 'file', buffer: Buffer.from('12345'), filename: 'a.txt' }).join()).to.match(/不能少于 6 字节/);
      expect(mediaUploadIssues({ type: 'file', buffer: Buffer.from('123456'), filename: ' ' }).join()).to.match(/文件名/);
    });

    it('builds a multipart body a strict parser reads back byte for byte, field `media` with an ASCII filename', async () => {
      const png = tinyPng();
      const { body, contentType } = multipartBody('media', '堵点热力图-2026-W12.png', 'image/png', png);
      const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
      const part = form.get('media') as File;
      expect(part.name).to.equal('_____-2026-W12.png');
      expect(part.type).to.equal('image/png');
      expect(Buffer.from(await part.arrayBuffer()).equals(png)).to.equal(true);
    });

    it('classifies media refusals as permanent and busy answers as retryable', () => {
      for (const code of [40004, 40005, 40006, 40009, 41005, 44001]) expect(classifyErrcode(code)).to.include({ kind: 'invalid_request', permanent: true });
      expect(classifyErrcode(45009)).to.include({ retryable: true });
    });
  });

  describe('HttpWecomClient.uploadMedia against the loopback fake', () => {
    let fake: FakeWecom;
    let client: HttpWecomClient;
    beforeEach(async () => {
      fake = await startFakeWecom(CORP);
      client = new HttpWecomClient({
        apiBase: fake.baseUrl, ...CORP, timeoutMs: 3_000, retryBaseDelayMs: 1, logger: pino({ level: 'silent' }),
      });
    });
    afterEach(() => fake.stop());

    it('uploads a PNG as multipart field `media` and sends an image message with the returned media_id', async () => {
      const png = tinyPng();
      const uploaded = await client.uploadMedia({ type: 'image', buffer: png, filename: 'heatmap.png' });
      expect(fake.uploads).to.have.length(1);
      const [u] = fake.uploads;
      expect(u).to.include({ type: 'image', filename: 'heatmap.png', contentType: 'image/png' });
      expect(u.requestContentType).to.match(/^multipart\/form-data; boundary=/);
      expect(u.contentLength, 'sent with a Content-Length, not chunked').to.be.greaterThan(png.length);
      expect(u.buffer.equals(png)).to.equal(true);
      expect(uploaded.mediaId).to.equal(u.mediaId);
      expect(uploaded.type).to.equal('image');
      expect(uploaded.createdAt!.getTime()).to.be.closeTo(Date.now(), 5_000);

      const res = await client.sendMessage({ touser: ['director.wang'], msgtype: 'image', image: { media_id: uploaded.mediaId } });
      expect(res.msgid).to.be.a('string').and.not.empty;
      expect(fake.sent[0].body).to.deep.include({ touser: 'director.wang', msgtype: 'image', image: { media_id: uploaded.mediaId }, agentid: CORP.agentId });
    });

    it('refreshes an expired token once and retries the upload (42001)', async () => {
      await client.sendMessage({ touser: ['wangwu'], msgtype: 'text', text: { content: '先取一次令牌' } });
      fake.expireToken();
      await client.uploadMedia({ type: 'image', buffer: tinyPng(), filename: 'a.png' });
      expect(fake.counters.gettokenCalls).to.equal(2);
      expect(fake.uploads).to.have.length(1);
    });

    it('retries a busy WeCom (45009) within its attempts, then reports a retryable error', async () => {
      fake.failNext(UPLOAD, 45009, 1);
      await client.uploadMedia({ type: 'image', buffer: tinyPng(), filename: 'a.png' });
      expect(fake.callsTo(UPLOAD)).to.equal(2);
      fake.failNext(UPLOAD, -1, 3);
      const err = await client.uploadMedia({ type: 'image', buffer: tinyPng(), filename: 'a.png' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(WecomApiError).that.includes({ errcode: -1, retryable: true });
      expect(fake.uploads).to.have.length(1);
    });

    it('refuses what WeCom would refuse without calling it', async () => {
      const err = await client.uploadMedia({ type: 'image', buffer: Buffer.from('GIF89a------'), filename: 'a.gif' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(WecomRequestInvalidError);
      expect(fake.callsTo(UPLOAD)).to.equal(0);
    });

    it('gets 40007 for an image message whose media_id WeCom does not know (expired after 3 days)', async () => {
      const { mediaId } = await client.uploadMedia({ type: 'image', buffer: tinyPng(), filename: 'a.png' });
      fake.expireMedia(mediaId);
      const err = await client.sendMessage({ touser: ['wangwu'], msgtype: 'image', image: { media_id: mediaId } }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(WecomApiError).that.includes({ errcode: 40007, permanent: true });
      expect(fake.callsTo(SEND)).to.equal(1);
    });
  });

  describe('the fake checks uploads the way WeCom does', () => {
    let fake: FakeWecom;
    let token: string;
    beforeEach(async () => {
      fake = await startFakeWecom(CORP);
      const res = await fetch(`${fake.baseUrl}/cgi-bin/gettoken?corpid=${CORP.corpId}&corpsecret=${CORP.secret}`);
      token = (await res.json()).access_token;
    });
    afterEach(() => fake.stop());

    const upload = async (type: string, field: string, data: Buffer, filename = 'x.png') => {
      const { body, contentType } = multipartBody(field, filename, 'image/png', data);
      const res = await fetch(`${fake.baseUrl}${UPLOAD}?access_token=${token}&type=${type}`, {
        method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body),
      });
      return (await res.json()).errcode as number;
    };

    it('answers 40004 for an unknown type, 41005 for another field name, 40005 for a GIF and 40009 past 10 MB', async () => {
      expect(await upload('picture', 'media', tinyPng())).to.equal(40004);
      expect(await upload('image', 'file', tinyPng())).to.equal(41005);
      expect(await upload('image', 'media', Buffer.from('GIF89a--------'))).to.equal(40005);
      expect(await upload('image', 'media', Buffer.concat([tinyPng(), Buffer.alloc(10 * MB)]))).to.equal(40009);
      expect(await upload('file', 'media', Buffer.from('abc'))).to.equal(40006);
      expect(await upload('image', 'media', tinyPng())).to.equal(0);
      expect(fake.uploads).to.have.length(1);
    });

    it('needs multipart/form-data and the token in the query', async () => {
      const noToken = await fetch(`${fake.baseUrl}${UPLOAD}?type=image`, { method: 'POST', body: 'x' });
      expect((await noToken.json()).errcode).to.equal(41001);
      const json = await fetch(`${fake.baseUrl}${UPLOAD}?access_token=${token}&type=image`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
      });
      expect((await json.json()).errcode).to.equal(41005);
    });
  });
});
