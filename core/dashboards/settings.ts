/**
 * Dashboard colour bands and the key profile fields: their shapes, defaults
 * and how a value gets its colour. They are edited as settings
 * (dashboard.setting.ts, which also reads them: loadDashboardSettings).
 *
 *   statusOf(s.thresholds.lead_conversion, 0.28); // 'red'
 */
import { z } from 'zod';

const Ratio = (title: string) => z.number().min(0, '应在0%–100%之间').max(1, '应在0%–100%之间').meta({ title, percent: true });
export const ThresholdSchema = z.object({
  /** Green when the value lies in [min, max] (a missing bound is open). */
  green: z.object({ min: Ratio('不低于').optional(), max: Ratio('不高于').optional() }).strict().meta({ title: '健康（绿）' }),
  /** Red when the value is below `below` or above `above`; otherwise amber. */
  red: z.object({ below: Ratio('低于').optional(), above: Ratio('高于').optional() }).strict().meta({ title: '预警（红）' }),
}).strict();
export type Threshold = z.infer<typeof ThresholdSchema>;

/**
 * A key field of the customer profile: a `profile` jsonb key, or one of the
 * built-in facts — the buying centre covered (an active 决策者 among at least
 * three of the six roles: 决策链角色), a live procurement (a procurement step
 * on an open opportunity in the last year, or the `profile` key: 当前采购周期),
 * a contact with a phone or WeChat, an address with coordinates.
 * 'contacts.decision_maker' (a decider known, nothing more) is the older
 * reading of 决策链角色, kept for stored settings.
 */
export const ProfileFieldSchema = z.object({
  key: z.string().min(1).max(50).regex(/^[^'"\\]+$/, '字段名不能包含引号或反斜杠').meta({ title: '字段名' }),
  label: z.string().min(1).max(50).meta({ title: '显示名称' }),
  weight: z.number().positive('权重应大于0').max(100, '权重不能超过100').meta({ title: '权重' }),
  source: z.enum(['profile', 'contacts.buying_centre', 'contacts.decision_maker', 'procurement', 'contacts.phone', 'location']).meta({
    title: '取值来源',
    labels: {
      profile: '客户资料中的同名字段', 'contacts.buying_centre': '决策链覆盖（有决策者且至少三种角色）', 'contacts.decision_maker': '有决策者联系人',
      procurement: '一年内有采购进展（进行中商机）', 'contacts.phone': '有联系人电话或微信', location: '地址已定位',
    },
  }),
}).strict();
export type ProfileField = z.infer<typeof ProfileFieldSchema>;

export const THRESHOLD_METRICS = [
  'lead_conversion', 'opportunity_win', 'profile_completeness', 'action_on_time', 'effective_followup', 'stage_skip_rate',
] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

export const ProfileFieldsSchema = z.strictObject({
  fields: z.array(ProfileFieldSchema).min(1, '至少需要一个字段').max(20, '最多20个字段')
    .refine((fs) => new Set(fs.map((f) => f.key)).size === fs.length, '字段不能重复').meta({ title: '关键字段' }),
});

export const DashboardSettingsSchema = z.object({
  thresholds: z.object(Object.fromEntries(THRESHOLD_METRICS.map((m) => [m, ThresholdSchema])) as Record<ThresholdMetric, typeof ThresholdSchema>),
  profileFields: ProfileFieldsSchema.shape.fields,
});
export type DashboardSettings = z.infer<typeof DashboardSettingsSchema>;

export const DEFAULT_DASHBOARD_SETTINGS: DashboardSettings = {
  thresholds: {
    // healthy 35–45%; below 30% flagged; above the band is worth a look (leads screened too hard?)
    lead_conversion: { green: { min: 0.35, max: 0.45 }, red: { below: 0.30 } },
    // the trade's mean is 22%; below 15% flagged
    opportunity_win: { green: { min: 0.22 }, red: { below: 0.15 } },
    profile_completeness: { green: { min: 0.92 }, red: { below: 0.80 } },
    action_on_time: { green: { min: 0.90 }, red: { below: 0.80 } },
    effective_followup: { green: { min: 0.70 }, red: { below: 0.60 } },
    stage_skip_rate: { green: { max: 0.05 }, red: { above: 0.10 } },
  },
  profileFields: [
    { key: 'decision_chain', label: '决策链角色', weight: 3, source: 'contacts.buying_centre' },
    { key: '历史合作痛点', label: '历史合作痛点', weight: 2, source: 'profile' },
    { key: '当前采购周期', label: '当前采购周期', weight: 2, source: 'procurement' },
    { key: '年采购额', label: '年采购额', weight: 1, source: 'profile' },
    { key: 'contact_phone', label: '联系人电话', weight: 1, source: 'contacts.phone' },
    { key: 'location', label: '地址定位', weight: 1, source: 'location' },
  ],
};

export type Status = 'green' | 'amber' | 'red';
export const STATUS_LABELS: Record<Status, string> = { green: '健康', amber: '关注', red: '预警' };

export function statusOf(t: Threshold, value: number | null): Status | null {
  if (value === null) return null;
  if ((t.red.below !== undefined && value < t.red.below) || (t.red.above !== undefined && value > t.red.above)) return 'red';
  if ((t.green.min === undefined || value >= t.green.min) && (t.green.max === undefined || value <= t.green.max)) return 'green';
  return 'amber';
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** '健康 35%–45%；低于 30% 预警' */
export function describeThreshold(t: Threshold): string {
  const g = t.green.min !== undefined && t.green.max !== undefined ? `${pct(t.green.min)}–${pct(t.green.max)}`
    : t.green.min !== undefined ? `≥ ${pct(t.green.min)}` : t.green.max !== undefined ? `≤ ${pct(t.green.max)}` : '—';
  const r = [t.red.below !== undefined ? `低于 ${pct(t.red.below)}` : '', t.red.above !== undefined ? `高于 ${pct(t.red.above)}` : '']
    .filter(Boolean).join('或');
  return `健康 ${g}${r ? `；${r}预警` : ''}`;
}
