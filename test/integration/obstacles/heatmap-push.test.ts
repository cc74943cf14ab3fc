import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { pino } from 'pino';
import { createStorage, LocalDiskStorage } from '../../../core/attachments/storage.js';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { loadConfig, type Config } from '../../../core/config.js';
import { deliverOutbox, type DeliveryDeps } from '../../../core/outbox/deliver.js';
import { obstacleHeatmap } from '../../../core/obstacles/heatmap.js';
import { HEATMAP_PNG_WIDTH, renderHeatmapSvg, renderPng, shippedCjkFontFiles } from '../../../core/obstacles/render.js';
import { pushWeeklyObstacleHeatmap } from '../../../core/obstacles/weekly-push.js';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { LoggingWecomClient } from '../../../core/wecom/logging-wecom-client.js';
import type { WecomClient } from '../../../core/wecom/wecom-client.js';
import { startTestApi } from '../../support/api-harness.js';
import { startFakeWecom, type FakeWecom } from '../../support/fake-wecom.js';
import { at, buildFixture, NOW, type Fixture } from '../dashboards/fixture.js';

/**
 * Issue 7 item 3: every Monday the 跨部门协同堵点热力图 of the week before goes
 * to each active director as a picture (rendered here, uploaded to WeCom,
 * sent as an image message) followed by a text card to the interactive
 * heatmap. Real PostgreSQL; WeCom is the loopback fake at the HTTP boundary.
 */
const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret' };
const UPLOAD = '/cgi-bin/media/upload';
const SEND = '/cgi-bin/message/send';
const MONDAY = new Date('2026-03-23T08:30:00+08:00');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const silent = pino({ level: 'silent' });

// week 2026-03-16 (2026-W12): four obstacle topics across 华东区 and 华北区
const REPORTS: Array<[who: 'zhao' | 'qian' | 'li' | 'zhou' | 'chen', day: string, text: string]> = [
  ['zhao', '2026-03-16', '六院设备科要求先提供耗材编码，医保备案还没下来，入库卡住了。'],
  ['zhao', '2026-03-17', '省人医采购中心说耗材编码没有就不能入库。'],
  ['qian', '2026-03-16', '医保备案材料被退回，耗材编码要重新申请。'],
  ['zhou', '2026-03-16', '耗材编码和医保备案都没办好，入库推迟到下月。'],
  ['zhou', '2026-03-18', '客户招标延期到下个月，预算冻结了。'],
  ['qian', '2026-03-18', '招标延期，对方说预算年底才批。'],
  ['zhou', '2026-03-19', '招标文件还没挂出来，预算要重新报批。'],
  ['li', '2026-03-16', '法务要求修改付款条件相关的合同条款。'],
  ['li', '2026-03-17', '对方法务对合同条款提了十几条意见。'],
  ['chen', '2026-03-16', '竞品低价冲击，价格分歧很大。'],
  ['chen', '2026-03-17', '竞品低价进场，客户要求我们降价，价格分歧没谈拢。'],
];

/** RGBA pixels of a PNG, decoded by resvg's own PNG decoder (an <image> in an SVG). */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<image width="${width}" height="${height}" href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  const img = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
  return { width: img.width, height: img.height, pixels: Buffer.from(img.pixels) };
}

