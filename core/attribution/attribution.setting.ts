/**
 * How the 结果归因 report is read: below how many deals on either side a
 * comparison is labelled 样本少, how many closed deals a rep needs to be ranked
 * for the top quartile, and the period it covers when none is asked for. The
 * director (and admins) tune them; the preview counts what the change moves
 * in the whole company's report.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { previewAttributionReading } from './reading-preview.js';

export const AttributionReadingSchema = z.strictObject({
  smallSampleDeals: z.number().int().min(2, '应在2–200个之间').max(200, '应在2–200个之间')
    .meta({ title: '“样本少”的界线', description: '有/无该动作的商机任一侧少于这个数时，比较标为“样本少”，仅供参考', unit: '个商机' }),
  minRepDeals: z.number().int().min(1, '应在1–100个之间').max(100, '应在1–100个之间')
    .meta({ title: '业务员参与排名所需已结商机', description: '统计期内已结商机不少于这个数的业务员才参与“前四分之一”排名', unit: '个' }),
  defaultDays: z.number().int().min(30, '应在30–1095天之间').max(1095, '应在30–1095天之间')
    .meta({ title: '默认统计期', description: '没有选择统计期时，统计最近多少天内关闭的商机', unit: '天' }),
});
export type AttributionReading = z.infer<typeof AttributionReadingSchema>;

export const attributionReading = defineSetting({
  key: 'reports.attribution',
  topic: 'dashboards',
  label: '结果归因报告',
  help: '结果归因报告怎么读：多少个商机以下算“样本少”，业务员要有几个已结商机才参与前四分之一排名，默认统计最近多少天。',
  schema: AttributionReadingSchema,
  default: { smallSampleDeals: 10, minRepDeals: 3, defaultDays: 365 },
  editors: { organisation: ['director', 'admin'] },
  preview: previewAttributionReading,
});
