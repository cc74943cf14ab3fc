import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../core/config.js';
import { createStorage } from '../../../core/attachments/storage.js';
import { logger } from '../../../core/logger.js';
import { clusterObstacles } from '../../../core/obstacles/cluster.js';
import { clusterReports } from '../../../core/obstacles/cluster-week.js';
import { isNoObstacle, prepareObstacleDictionary, termsOf } from '../../../core/obstacles/terms.js';
import { pushWeeklyObstacleHeatmap } from '../../../core/obstacles/weekly-push.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { at, buildFixture, NOW, type Fixture } from '../dashboards/fixture.js';

/**
 * Obstacle clustering on 21 hand-written 今日关键障碍 of the week 2026-03-16
 * (ISO 2026-W12) with four known topics:
 *   A 医院准入 (耗材编码 / 医保备案 / 入库)  reports 1–6
 *   B 招标与预算                             reports 7–11
 *   C 法务与合同条款                          reports 12–15
 *   D 竞品低价与价格分歧                       reports 16–18
 * and three that belong to none: 无, 一切顺利, a one-off (物流).
 */
const REPORTS: Array<[n: number, who: 'zhao' | 'qian' | 'zhou' | 'mover' | 'li' | 'chen', day: string, text: string]> = [
  [1, 'zhao', '2026-03-16', '六院设备科要求先提供耗材编码，医保备案还没下来，入库卡住了。'],
  [2, 'zhao', '2026-03-17', '省人医采购中心说耗材编码没有就不能入库。'],
  [3, 'qian', '2026-03-16', '医保备案材料被退回，耗材编码要重新申请。'],
  [4, 'qian', '2026-03-17', '鼓楼医院入库流程要医保备案号，还在等。'],
  [5, 'zhou', '2026-03-16', '耗材编码和医保备案都没办好，入库推迟到下月。'],
  [6, 'zhou', '2026-03-17', '协和设备科催耗材编码，医保备案下周才有结果。'],
  [7, 'zhou', '2026-03-18', '客户招标延期到下个月，预算冻结了。'],
  [8, 'mover', '2026-03-16', '招标文件还没挂出来，预算要重新报批。'],
  [9, 'mover', '2026-03-17', '预算冻结，招标暂停。'],
  [10, 'qian', '2026-03-18', '招标延期，对方说预算年底才批。'],
  [11, 'zhao', '2026-03-18', '物美招标又延期了，预算没到位。'],
  [12, 'zhao', '2026-03-19', '法务卡点：合同条款里的违约金对方不接受。'],
  [13, 'qian', '2026-03-19', '合同条款来回改，法务还在审。'],
  [14, 'li', '2026-03-16', '法务要求修改付款条件相关的合同条款。'],
  [15, 'li', '2026-03-17', '对方法务对合同条款提了十几条意见。'],
  [16, 'chen', '2026-03-16', '竞品低价冲击，价格分歧很大。'],
  [17, 'chen', '2026-03-17', '竞品低价进场，客户要求我们降价，价格分歧没谈拢。'],
  [18, 'zhou', '2026-03-19', '价格分歧，竞品低价报了八折。'],
  [19, 'mover', '2026-03-18', '无'],
  [20, 'mover', '2026-03-19', '今天一切顺利，没有障碍。'],
  [21, 'chen', '2026-03-18', '物流车坏了，送货晚了半天。'],
];
const TOPICS = { A: [1, 2, 3, 4, 5, 6], B: [7, 8, 9, 10, 11], C: [12, 13, 14, 15], D: [16, 17, 18] };

