/**
 * The 门店健康度评分卡's numbers: each metric's weight in the store's score
 * and where its 优 and 良 begin, the same for the whole score, and the two
 * windows metrics are counted in. Weights add up to 100 and 优 begins above
 * 良, or the change is refused with what is wrong.
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { addMonths, monthStart } from '../dashboards/period.js';
import { shanghaiDate } from '../flow/time.js';
import { Sql } from '../db/sql.js';
import { defineSetting, type PreviewResult, type SettingContext } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';
import { countScorecard } from './scorecard-counts.js';
import { METRIC_CODES, METRICS, type MetricCode } from './scorecard-metrics.js';
import { BAND_LABELS, scoreStore } from './scorecard-score.js';

const bands = (name: string) => ({
  excellent: wholeBetween(0, 100, { title: '优（不低于）', unit: '%', description: `${name}达到这个比例为“优”` }),
  fair: wholeBetween(0, 100, { title: '良（不低于）', unit: '%', description: '低于它为“差”' }),
});

const Metric = (code: MetricCode) => z.strictObject({
  weight: wholeBetween(0, 100, { title: '权重', unit: '分', description: '各项权重合计应为100；0 表示不计入总分' }),
  ...bands(METRICS[code].name),
}).meta({ title: METRICS[code].name, description: METRICS[code].definition });

const metricsShape = Object.fromEntries(METRIC_CODES.map((c) => [c, Metric(c)])) as { [K in MetricCode]: ReturnType<typeof Metric> };

export const scorecardSchema = z.strictObject({
  metrics: z.strictObject(metricsShape).meta({ title: '十二项指标' }),
  overall: z.strictObject(bands('门店总分')).meta({ title: '门店总分分档' }),
  stockoutResponseHours: wholeBetween(1, 168, { title: '缺货响应时限', unit: '小时', description: '报缺货后这么多小时内提交缺货处理算及时' }),
  firstWeekDays: wholeBetween(1, 30, { title: '首周动销天数', unit: '天', description: '上架后这么多天内有销量算动销' }),
}).superRefine((v, ctx) => {
  const total = METRIC_CODES.reduce((s, c) => s + v.metrics[c].weight, 0);
  if (total !== 100) ctx.addIssue({ code: 'custom', path: ['metrics'], message: `各项权重合计应为100，现在是${total}` });
  for (const c of METRIC_CODES) {
    const m = v.metrics[c];
    if (m.excellent <= m.fair) ctx.addIssue({ code: 'custom', path: ['metrics', c, 'excellent'], message: `${METRICS[c].name}：“优”的门槛应高于“良”` });
  }
  if (v.overall.excellent <= v.overall.fair) ctx.addIssue({ code: 'custom', path: ['overall', 'excellent'], message: '门店总分：“优”的门槛应高于“良”' });
});
export type ScorecardSettings = z.output<typeof scorecardSchema>;

const m = (weight: number, excellent = 90, fair = 70) => ({ weight, excellent, fair });

export const scorecardSettings = defineSetting({
  key: 'retail.scorecard',
  topic: 'retail',
  label: '门店健康度评分卡',
  help: '十二项指标各自的权重（合计100）和优、良的门槛；门店总分是有数据的指标按权重的加权平均，没有数据的指标不计入。',
  schema: scorecardSchema,
  default: {
    metrics: {
      stockout_response: m(10, 90, 70), member_referral: m(8, 30, 15), expiry_handling: m(8), launch_on_time: m(10, 90, 60),
      first_week_sales: m(8, 80, 50), display_compliance: m(10), price_compliance: m(8, 95, 80), promotion_execution: m(8),
      patrol_coverage: m(8, 90, 60), entry_timeliness: m(7, 90, 60), entry_accuracy: m(8, 90, 75), fix_on_time: m(7, 90, 60),
    },
    overall: { excellent: 85, fair: 70 },
    stockoutResponseHours: 24,
    firstWeekDays: 7,
  },
  preview: previewScorecard,
});

/** This month so far, every store: whose score and band the change would move. */
async function previewScorecard(db: Db, c: SettingContext & { before: ScorecardSettings; after: ScorecardSettings }): Promise<PreviewResult> {
  const from = monthStart(shanghaiDate(c.now));
  const period = { from, to: addMonths(from, 1) };
  const [before, after] = await Promise.all([c.before, c.after].map((s) => countScorecard(db, new Sql(), 'TRUE', [period], s, c.now)));
  const { rows } = await db.query('SELECT c.id, c.name FROM retail_stores s JOIN customers c ON c.id = s.customer_id ORDER BY c.name');
  const band = (b: string | null) => (b ? BAND_LABELS[b as keyof typeof BAND_LABELS] : '无数据');
  const moved: string[] = [];
  let changed = 0;
  for (const r of rows) {
    const was = scoreStore(before.get(Number(r.id))?.[0] ?? {}, c.before);
    const now = scoreStore(after.get(Number(r.id))?.[0] ?? {}, c.after);
    if (was.score === now.score && was.band === now.band) continue;
    changed++;
    if (was.band !== now.band) moved.push(`${r.name}：${was.score ?? '—'}分（${band(was.band)}）→ ${now.score ?? '—'}分（${band(now.band)}）`);
  }
  return {
    summary: `本月至今${rows.length}家门店按新设置重新评分：${changed}家总分变化，其中${moved.length}家等级变化。`,
    lines: moved.slice(0, 30),
  };
}
