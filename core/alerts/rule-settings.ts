/**
 * Alert rules as the detection jobs read them: one row of `alert_rules`, read
 * at every run (so an admin's change applies on the next run, no restart),
 * its params validated by the rule's schema. The template's rules use the
 * schemas admins edit through (core/config-admin/alert-rules.ts); the two
 * rules this area adds (overdue_escalation, reminders) are defined here.
 *
 *   const rule = await loadRuleSettings(db, 'silence', SilenceParamsSchema);
 *   if (!rule.ok) return skipped(rule.reason);
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import type { AlertRuleKind } from './rules/index.js';
import { addCalendarDays, shanghaiDate, shanghaiInstant } from '../flow/time.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM，如 21:00');
export const QuietHoursSchema = z.strictObject({ from: HHMM, to: HHMM });
export type QuietHours = z.output<typeof QuietHoursSchema>;

export const OverdueEscalationParamsSchema = z.strictObject({
  quietHours: QuietHoursSchema.optional(),
  /** Actions handled per run; the rest waits for the next run (the job runs every 15 minutes). */
  maxActionsPerRun: z.number().int().min(1).max(100_000).optional(),
});

export const RemindersParamsSchema = z.strictObject({
  /** A draft untouched this long (hours) earns its rep a reminder, once a day. */
  draftIdleHours: z.number().min(0.5).max(24 * 7),
  /** Shanghai time after which a missing daily report is reminded (only when daily reports exist). */
  dailyReportBy: HHMM,
  quietHours: QuietHoursSchema.optional(),
});

/** The code of an `alert_rules` row a detection job reads: an alert rule's kind, or the reminders job's. */
export type DetectionCode = AlertRuleKind | 'reminders';

export type RuleSettings<P> =
  | { ok: true; code: string; name: string; params: P; quietHours: QuietHours | null; updatedAt: Date }
  | { ok: false; code: string; reason: string };

/** The rule's current row; `ok: false` with a Chinese reason when it is missing, disabled or invalid. */
export async function loadRuleSettings<P>(db: Db, code: DetectionCode, schema: z.ZodType<P>): Promise<RuleSettings<P>> {
  const { rows: [row] } = await db.query('SELECT name, params, enabled, updated_at FROM alert_rules WHERE code = $1', [code]);
  if (!row) return { ok: false, code, reason: `预警规则「${code}」不存在` };
  if (!row.enabled) return { ok: false, code, reason: `预警规则「${row.name}」已停用` };
  const parsed = schema.safeParse(row.params);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('；');
    return { ok: false, code, reason: `预警规则「${row.name}」的参数无效：${issues}` };
  }
  const quiet = QuietHoursSchema.safeParse((row.params as Record<string, unknown>).quietHours);
  return { ok: true, code, name: row.name, params: parsed.data, quietHours: quiet.success ? quiet.data : null, updatedAt: row.updated_at };
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

// Messages held by quiet hours go out a few minutes after the window ends: WeCom
// advises against sending on the hour and half hour (reference §2.1).
const AFTER_QUIET_MS = 7 * 60_000;

/**
 * When a message created at `now` may go out: null when `now` is outside the
 * quiet window (send at once), else the window's end in Shanghai time plus a
 * few minutes. Windows may wrap midnight (21:00–08:00).
 */
export function quietUntil(now: Date, quiet: QuietHours | null): Date | null {
  if (!quiet || quiet.from === quiet.to) return null;
  const day = shanghaiDate(now);
  const minute = Math.floor((now.getTime() - shanghaiInstant(day).getTime()) / 60_000);
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  const wraps = from > to;
  const inside = wraps ? minute >= from || minute < to : minute >= from && minute < to;
  if (!inside) return null;
  const endDay = wraps && minute >= from ? addCalendarDays(day, 1) : day;
  return new Date(shanghaiInstant(endDay, Math.floor(to / 60), to % 60).getTime() + AFTER_QUIET_MS);
}
