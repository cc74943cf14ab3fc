/**
 * Obstacle clustering of 50,000 daily reports (a week of a ~7,000-person
 * sales force, or a big month) against a 10 s budget: jieba segmentation with
 * the trade dictionary (core/obstacles/terms.ts) plus co-occurrence topics
 * (core/obstacles/cluster.ts), exactly what GET /api/obstacles/heatmap runs
 * after loading the week's reports (clusterReports: batched segmentation). Reports are generated from 12 known
 * obstacle topics (one or two per report, varied wording, customer names,
 * filler, 10% "无", 5% one-off noise), so topic recovery is measured too.
 * Baseline: raw nodejieba.cut over the same texts (segmentation sentences/s).
 *
 *   npx tsx bench/obstacles.bench.ts
 *   BENCH_OBSTACLE_REPORTS=200000 npx tsx bench/obstacles.bench.ts
 */
import nodejieba from 'nodejieba';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OBSTACLE_KEYWORDS, DEFAULT_PAIN_POINT_KEYWORDS } from '../core/flow/defaults.js';
import { warmUpSegmenter } from '../core/flow/segmenter.js';
import { clusterObstacles } from '../core/obstacles/cluster.js';
import { isKnownTerm, isNoObstacle, prepareObstacleDictionary, termsOfMany } from '../core/obstacles/terms.js';
import { prng } from '../core/seed/prng.js';
import { printTable, resultRows, type BenchResult } from './report.js';

const N = Number(process.env.BENCH_OBSTACLE_REPORTS ?? 50_000);
const BUDGET_S = 10;

/** 12 topics, each a few ways of saying it. */
const TOPICS: string[][] = [
  ['设备科要求先提供耗材编码，医保备案还没下来', '耗材编码没有，入库办不了', '医保备案材料被退回，耗材编码要重新申请', '入库流程卡在医保备案'],
  ['招标延期到下个月', '招标文件还没挂网，预算要重新报批', '预算冻结，招标暂停', '招标又延期，预算没到位'],
  ['法务卡点，合同条款对方不接受', '合同条款来回改，法务还在审', '法务要求修改付款条件', '合同条款里的违约金谈不拢，法务不签'],
  ['竞品低价冲击，价格分歧很大', '竞品低价进场，要求我们降价', '价格分歧没谈拢，竞品报了八折', '竞品关系硬，价格分歧大'],
  ['决策人未见，只见到采购专员', '关键人变动，新主任还没见上', '领导换届，决策人未定', '决策人出差，关键人变动后要重新介绍'],
  ['审批流程太长，财务审批卡住', '财务审批要三级签字，审批流程走不动', '付款审批流程被退回', '审批流程还在院办'],
  ['样品未通过科室试用', '样品检测报告不全，样品未通过', '试用期反馈不好，样品要换型号', '样品质检报告过期'],
  ['资质不全，注册证过期', '授权书没更新，资质不全', '注册证还在办，资质审核过不了', '经销商资质不全，授权书缺失'],
  ['陈列位被竞品占了，进场费太高', '进场费和条码费谈不下来', '陈列位调整，堆头费用涨价', '条码费没批，陈列位拿不到'],
  ['回款慢，账期拖到九十天', '账期太长，财务不肯缩短', '回款没到，发货暂停', '账期谈不拢，回款计划没定'],
  ['断货两周，物流配送跟不上', '配送延迟，门店断货', '物流破损，退换货处理慢', '库存积压，压货太多'],
  ['需求不明确，客户还在调研', '需求不明确，技术参数反复变', '客户内部反对，需求不明确', '技术不达标，客户要求改参数'],
];
const CUSTOMERS = ['六院', '省人医', '华联', '永辉', '苏果', '协和', '北医三院', '物美', '家乐福', '鼓楼医院', '大润发', '京客隆'];
const FILLER = ['今天', '上午拜访时', '电话沟通后', '', '', '客户说', '下午去了一趟，'];
const NOISE = ['车坏了耽误半天', '培训占了一下午', '系统登录不上', '报销单填错了', '会议太多'];

function generate(n: number): Array<{ id: number; text: string; topics: number[] }> {
  const rand = prng(20261127);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const out = [];
  for (let i = 1; i <= n; i++) {
    const r = rand();
    if (r < 0.10) { out.push({ id: i, text: pick(['无', '没有', '今天一切顺利，没有障碍。', '暂无']), topics: [] }); continue; }
    if (r < 0.15) { out.push({ id: i, text: `${pick(FILLER)}${pick(NOISE)}。`, topics: [] }); continue; }
    // topic popularity is skewed, as in real weeks
    const t1 = Math.floor(Math.pow(rand(), 1.6) * TOPICS.length);
    const topics = [t1];
    let text = `${pick(FILLER)}${pick(CUSTOMERS)}${pick(TOPICS[t1])}`;
    if (rand() < 0.25) {
      const t2 = Math.floor(rand() * TOPICS.length);
      if (t2 !== t1) { topics.push(t2); text += `；另外${pick(TOPICS[t2])}`; }
    }
    out.push({ id: i, text: `${text}。`, topics });
  }
  return out;
}

export async function run(): Promise<BenchResult> {
  const reports = generate(N);
  warmUpSegmenter();
  prepareObstacleDictionary([...DEFAULT_OBSTACLE_KEYWORDS, ...DEFAULT_PAIN_POINT_KEYWORDS]);
  // baseline: raw jieba over the same texts
  const tRaw = performance.now();
  for (const r of reports) nodejieba.cut(r.text, true);
  const rawS = (performance.now() - tRaw) / 1000;

  const t0 = performance.now();
  const said = reports.filter((r) => !isNoObstacle(r.text));
  const terms = termsOfMany(said.map((r) => r.text));
  const docs = said.map((r, i) => ({ id: r.id, terms: terms[i] }));
  const withObstacles = said.length;
  const segS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const result = clusterObstacles(docs, { keepSingleton: isKnownTerm });
  const clusterS = (performance.now() - t1) / 1000;
  const totalS = segS + clusterS;

  // recovery: each generating topic's best-matching found topic, by F1 over report sets
  const byTopic = TOPICS.map((_, t) => new Set(reports.filter((r) => r.topics.includes(t)).map((r) => r.id)));
  const found = result.topics.slice(0, 20).map((t) => new Set(t.docIds));
  const f1s = byTopic.map((truth) => Math.max(0, ...found.map((f) => {
    let inter = 0;
    for (const id of f) if (truth.has(id)) inter++;
    return inter === 0 ? 0 : (2 * inter) / (f.size + truth.size);
  })));
  const meanF1 = f1s.reduce((a, x) => a + x, 0) / f1s.length;

  const metrics = {
    reports: N,
    with_obstacles: withObstacles,
    clustering_total_s: round2(totalS),
    segmentation_s: round2(segS),
    cluster_s: round2(clusterS),
    segmentation_sentences_per_s: Math.round(withObstacles / segS),
    baseline_raw_jieba_sentences_per_s: Math.round(N / rawS),
    vocabulary: result.vocabulary,
    topics_found: result.topics.length,
    topics_with_100_plus_reports: result.topics.filter((t) => t.docIds.length >= 100).length,
    topic_recovery_mean_f1: round2(meanF1),
  };
  printTable('top topics', result.topics.slice(0, 14).map((t) => ({ name: t.label, value: t.docIds.length, unit: 'reports' })));
  return {
    name: 'obstacles',
    metrics,
    ratios: {
      clustering_total_s: totalS / BUDGET_S,
      segmentation_sentences_per_s: (withObstacles / segS) / (N / rawS),
    },
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await run();
  printTable(r.name, resultRows(r));
}
