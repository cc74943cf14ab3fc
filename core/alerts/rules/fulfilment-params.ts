/**
 * The params of the four fulfilment alert rules, as admins edit them in
 * 预警规则 (alert_rules rows, validated here at every run and every edit).
 */
import { z } from 'zod';
import { RecipientsSchema as Recipients } from './recipients.js';
const Days = (max: number) => z.number().int().min(1, `天数应在1–${max}之间`).max(max, `天数应在1–${max}之间`);

export const FirstOrderLateParamsSchema = z.strictObject({
  /** The first order must ship within this many days of signing. */
  days: Days(90),
  /** Customers signed longer ago than this are not new any more. */
  signedWithinDays: Days(365),
  recipients: Recipients,
});

export const ReorderOverdueParamsSchema = z.strictObject({
  /** A repeat customer is one with at least this many orders. */
  minOrders: z.number().int().min(2).max(50),
  /** Overdue when the days since the last order exceed the usual interval × this. */
  factor: z.number().min(1, '倍数应在1–5之间').max(5, '倍数应在1–5之间'),
  /** …and by at least this many days (short cycles jitter). */
  minDaysLate: Days(90),
  recipients: Recipients,
});

export const OrderErrorsParamsSchema = z.strictObject({
  /** Orders confirmed within this many days are checked. */
  lookbackDays: Days(365),
  recipients: Recipients,
});

export const COMPLAINT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];
export const COMPLAINT_SEVERITY_LABELS: Record<ComplaintSeverity, string> = { low: '一般', medium: '较重', high: '严重', critical: '紧急' };

export const ComplaintEscalationParamsSchema = z.strictObject({
  /** Hours to resolve a complaint, per severity: its SLA. */
  slaHours: z.strictObject(Object.fromEntries(COMPLAINT_SEVERITIES.map((s) => [s, z.number().int().min(1).max(24 * 90)])) as Record<ComplaintSeverity, z.ZodNumber>),
  /** This many complaints from one customer within `repeatWindowDays` escalate as a repeat. */
  repeatCount: z.number().int().min(2).max(20),
  repeatWindowDays: Days(365),
  recipients: Recipients,
});
export type ComplaintEscalationParams = z.output<typeof ComplaintEscalationParamsSchema>;

/** 证照到期: who hears of a licence about to expire (how many days ahead is the setting profile.licence-expiry). */
export const LicenceExpiryParamsSchema = z.strictObject({ recipients: Recipients });