describe('weekly obstacle heatmap pushed to directors as an image', () => {
  let fx: Fixture;
  let dataDir: string;
  let config: Config;
  let fake: FakeWecom;
  let ahead: number;
  const job = () => pushWeeklyObstacleHeatmap({ pool: fx.pool, config, logger: silent, now: () => MONDAY });
  const client = (maxAttempts = 1) => new HttpWecomClient({
    apiBase: fake.baseUrl, ...CORP, timeoutMs: 5_000, maxAttempts, retryBaseDelayMs: 1, logger: silent,
  });
  // rows come due at the database's now(), so the deliverer runs on real time; `ahead` jumps to retries
  const deliveryDeps = (wecom: WecomClient): DeliveryDeps =>
    ({ pool: fx.pool, logger: silent, now: () => new Date(Date.now() + ahead), wecom, config });
  const rows = async () => (await fx.pool.query(
    `SELECT id, recipient, msgtype, payload, status, attempts, last_error, wecom_msgid, next_attempt_at
       FROM outbox WHERE dedupe_key LIKE 'obstacle-heatmap%' ORDER BY id`)).rows;
  const imagesSent = () => fake.sent.filter((s) => s.body.msgtype === 'image');

  before(async function () {
    this.timeout(120_000);
    fx = await buildFixture();
    const dept = { zhao: fx.dept.eastT1, qian: fx.dept.east, li: fx.dept.east, zhou: fx.dept.north, chen: fx.dept.north };
    for (const [who, day, text] of REPORTS) {
      await fx.pool.query(
        `INSERT INTO daily_reports (user_id, department_id, day, summary, obstacles, plan, created_at, updated_at)
         VALUES ($1, $2, $3, '拜访客户', $4, '继续跟进', $5, $5)`, [fx.user[who], dept[who], day, text, at(`${day}T18:00`)]);
    }
    // a second active director, one who has left, and an admin
    await fx.pool.query(
      `INSERT INTO users (wecom_userid, name, role, department_id, active) VALUES
         ('director.sun', '孙总', 'director', $1, true), ('director.gone', '离职总监', 'director', $1, false),
         ('admin.lin', '林管理员', 'admin', $1, true)`, [fx.dept.sales]);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'af-heatmap-push-'));
    config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-0123456789abcdef', DATA_DIR: dataDir, PUBLIC_URL: 'https://af.example.com' });
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  beforeEach(async () => {
    await fx.pool.query('DELETE FROM delivery_log');
    await fx.pool.query('DELETE FROM outbox');
    await fx.pool.query('DELETE FROM obstacle_heatmaps');
    fake = await startFakeWecom(CORP);
    ahead = 0;
  });
  afterEach(() => fake.stop());

  describe('rendering on the server', () => {
    it('draws the week as a PNG of the expected size, not blank, with the Chinese names in the SVG', async () => {
      const director = (await loadActiveActor(fx.pool, { id: fx.user.director }))!;
      const h = await obstacleHeatmap(fx.pool, director, { week: '2026-W12' }, NOW);
      expect(h.departments.map((d) => d.name)).to.deep.equal(['华东区', '华北区']);
      expect(h.topics.length).to.be.at.least(3);
      const svg = renderHeatmapSvg(h);
      for (const text of ['跨部门协同堵点热力图 3月16日–3月22日', '华东区', '华北区', ...h.topics.map((t) => t.label.split(' / ')[0])]) {
        expect(svg, text).to.include(text);
      }
      const [, svgW, svgH] = /^<svg width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);

      const { png, width, height } = renderPng(svg);
      expect([...png.subarray(0, 8)]).to.deep.equal(PNG_SIGNATURE);
      expect(png.subarray(12, 16).toString('latin1')).to.equal('IHDR');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).to.deep.equal([width, height]);
      expect(width).to.equal(HEATMAP_PNG_WIDTH);
      expect(height).to.be.closeTo((HEATMAP_PNG_WIDTH * svgH) / svgW, 1);

      const { pixels } = decodePng(png);
      let heat = 0, white = 0, dark = 0;
      const colours = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
        colours.add((r << 16) | (g << 8) | b);
        if (r > 150 && g < 60 && b < 60) heat++; // the hottest cells (#b30000 … #e34a33)
        if (r > 245 && g > 245 && b > 245) white++;
        if (r < 110 && g < 110 && b < 110) dark++; // text
      }
      const total = pixels.length / 4;
      expect(heat / total, 'hot cells').to.be.greaterThan(0.02);
      expect(white / total, 'background').to.be.within(0.2, 0.95);
      expect(dark, 'text pixels').to.be.greaterThan(2_000);
      expect(colours.size).to.be.greaterThan(50);
    });

    it('renders Chinese with the font we ship, each character its own glyph (no tofu boxes, no system fonts needed)', () => {
      expect(shippedCjkFontFiles()).to.be.an('array').with.length(2);
      const glyph = (text: string) => {
        const { png } = renderPng(`<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><text x="6" y="38" font-size="34">${text}</text></svg>`, 48);
        const { pixels } = decodePng(png);
        let ink = 0;
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) ink++;
        return { ink, hash: createHash('sha256').update(pixels).digest('hex') };
      };
      const chars = ['华', '东', '区', '耗', '材', '招', '标'].map(glyph);
      for (const c of chars) expect(c.ink).to.be.greaterThan(40);
      // a missing glyph renders as the same .notdef box (or nothing) every time
      expect(new Set(chars.map((c) => c.hash)).size).to.equal(chars.length);
      expect(glyph('').ink).to.equal(0);
    });
  });

  describe('the weekly job', () => {
    it('queues one image and then one text card per active director, once per week however often it runs', async () => {
      const r: any = await job();
      expect(r).to.deep.include({ week: '2026-03-16', recipients: 2, sent: 2, images: 2 });
      const again: any = await job();
      expect(again).to.deep.include({ sent: 0, images: 0 });

      const queued = await rows();
      expect(queued.map((q) => [q.recipient, q.msgtype])).to.deep.equal([
        ['director.wang', 'image'], ['director.wang', 'textcard'], ['director.sun', 'image'], ['director.sun', 'textcard'],
      ]);
      expect(queued.some((q) => q.recipient === 'director.gone')).to.equal(false);
      const stored = (await fx.pool.query(`SELECT png_sha256 FROM obstacle_heatmaps WHERE week = '2026-03-16'`)).rows[0];
      const image = queued[0].payload.image;
      expect(image).to.deep.include({ sha256: stored.png_sha256, contentType: 'image/png', filename: 'obstacle-heatmap-2026-W12.png' });
      expect(queued[2].payload.image.sha256, 'the same picture for every director').to.equal(image.sha256);
      const bytes = readFileSync((createStorage(config) as LocalDiskStorage).pathOf(image.sha256));
      expect([...bytes.subarray(0, 8)]).to.deep.equal(PNG_SIGNATURE);
      expect(bytes.length).to.equal(image.size);
      expect(queued[1].payload.textcard.url).to.equal('https://af.example.com/obstacles?week=2026-W12');
    });
  });

  describe('delivery through WeCom', () => {
    it('uploads the stored PNG (multipart, field media), sends an image with the returned media_id, then the card — exactly once', async () => {
      await job();
      const report = await deliverOutbox(deliveryDeps(client()));
      expect(report).to.deep.include({ sent: 4, failed: 0, retrying: 0 });

      const queued = await rows();
      const png = readFileSync((createStorage(config) as LocalDiskStorage).pathOf(queued[0].payload.image.sha256));
      expect(fake.uploads).to.have.length(2);
      for (const u of fake.uploads) {
        expect(u).to.include({ type: 'image', filename: 'obstacle-heatmap-2026-W12.png', contentType: 'image/png' });
        expect(u.requestContentType).to.match(/^multipart\/form-data; boundary=/);
        expect(u.buffer.equals(png), 'the real PNG went up').to.equal(true);
      }
      for (const director of ['director.wang', 'director.sun']) {
        const mine = fake.sent.filter((s) => s.body.touser === director);
        expect(mine.map((s) => s.body.msgtype)).to.deep.equal(['image', 'textcard']);
        const upload = fake.uploads.find((u) => u.mediaId === mine[0].body.image.media_id);
        expect(upload, 'image message carries an uploaded media_id').to.not.equal(undefined);
        expect(upload!.at).to.be.at.most(mine[0].at);
        expect(mine[0].delivered).to.deep.equal([director]);
      }
      expect(new Set(imagesSent().map((s) => s.body.image.media_id)).size).to.equal(2);
      expect((await rows()).map((q) => q.status)).to.deep.equal(['sent', 'sent', 'sent', 'sent']);

      await job();
      await deliverOutbox(deliveryDeps(client()));
      expect(fake.uploads, 'nothing uploaded twice').to.have.length(2);
      expect(fake.sent, 'nothing sent twice').to.have.length(4);
    });

    it('retries a failed upload by the outbox policy (even after a restart) and never loses the picture', async () => {
      await job();
      fake.failNext(UPLOAD, 45009, 2);
      const first = await deliverOutbox(deliveryDeps(client()));
      expect(first).to.deep.include({ sent: 2, retrying: 2, failed: 0 });
      expect(imagesSent()).to.have.length(0);
      const waiting = (await rows()).filter((q) => q.msgtype === 'image');
      for (const q of waiting) {
        expect(q).to.deep.include({ status: 'pending', attempts: 1 });
        expect(q.last_error).to.match(/45009.*稍后自动重试/);
        expect(q.next_attempt_at.getTime()).to.be.greaterThan(Date.now() + 30_000);
      }
      expect((await deliverOutbox(deliveryDeps(client()))).sent, 'not before its retry time').to.equal(0);

      // a new process: a fresh client with no token, the same outbox and files
      ahead += 2 * 60_000;
      const second = await deliverOutbox(deliveryDeps(client()));
      expect(second).to.deep.include({ sent: 2, failed: 0 });
      expect(fake.uploads).to.have.length(2);
      expect(imagesSent().map((s) => s.body.touser).sort()).to.deep.equal(['director.sun', 'director.wang']);
      for (const q of (await rows()).filter((x) => x.msgtype === 'image')) expect(q).to.deep.include({ status: 'sent', attempts: 2, last_error: null });
    });

    it('uploads afresh when the image send itself fails and is retried', async () => {
      await job();
      fake.failNext(SEND, -1, 1);
      await deliverOutbox(deliveryDeps(client()), { concurrency: 1 });
      expect(fake.uploads).to.have.length(2);
      expect(imagesSent()).to.have.length(1);
      ahead += 5 * 60_000;
      await deliverOutbox(deliveryDeps(client()));
      expect(fake.uploads, 'the retry made a new media_id').to.have.length(3);
      const images = imagesSent();
      expect(images.map((s) => s.body.touser).sort()).to.deep.equal(['director.sun', 'director.wang']);
      expect(images[1].body.image.media_id).to.equal(fake.uploads[2].mediaId);
      expect((await rows()).every((q) => q.status === 'sent')).to.equal(true);
    });

    it('marks an image WeCom refuses for good, or whose file is gone, as failed with the reason (never dropped silently)', async () => {
      await job();
      fake.failNext(UPLOAD, 40005, 1);
      await deliverOutbox(deliveryDeps(client()), { concurrency: 1 });
      const failed = (await rows()).filter((q) => q.status === 'failed');
      expect(failed).to.have.length(1);
      expect(failed[0].msgtype).to.equal('image');
      expect(failed[0].last_error).to.match(/不符合企业微信要求.*40005/);

      await fx.pool.query('DELETE FROM delivery_log');
      await fx.pool.query('DELETE FROM outbox');
      await fx.pool.query('DELETE FROM obstacle_heatmaps');
      await job();
      const [image] = await rows();
      unlinkSync((createStorage(config) as LocalDiskStorage).pathOf(image.payload.image.sha256));
      await deliverOutbox(deliveryDeps(client()));
      const gone = (await rows()).filter((q) => q.msgtype === 'image');
      for (const q of gone) {
        expect(q.status).to.equal('failed');
        expect(q.last_error).to.match(/图片文件已不在存储中/);
      }
    });
  });

  describe('demo mode (no WeCom)', () => {
    it('keeps the picture in the outbox, where its recipient (or an admin) can open it', async () => {
      await job();
      const report = await deliverOutbox(deliveryDeps(new LoggingWecomClient(silent)));
      expect(report.demo).to.equal(4);
      expect(fake.uploads).to.have.length(0);
      const api = await startTestApi({ pool: fx.pool, env: { DATA_DIR: dataDir } });
      try {
        const list = await api.call('GET', '/api/outbox?status=demo', { as: 'director.wang' });
        expect(list.status).to.equal(200);
        const item = list.body.items.find((i: any) => i.msgtype === 'image');
        expect(item).to.deep.include({ title: '图片：跨部门协同堵点热力图 3月16日–3月22日', recipient: 'director.wang', status: 'demo' });
        expect(item.imageUrl).to.equal(`/api/outbox/${item.id}/image`);
        expect(list.body.items.find((i: any) => i.msgtype === 'textcard').imageUrl).to.equal(null);

        const open = async (as: string | null) => fetch(`${api.baseUrl}${item.imageUrl}`,
          { headers: as ? { Authorization: `Bearer ${await api.tokenFor(as)}` } : {} });
        const res = await open('director.wang');
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.equal('image/png');
        const png = Buffer.from(await res.arrayBuffer());
        expect(createHash('sha256').update(png).digest('hex')).to.equal(item.payload.image.sha256);
        expect((await open('admin.lin')).status).to.equal(200);
        expect((await open('director.sun')).status, "another director's message").to.equal(404);
        expect((await open('rep.zhao')).status).to.equal(404);
        expect((await open(null)).status).to.equal(401);
        const textcard = list.body.items.find((i: any) => i.msgtype === 'textcard');
        expect((await api.call('GET', `/api/outbox/${textcard.id}/image`, { as: 'director.wang' })).status).to.equal(404);
      } finally {
        await api.close();
      }
    });
  });
});
