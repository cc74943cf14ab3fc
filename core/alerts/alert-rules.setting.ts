/**
 * The alert rules' thresholds, windows, recipients and quiet hours as
 * settings, one per rule. A value is the rule's params plus `enabled`; it is
 * written through to `alert_rules`, which the detection jobs read at every
 * run (so a change applies on the next run). The thresholds preview how many
 * alerts last week would have produced.
 */
import { z } from 'zod';
import { ROLE_LABELS } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { addCalendarDays, shanghaiDate, shanghaiInstant, weekdayOf } from '../flow/time.js';
import { DEFAULT_ALERT_RULES } from './alert-rules.defaults.js';
import { defineSetting, type PreviewResult } from '../settings/define.js';
import { LegalReviewSkipsParamsSchema, SilenceParamsSchema } from './rule-params.js';
import { OverdueEscalationParamsSchema, QuietHoursSchema, RemindersParamsSchema } from './rule-settings.js';

type Meta = { title: string; unit?: string; description?: string; labels?: Record<string, string>; optionsFrom?: string };

/** The rule's params schema with Chinese labels on its fields, plus `enabled`. */
export function labelled<S extends z.ZodObject>(schema: S, labels: Record<string, Meta | z.ZodType>) {
  const shape = Object.fromEntries(Object.entries(labels).map(([k, m]) => [k, m instanceof z.ZodType ? m : (schema.shape[k] as z.ZodType).meta(m)]));
  // the labels change no type: the value is the rule's params plus `enabled`
  return schema.extend({ enabled: z.boolean().meta({ title: '启用' }), ...shape }) as unknown as z.ZodType<z.output<S> & { enabled: boolean }>;
}

export const RECIPIENT_LABELS = {
  owner: '客户负责人', owner_manager: '负责人的主管', manager: '主管', director: ROLE_LABELS.director, compliance: ROLE_LABELS.compliance, admin: ROLE_LABELS.admin,
};
const quietHours = QuietHoursSchema.extend({
  from: QuietHoursSchema.shape.from.meta({ title: '开始' }), to: QuietHoursSchema.shape.to.meta({ title: '结束' }),
}).optional().meta({ title: '免打扰时段', description: '这段时间内不发消息，时段结束后再发（可跨午夜，如 21:00–08:00）' });
export const recipients = { title: '接收人', labels: RECIPIENT_LABELS };

const SilenceSchema = labelled(SilenceParamsSchema, {
  days: { title: '连续无有效跟进', unit: '天', description: '客户超过这么多天没有有效跟进即预警' }, recipients, quietHours,
});
const LegalSchema = labelled(LegalReviewSkipsParamsSchema, {
  stageKey: { title: '阶段', optionsFrom: 'pipeline-stages', description: '不设置则不限阶段' },
  subStageKey: { title: '被跳过的子阶段', optionsFrom: 'pipeline-sub-stages', description: '不设置则为法务审核' },
  minSkips: { title: '跳过次数', unit: '次', description: '统计窗口内跳过达到这么多次即预警' },
  windowDays: { title: '统计窗口', unit: '天' }, recipients,
});
const OverdueSchema = labelled(OverdueEscalationParamsSchema, {
  quietHours, maxActionsPerRun: { title: '每次最多处理', unit: '个事项', description: '其余的留到下一次（每15分钟一次）' },
});
const RemindersSchema = labelled(RemindersParamsSchema, {
  draftIdleHours: { title: '草稿闲置多久提醒', unit: '小时' }, dailyReportBy: { title: '日报提醒时间', description: '到这个时间还没交日报即提醒' }, quietHours,
});

const MIGRATION_DEFAULTS = {
  // the two rules migration 004 installs besides the template's
  overdue_escalation: { quietHours: { from: '21:00', to: '08:00' } },
  reminders: { draftIdleHours: 2, dailyReportBy: '18:00', quietHours: { from: '21:00', to: '08:00' } },
};
export const defaultParams = (code: string): Record<string, unknown> =>
  structuredClone(DEFAULT_ALERT_RULES.find((r) => r.code === code)?.params ?? MIGRATION_DEFAULTS[code as keyof typeof MIGRATION_DEFAULTS]);

/** The rule's name as cards and lists show it, kept in step with its threshold. */
const NAMES: Record<string, (v: any) => string> = {
  silence: (v) => `同一客户连续${v.days}天无有效跟进`,
  legal_review_skips: (v) => `销售员${v.minSkips}次以上跳过法务审核`,
};

/** Writes the value through to the rule's `alert_rules` row; `nameOf` keeps its name in step with its numbers. */
export function projectTo(code: string, nameOf: ((v: any) => string) | undefined = NAMES[code]) {
  return async (db: Db, value: { enabled: boolean } & Record<string, unknown>) => {
    const { enabled, ...params } = value;
    const name = nameOf?.(value);
    await db.query(
      `UPDATE alert_rules SET enabled = $2, params = $3, name = COALESCE($4, name), updated_at = now() WHERE code = $1`,
      [code, enabled, JSON.stringify(params), name ?? null]);
  };
}

/** Monday 00:00 (Shanghai) of last week, and of this week. */
function lastWeek(now: Date): { from: Date; to: Date; label: string } {
  const today = shanghaiDate(now);
  const monday = addCalendarDays(today, -((weekdayOf(today) + 6) % 7));
  const prev = addCalendarDays(monday, -7);
  return { from: shanghaiInstant(prev), to: shanghaiInstant(monday), label: `上周（${Number(prev.slice(5, 7))}月${Number(prev.slice(8))}日起）` };
}

