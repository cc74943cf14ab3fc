/**
 * Throughput of evaluateRules with the default visit rules, segmentation of
 * the voice transcript included, on one core. Target: ≥ 20,000 reports/s.
 * Baseline measured in the same run: a zod parse of the same report, i.e.
 * what the HTTP boundary pays anyway, so the ratio reads "rule evaluation
 * costs N× validating the request body".
 *
 *   npx tsx bench/rule-eval.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { DEFAULT_KEYWORD_LIBRARIES, DEFAULT_PAIN_POINT_KEYWORDS, VISIT_RULES } from '../core/flow/defaults.js';
import { evaluateRules } from '../core/flow/evaluate-rules.js';
import { wgs84ToGcj02 } from '../core/flow/geo.js';
import { keywordMatcherFor, warmUpSegmenter } from '../core/flow/segmenter.js';
import { shanghaiInstant } from '../core/flow/time.js';
import type { ReportAttachment, VisitFacts } from '../core/flow/types.js';
import { prng } from '../core/seed/prng.js';
import { median, printTable, resultRows, type BenchResult } from './report.js';

const TARGET_PER_S = 20_000;
const POOL = 500;
const ITERATIONS = 100_000;
const RUNS = 3;


const OPENERS = ['今天上午拜访了门店店长', '下午去医院设备科见了王主任', '和经销商老板当面沟通了二季度计划', '拜访了采购部李经理'];
const FILLERS = ['客户整体态度比较积极', '对新品包装反馈不错', '答应下周安排一次试用', '希望我们提供更详细的方案', '对方提到年底还有预算'];

function transcript(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const parts = [pick(OPENERS)];
  const pains = 1 + Math.floor(r() * 3);
  for (let i = 0; i < pains; i++) parts.push(`对方提到${pick(DEFAULT_PAIN_POINT_KEYWORDS)}的问题`, pick(FILLERS));
  parts.push('下次拜访带上报价单和样品');
  return parts.join('，') + '。';
}

function photos(r: () => number, day: string): ReportAttachment[] {
  const at = shanghaiInstant(day, 10, Math.floor(r() * 40));
  const list: ReportAttachment[] = [
    { id: 1, kind: 'photo', tags: ['门头照'], capturedAt: at },
    { id: 2, kind: 'photo', tags: r() < 0.8 ? ['合影'] : [], capturedAt: r() < 0.9 ? at : null },
    { id: 3, kind: 'voice', tags: ['语音纪要'], capturedAt: null },
  ];
  return r() < 0.1 ? list.slice(0, 1) : list;
}

function aReport(r: () => number, i: number): VisitFacts {
  const day = '2024-05-08';
  const lat = 22 + r() * 18;
  const lng = 104 + r() * 16;
  const shop = wgs84ToGcj02(lat, lng);
  const far = r() < 0.1 ? 0.05 : 0.001;
  const orders = Array.from({ length: Math.floor(r() * 6) }, (_, k) => i * 10 + k);
  return {
    now: shanghaiInstant(day, 12),
    customer: { id: i, name: `客户${i}`, type: 'store', lat: shop.lat, lng: shop.lng, coordSystem: 'gcj02' },
    report: {
      fields: { decisionRole: '采购者', nextContactAt: r() < 0.9 ? '2024-05-15 10:00' : '2024-05-01 10:00' },
      attachments: photos(r, day),
      checkIn: { lat: lat + far, lng, coordSystem: 'wgs84', at: shanghaiInstant(day, 10) },
      transcript: transcript(r),
      linkedOrderIds: r() < 0.85 ? orders.slice(0, 3) : [],
      visitWindow: { start: shanghaiInstant(day, 9, 50), end: shanghaiInstant(day, 11) },
    },
    recentOrderIds: orders,
    satisfiedPrerequisites: [],
    keywordLibraries: DEFAULT_KEYWORD_LIBRARIES,
  };
}

// what the HTTP route would validate: the baseline's work
const ReportBodySchema = z.object({
  fields: z.record(z.string(), z.unknown()),
  attachments: z.array(z.object({ id: z.string(), kind: z.enum(['photo', 'voice', 'document']), tags: z.array(z.string()), capturedAt: z.date().nullable() })),
  checkIn: z.object({ lat: z.number(), lng: z.number(), coordSystem: z.enum(['wgs84', 'gcj02']), at: z.date() }).optional(),
  transcript: z.string().max(20_000).optional(),
  linkedOrderIds: z.array(z.string()),
  visitWindow: z.object({ start: z.date(), end: z.date() }).optional(),
});

/** Median ops/s of `fn` over the pool, RUNS runs of ITERATIONS calls. */
function rate(pool: VisitFacts[], fn: (f: VisitFacts) => unknown): number {
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    for (let i = 0; i < ITERATIONS; i++) fn(pool[i % pool.length]);
    samples.push(ITERATIONS / ((performance.now() - t0) / 1000));
  }
  return Math.round(median(samples));
}

/** The same realistic mix every run: ~10 % far check-ins, missing 合影, stale next-contact dates… */
export function buildFactsPool(size = POOL, seed = 20240508): VisitFacts[] {
  const r = prng(seed);
  return Array.from({ length: size }, (_, i) => aReport(r, i));
}

export async function run(): Promise<BenchResult> {
  warmUpSegmenter();
  const pool = buildFactsPool();
  const match = keywordMatcherFor(DEFAULT_KEYWORD_LIBRARIES.pain_points);
  const rejected = pool.filter((f) => !evaluateRules(f, VISIT_RULES).ok).length;
  for (let i = 0; i < 20_000; i++) evaluateRules(pool[i % POOL], VISIT_RULES); // JIT warm-up

  const reports = rate(pool, (f) => evaluateRules(f, VISIT_RULES));
  const zodParse = rate(pool, (f) => ReportBodySchema.parse(f.report));
  const empty = rate(pool, (f) => evaluateRules(f, []));
  const keywords = rate(pool, (f) => match(f.report.transcript));
  return {
    name: '规则引擎 rule-eval (visit rules, 1 core)',
    metrics: {
      reports_per_s: reports,
      us_per_report: Math.round((1e6 / reports) * 100) / 100,
      zod_report_parse_per_s: zodParse,
      empty_evaluate_per_s: empty,
      keyword_match_per_s: keywords,
      rejected_share: `${Math.round((rejected / POOL) * 100)}%`,
      target: reports >= TARGET_PER_S ? `met (≥ ${TARGET_PER_S})` : `MISSED (< ${TARGET_PER_S})`,
    },
    // cost of rule evaluation in units of one zod parse of the same report
    ratios: { reports_per_s: zodParse / reports },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  printTable(result.name, resultRows(result));
}
