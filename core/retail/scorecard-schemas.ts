/** The HTTP shapes of the 门店健康度评分卡 and the clerk's 会员推荐 entry (core/retail), shared by the API and the H5 app. */
import { z } from 'zod';
import { OperationalDate } from '../resources/schemas.js';
import { METRIC_CODES } from './scorecard-metrics.js';

export const MetricCodeSchema = z.enum(METRIC_CODES, { message: '没有这项评分卡指标' });

export const ScorecardQuery = z.strictObject({
  period: z.enum(['week', 'month'], { message: '统计周期只能是 week（周）或 month（月）' }).optional(),
  /** Any day of the week or month; the week's Monday or the month's 1st is used. */
  start: OperationalDate.optional(),
});

const BandLabel = z.enum(['优', '良', '差']).nullable();
const PeriodSchema = z.object({ kind: z.enum(['week', 'month']), from: z.string(), to: z.string(), label: z.string(), current: z.boolean() });

export const RankingSchema = z.object({
  period: PeriodSchema,
  regions: z.array(z.object({
    id: z.number().nullable(), name: z.string(), average: z.number().nullable(),
    stores: z.array(z.object({
      id: z.number(), name: z.string(), chain: z.string(), score: z.number().nullable(), band: z.string().nullable(), bandLabel: BandLabel,
      rank: z.number().nullable(), metricsWithData: z.number(),
      weakest: z.array(z.object({ code: MetricCodeSchema, name: z.string(), value: z.number(), bandLabel: z.string() })),
    })),
  })),
});

export type ScorecardRanking = z.output<typeof RankingSchema>;

export const StoreScorecardSchema = z.object({
  store: z.object({ id: z.number(), name: z.string(), chain: z.string(), format: z.string(), regionName: z.string().nullable() }),
  period: PeriodSchema,
  score: z.number().nullable(), band: z.string().nullable(), bandLabel: BandLabel,
  overallBands: z.object({ excellent: z.number(), fair: z.number() }),
  noDataNote: z.string().nullable(),
  metrics: z.array(z.object({
    code: MetricCodeSchema, name: z.string(), definition: z.string(), source: z.string(), declared: z.boolean(),
    weight: z.number(), num: z.number(), den: z.number(), value: z.number().nullable(), band: z.string().nullable(), bandLabel: BandLabel,
    bands: z.object({ excellent: z.number(), fair: z.number() }), trend: z.array(z.number().nullable()),
  })),
  trend: z.array(z.object({ from: z.string(), label: z.string(), score: z.number().nullable(), bandLabel: BandLabel })),
  suggestions: z.array(z.object({
    code: MetricCodeSchema, name: z.string(), value: z.number(), bandLabel: z.string(), title: z.string(), openActionId: z.number().nullable(),
  })),
});

export const ScorecardRecordsSchema = z.object({
  metric: z.object({ code: MetricCodeSchema, name: z.string(), definition: z.string(), source: z.string(), value: z.number().nullable(), num: z.number(), den: z.number() }),
  periodLabel: z.string(),
  records: z.array(z.object({ when: z.string(), what: z.string(), ok: z.boolean().nullable(), detail: z.string(), link: z.string().nullable() })),
});

export type ScorecardRecords = z.output<typeof ScorecardRecordsSchema>;

export const ScorecardActionSchema = ScorecardQuery.extend({ metric: MetricCodeSchema });

export const MemberReferralEntrySchema = z.strictObject({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 年-月-日'),
  recommended: z.number({ message: '请填写推荐人数' }).int('推荐人数应为整数').min(1, '推荐人数至少1人').max(10_000, '推荐人数不合常理，请核对'),
  joined: z.number({ message: '请填写入会人数' }).int('入会人数应为整数').min(0, '入会人数不能为负数'),
}).refine((v) => v.joined <= v.recommended, { path: ['joined'], message: '入会人数不能多于推荐人数' });
export type MemberReferralEntry = z.output<typeof MemberReferralEntrySchema>;