describe('obstacle clustering and the weekly cross-department heatmap', () => {
  let fx: Fixture;
  let api: TestApi;
  const idOf = new Map<number, number>();
  const nOf = new Map<number, number>();

  before(async function () {
    this.timeout(120_000);
    fx = await buildFixture();
    const dept = { zhao: fx.dept.eastT1, qian: fx.dept.east, li: fx.dept.east, zhou: fx.dept.north, mover: fx.dept.north, chen: fx.dept.north };
    const userOf = { zhao: fx.user.zhao, qian: fx.user.qian, li: fx.user.li, zhou: fx.user.zhou, mover: fx.user.mover, chen: fx.user.chen };
    for (const [n, who, day, text] of REPORTS) {
      const { rows } = await fx.pool.query(
        `INSERT INTO daily_reports (user_id, department_id, day, summary, obstacles, plan, created_at, updated_at)
         VALUES ($1, $2, $3, '拜访客户', $4, '继续跟进', $5, $5) RETURNING id`, [userOf[who], dept[who], day, text, at(`${day}T18:00`)]);
      idOf.set(n, rows[0].id);
      nOf.set(rows[0].id, n);
    }
    // the week before: not in W12
    await fx.pool.query(`INSERT INTO daily_reports (user_id, department_id, day, obstacles) VALUES ($1, $2, '2026-03-13', '耗材编码还没下来')`,
      [fx.user.zhao, fx.dept.eastT1]);
    api = await startTestApi({ pool: fx.pool, now: () => NOW });
  });
  after(async () => { await api?.close(); });

  const get = async (p: string, as = 'director.wang') => {
    const res = await api.call('GET', p, { as });
    expect(res.status, `${p} → ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(200);
    return res.body;
  };
  const ns = (ids: number[]) => ids.map((id) => nOf.get(id)!).sort((a, b) => a - b);

  it('segments with the trade dictionary: 耗材编码 and 医保备案 stay whole, compounds also give their parts', () => {
    prepareObstacleDictionary(['招标延期', '法务卡点', '竞品低价', '价格分歧']);
    expect(termsOf('六院设备科要求先提供耗材编码，医保备案还没下来，入库卡住了。')).to.include.members(['设备科', '耗材编码', '医保备案', '入库']);
    expect(termsOf('客户招标延期到下个月，预算冻结了。')).to.include.members(['招标延期', '招标', '预算冻结', '预算']);
    expect(isNoObstacle('无')).to.equal(true);
    expect(isNoObstacle('今天一切顺利，没有障碍。')).to.equal(true);
    expect(isNoObstacle('入库没有问题，但医保备案还没下来')).to.equal(false);
  });

  it('finds the four topics, each with exactly its reports, named by their top keywords', () => {
    const { topics, withObstacles } = clusterReports(REPORTS.map(([n, , , text]) => ({ id: n, obstacles: text })));
    expect(withObstacles).to.equal(19);
    const find = (kw: string) => topics.find((t) => t.keywords.includes(kw))!;
    expect(find('耗材编码').docIds).to.deep.equal(TOPICS.A);
    expect(find('医保备案')).to.equal(find('耗材编码'));
    expect(find('入库')).to.equal(find('耗材编码'));
    expect(find('招标').docIds).to.deep.equal(TOPICS.B);
    expect(find('预算')).to.equal(find('招标'));
    expect(find('法务').docIds).to.deep.equal(TOPICS.C);
    expect(find('合同条款')).to.equal(find('法务'));
    expect(find('竞品低价').docIds).to.deep.equal(TOPICS.D);
    expect(find('价格分歧')).to.equal(find('竞品低价'));
    expect(topics.slice(0, 4).map((t) => t.docIds.length)).to.deep.equal([6, 5, 4, 3]);
    // every topic with 2+ reports is one of the four; the one-offs (物流, 无, 顺利) are in none
    const big = topics.filter((t) => t.docIds.length >= 2);
    expect(big).to.have.length(4);
    expect(topics.flatMap((t) => t.docIds)).to.not.include.members([19, 20, 21]);
    for (const t of big) expect(t.label.split(' / ').length).to.be.within(2, 3);
  });

  it('clusters with the pure function alone: co-occurrence, not substring matching', () => {
    const r = clusterObstacles([
      { id: 1, terms: ['a', 'b'] }, { id: 2, terms: ['a', 'b'] }, { id: 3, terms: ['c', 'd'] }, { id: 4, terms: ['c', 'd', 'a'] },
      { id: 5, terms: ['e'] },
    ], { minSupport: 2, maxDocShare: 1, minJaccard: 0.3 });
    expect(r.topics.map((t) => [t.keywords, t.docIds])).to.deep.equal([[['a', 'b'], [1, 2, 4]], [['c', 'd'], [3, 4]]]);
  });

  it('clusters reports that name a 客户痛点 in other words with those that use its word (痛点话题的说法)', () => {
    const reports = [
      { id: 1, obstacles: '客户说价格偏高' }, { id: 2, obstacles: '店长嫌我们太贵了' }, { id: 3, obstacles: '报价比预期高，老板嫌贵' },
      { id: 4, obstacles: '货款一直拖着不付' }, { id: 5, obstacles: '回款慢，财务一直拖' },
    ];
    const topics = { words: ['价格偏高', '回款慢'], phrasings: { 价格偏高: ['太贵', '嫌贵'], 回款慢: ['货款…不付'] } };
    // the library's words are known terms, as clusterWeek makes them: not left to whichever test ran before
    prepareObstacleDictionary(topics.words);
    const byWord = clusterReports(reports, { minSupport: 2, maxDocShare: 1 });
    expect(byWord.topics.find((t) => t.keywords.includes('价格偏高'))?.docIds ?? []).to.not.deep.equal([1, 2, 3]);
    const read = clusterReports(reports, { minSupport: 2, maxDocShare: 1 }, topics);
    expect(read.topics.find((t) => t.keywords.includes('价格偏高'))?.docIds).to.deep.equal([1, 2, 3]);
    expect(read.topics.find((t) => t.keywords.includes('回款慢'))?.docIds).to.deep.equal([4, 5]);
  });

  it('serves the heatmap: department × topic, intensity = reports mentioning it (director, under 销售中心)', async () => {
    const h = await get('/api/obstacles/heatmap?week=2026-W12');
    expect(h).to.deep.include({ week: '2026-W12', from: '2026-03-16', to: '2026-03-23', reportCount: 21, withObstacles: 19, max: 4 });
    expect(h.departments.map((d: any) => [d.name, d.reports])).to.deep.equal([['华东区', 10], ['华北区', 11]]);
    const topicKey = (kw: string) => h.topics.find((t: any) => t.keywords.includes(kw)).key;
    const cell = (deptId: number, kw: string) => h.cells.find((c: any) => c.departmentId === deptId && c.topicKey === topicKey(kw))?.count ?? 0;
    const { east, north } = fx.dept;
    expect([cell(east, '耗材编码'), cell(north, '耗材编码')]).to.deep.equal([4, 2]);
    expect([cell(east, '招标'), cell(north, '招标')]).to.deep.equal([2, 3]);
    expect([cell(east, '法务'), cell(north, '法务')]).to.deep.equal([4, 0]);
    expect([cell(east, '竞品低价'), cell(north, '竞品低价')]).to.deep.equal([0, 3]);
    expect(h.definition).to.match(/日报篇数/);
  });

  it("a manager's heatmap clusters only the subtree's reports, by its teams", async () => {
    const h = await get('/api/obstacles/heatmap?week=2026-W12', 'mgr.li');
    expect(h.reportCount).to.equal(10);
    expect(h.departments.map((d: any) => d.name)).to.deep.equal(['华东区（本级）', '上海一组']);
    const topicKey = (kw: string) => h.topics.find((t: any) => t.keywords.includes(kw)).key;
    const cell = (deptId: number, kw: string) => h.cells.find((c: any) => c.departmentId === deptId && c.topicKey === topicKey(kw))?.count ?? 0;
    const { east, eastT1 } = fx.dept;
    expect([cell(east, '耗材编码'), cell(eastT1, '耗材编码')]).to.deep.equal([2, 2]);
    expect([cell(east, '招标'), cell(eastT1, '招标')]).to.deep.equal([1, 1]);
    expect([cell(east, '法务'), cell(eastT1, '法务')]).to.deep.equal([3, 1]);
    expect(h.topics.some((t: any) => t.keywords.includes('竞品低价'))).to.equal(false);
  });

  it('links a topic back to its reports (and to one row of the heatmap)', async () => {
    const h = await get('/api/obstacles/heatmap?week=2026-W12');
    const key = h.topics.find((t: any) => t.keywords.includes('耗材编码')).key;
    const r = await get(`/api/obstacles/topics/${encodeURIComponent(key)}/reports?week=2026-W12`);
    expect(r.total).to.equal(6);
    expect(ns(r.items.map((i: any) => i.id))).to.deep.equal(TOPICS.A);
    expect(r.items.find((i: any) => nOf.get(i.id) === 1).matched).to.include.members(['耗材编码', '医保备案', '入库']);
    const north = await get(`/api/obstacles/topics/${encodeURIComponent(key)}/reports?week=2026-W12&departmentId=${fx.dept.north}`);
    expect(ns(north.items.map((i: any) => i.id))).to.deep.equal([5, 6]);
    const list = await get('/api/obstacles/topics?week=2026-W12');
    expect(list.items.map((t: any) => t.key)).to.include(key);
    const missing = await api.call('GET', '/api/obstacles/topics/不存在的主题/reports?week=2026-W12', { as: 'director.wang' });
    expect(missing.status).to.equal(404);
  });

  it('renders the heatmap on the server: SVG with ECharts, PNG with resvg', async () => {
    const token = await api.tokenFor('director.wang');
    const svg = await fetch(`${api.baseUrl}/api/obstacles/heatmap.svg?week=2026-W12`, { headers: { Authorization: `Bearer ${token}` } });
    expect(svg.status).to.equal(200);
    expect(svg.headers.get('content-type')).to.match(/^image\/svg\+xml/);
    const text = await svg.text();
    expect(text).to.match(/^<svg/);
    expect(text).to.include('跨部门协同堵点热力图 3月16日–3月22日');
    expect(text).to.include('华东区');
    const png = await fetch(`${api.baseUrl}/api/obstacles/heatmap.png?week=2026-W12`, { headers: { Authorization: `Bearer ${token}` } });
    expect(png.status).to.equal(200);
    const buf = Buffer.from(await png.arrayBuffer());
    expect([...buf.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(buf.length).to.be.greaterThan(5000);
  });

  it('an empty week renders too (no topics), and compliance is refused', async () => {
    const h = await get('/api/obstacles/heatmap?week=2026-W02');
    expect(h).to.deep.include({ reportCount: 0, withObstacles: 0, max: 0 });
    expect(h.topics).to.deep.equal([]);
    const token = await api.tokenFor('director.wang');
    const svg = await fetch(`${api.baseUrl}/api/obstacles/heatmap.svg?week=2026-W02`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await svg.text()).to.include('本周暂无日报障碍数据');
    const res = await api.call('GET', '/api/obstacles/heatmap', { as: 'compliance.he' });
    expect(res.status).to.equal(403);
  });

  it('the weekly job pushes last week to every director through the outbox and stores the PNG', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'af-heatmap-'));
    try {
      const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-0123456789abcdef', DATA_DIR: dataDir, PUBLIC_URL: 'https://af.example.com' });
      const monday = new Date('2026-03-23T08:30:00+08:00');
      const r: any = await pushWeeklyObstacleHeatmap({ pool: fx.pool, config, logger, now: () => monday });
      expect(r).to.deep.include({ week: '2026-03-16', recipients: 1, sent: 1 });
      const again: any = await pushWeeklyObstacleHeatmap({ pool: fx.pool, config, logger, now: () => monday });
      expect(again.sent, 'one card per director and week').to.equal(0);
      const { rows } = await fx.pool.query(`SELECT recipient, msgtype, payload, status FROM outbox WHERE dedupe_key LIKE 'obstacle-heatmap:%'`);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.deep.include({ recipient: 'director.wang', msgtype: 'textcard', status: 'pending' });
      expect(rows[0].payload.textcard.url).to.equal('https://af.example.com/obstacles?week=2026-W12');
      expect(rows[0].payload.textcard.description).to.match(/高频堵点/);
      const stored = (await fx.pool.query(`SELECT png_sha256, result FROM obstacle_heatmaps WHERE week = '2026-03-16'`)).rows[0];
      expect(stored.result.reportCount).to.equal(21);
      expect(await createStorage(config).exists(stored.png_sha256)).to.equal(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
