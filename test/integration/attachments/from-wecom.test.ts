import { expect } from 'chai';
import path from 'node:path';
import type pg from 'pg';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { startFakeWecom, type FakeWecom } from '../../support/fake-wecom.js';
import { filesUnder, rawCall, tokenOf } from './support/http.js';
import { padTo, SAMPLES, speexMemo } from './support/sample-files.js';

const MB = 1024 * 1024;

describe('saving WeCom media as attachments (POST /api/attachments/from-wecom)', () => {
  let fake: FakeWecom;
  let api: TestApi;
  let pool: pg.Pool;
  let zhao: string;
  const fromWecom = (body: unknown, token = zhao) =>
    rawCall(api, 'POST', '/api/attachments/from-wecom', { token, body: Buffer.from(JSON.stringify(body)), headers: { 'Content-Type': 'application/json' } });
  const count = async () => (await pool.query('SELECT count(*)::int AS n FROM attachments')).rows[0].n;

  before(async () => {
    fake = await startFakeWecom({ corpId: 'wwdemo', secret: 's', agentId: 1000002 });
    const wecom = new HttpWecomClient({ apiBase: fake.baseUrl, corpId: 'wwdemo', agentId: 1000002, secret: 's', retryBaseDelayMs: 1 });
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, wecom });
    zhao = await tokenOf(pool, 'rep.zhao');
  });
  after(async () => {
    await api.close();
    await fake.stop();
  });

  it('downloads an image by media_id, types it by content (not WeCom\'s header) and stores it', async () => {
    const png = SAMPLES.png();
    fake.putMedia('media-photo-1', png, 'image/jpeg', 'IMG_0001.jpg');
    const res = await fromWecom({ mediaId: 'media-photo-1', kind: 'photo', tags: ['门头照'] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ kind: 'photo', mime: 'image/png', size: png.length, source: 'wecom_media', wecomMediaId: 'media-photo-1', filename: 'IMG_0001.jpg' });
    expect(res.body.tags).to.deep.equal(['门头照']);
    expect(filesUnder(path.join(api.dataDir, 'files')).some((f) => f.endsWith(res.body.sha256))).to.equal(true);
    expect(fake.callsTo('/cgi-bin/media/get')).to.be.greaterThan(0);
  });

  it('fetches JS-SDK voice through media/get/jssdk (speex)', async () => {
    const memo = speexMemo();
    fake.putMedia('media-voice-1', memo, 'audio/speex', 'voice.speex');
    const before = fake.callsTo('/cgi-bin/media/get/jssdk');
    const res = await fromWecom({ mediaId: 'media-voice-1', kind: 'voice', jssdk: true });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ kind: 'voice', mime: 'audio/ogg; codecs=speex', size: memo.length });
    expect(fake.callsTo('/cgi-bin/media/get/jssdk')).to.equal(before + 1);
  });

  it('answers an expired or unknown media_id (JSON body, errcode 40007) with 422 WECOM_MEDIA_INVALID and stores nothing', async () => {
    const before = await count();
    const res = await fromWecom({ mediaId: 'media-never-uploaded', kind: 'photo' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('WECOM_MEDIA_INVALID');
    expect(res.body.error.message).to.contain('3天');
    expect(res.body.error.details).to.include({ errcode: 40007 });
    expect(await count()).to.equal(before);
  });

  it('answers a WeCom failure that is not about the media with 502 WECOM_API_ERROR naming the errcode', async () => {
    fake.putMedia('media-photo-2', SAMPLES.jpeg(), 'image/jpeg');
    fake.failNext('/cgi-bin/media/get', 50001);
    const res = await fromWecom({ mediaId: 'media-photo-2', kind: 'photo' });
    expect(res.status).to.equal(502);
    expect(res.body.error.code).to.equal('WECOM_API_ERROR');
    expect(res.body.error.message).to.contain('50001');
  });

  it('applies the same checks as an upload: wrong kind → 415, oversize → 413 with the limit', async () => {
    fake.putMedia('media-doc-1', SAMPLES.pdf(), 'image/jpeg');
    const wrong = await fromWecom({ mediaId: 'media-doc-1', kind: 'photo' });
    expect(wrong.status).to.equal(415);
    expect(wrong.body.error.code).to.equal('ATTACHMENT_TYPE_UNSUPPORTED');
    fake.putMedia('media-voice-big', padTo(SAMPLES.amr(), 10 * MB + 1), 'audio/amr');
    const big = await fromWecom({ mediaId: 'media-voice-big', kind: 'voice' });
    expect(big.status).to.equal(413);
    expect(big.body.error.message).to.contain('语音不能超过10MB');
  });

  it('validates the body strictly (400) and refuses compliance (403) before calling WeCom', async () => {
    const calls = fake.callsTo('/cgi-bin/media/get');
    const bad = await fromWecom({ mediaId: 'media-photo-1', kind: 'video' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: any) => d.path)).to.include('body.kind');
    const extra = await fromWecom({ mediaId: 'media-photo-1', kind: 'photo', url: 'http://evil' });
    expect(extra.status).to.equal(400);
    const forbidden = await fromWecom({ mediaId: 'media-photo-1', kind: 'photo' }, await tokenOf(pool, 'compliance.he'));
    expect(forbidden.status).to.equal(403);
    expect(fake.callsTo('/cgi-bin/media/get')).to.equal(calls);
  });
});

describe('saving WeCom media in demo mode', () => {
  it('answers 422 WECOM_NOT_CONFIGURED explaining to upload the file instead', async () => {
    const { pool } = await freshDatabase(2);
    const api = await startTestApi({ pool });
    try {
      const res = await api.call('POST', '/api/attachments/from-wecom', { as: 'rep.zhao', body: { mediaId: 'm1', kind: 'photo' } });
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('WECOM_NOT_CONFIGURED');
      expect(res.body.error.message).to.contain('直接上传');
    } finally {
      await api.close();
    }
  });
});