/**
 * Customers whose silence reached `days` during [from, to): an effective
 * follow-up (or becoming active) not followed by another within `days`.
 * Read from the follow-up history, so a past week is judged as it was.
 */
async function silentCustomers(db: Db, days: number, w: { from: Date; to: Date }): Promise<Map<number, string>> {
  const { rows } = await db.query(
    `WITH starts AS (
       SELECT c.id, c.name, c.became_active_at AS s FROM customers c WHERE c.status = 'active'
       UNION ALL
       SELECT c.id, c.name, f.at FROM followups f JOIN customers c ON c.id = f.customer_id
        WHERE f.effective AND c.status = 'active' AND f.at >= $2::timestamptz - make_interval(days => $1)
     ), episodes AS (
       SELECT id, name, s, lead(s) OVER (PARTITION BY id ORDER BY s) AS next FROM starts
     )
     SELECT DISTINCT id, name FROM episodes
      WHERE s + make_interval(days => $1) >= $2 AND s + make_interval(days => $1) < $3
        AND (next IS NULL OR next > s + make_interval(days => $1))`,
    [days, w.from, w.to]);
  return new Map(rows.map((r) => [Number(r.id), r.name as string]));
}

export function compareSets(label: string, before: Map<number, string>, after: Map<number, string>, noun: string): PreviewResult {
  const added = [...after].filter(([id]) => !before.has(id)).map(([, n]) => n);
  const gone = [...before].filter(([id]) => !after.has(id)).map(([, n]) => n);
  return {
    summary: `${label}按现在的设置会产生 ${before.size} 条预警，按新设置 ${after.size} 条（新增 ${added.length}，减少 ${gone.length}）。`,
    lines: [
      ...added.slice(0, 8).map((n) => `新增：${noun}「${n}」`),
      ...gone.slice(0, 8).map((n) => `不再预警：${noun}「${n}」`),
    ],
  };
}

async function previewSilence(db: Db, c: { before: z.output<typeof SilenceSchema>; after: z.output<typeof SilenceSchema>; now: Date }): Promise<PreviewResult> {
  const week = lastWeek(c.now);
  const on = (v: { enabled: boolean; days: number }) => (v.enabled ? silentCustomers(db, v.days, week) : Promise.resolve(new Map()));
  return compareSets(week.label, await on(c.before), await on(c.after), '客户');
}

/** Reps with at least `minSkips` skips in the window ending when last week ended (one alert per rep per week). */
async function skippingReps(db: Db, v: z.output<typeof LegalSchema>, end: Date): Promise<Map<number, string>> {
  if (!v.enabled) return new Map();
  const pattern = [{ ...(v.stageKey ? { stageKey: v.stageKey } : {}), subStageKey: v.subStageKey ?? 'legal_review' }];
  const { rows } = await db.query(
    `SELECT u.id, u.name FROM stage_moves sm JOIN users u ON u.id = COALESCE(sm.by_user_id, sm.owner_id)
      WHERE sm.skipped @> $1::jsonb AND sm.at > $2::timestamptz - make_interval(days => $3) AND sm.at <= $2
      GROUP BY u.id, u.name HAVING count(*) >= $4`,
    [JSON.stringify(pattern), end, v.windowDays, v.minSkips]);
  return new Map(rows.map((r) => [Number(r.id), r.name as string]));
}

async function previewLegal(db: Db, c: { before: z.output<typeof LegalSchema>; after: z.output<typeof LegalSchema>; now: Date }): Promise<PreviewResult> {
  const week = lastWeek(c.now);
  return compareSets(week.label, await skippingReps(db, c.before, week.to), await skippingReps(db, c.after, week.to), '业务员');
}

export const silenceAlert = defineSetting({
  key: 'alerts.silence',
  topic: 'alerts',
  label: '客户沉默预警',
  help: '客户连续多少天没有有效跟进就预警，发给谁，夜间是否免打扰。每晚检查一次。',
  schema: SilenceSchema,
  default: { enabled: true, ...defaultParams('silence') } as z.output<typeof SilenceSchema>,
  apply: projectTo('silence'),
  preview: previewSilence,
  notify: { roles: ['manager'] },
});

export const legalReviewSkipsAlert = defineSetting({
  key: 'alerts.legal-review-skips',
  topic: 'alerts',
  label: '跳过法务审核预警',
  help: '业务员在统计窗口内跳过法务审核达到多少次就预警，发给谁。',
  schema: LegalSchema,
  default: { enabled: true, ...defaultParams('legal_review_skips') } as z.output<typeof LegalSchema>,
  apply: projectTo('legal_review_skips'),
  preview: previewLegal,
});

export const overdueEscalationAlert = defineSetting({
  key: 'alerts.overdue-escalation',
  topic: 'alerts',
  label: '事项逾期升级',
  help: '逾期事项按各事项类型的升级步骤通知负责人、主管和总监；这里设置免打扰时段和每次处理量。',
  schema: OverdueSchema,
  default: { enabled: true, ...defaultParams('overdue_escalation') } as z.output<typeof OverdueSchema>,
  apply: projectTo('overdue_escalation'),
});

export const remindersAlert = defineSetting({
  key: 'alerts.reminders',
  topic: 'alerts',
  label: '草稿与日报提醒',
  help: '拜访报告草稿闲置多久提醒业务员，几点还没交日报就提醒。',
  schema: RemindersSchema,
  default: { enabled: true, ...defaultParams('reminders') } as z.output<typeof RemindersSchema>,
  apply: projectTo('reminders'),
  notify: { roles: ['rep'] },
});
