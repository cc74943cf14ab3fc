/**
 * The params each alert rule reads from its `alert_rules` row, validated by
 * the rule's own schema — by the detection jobs at every run and by the
 * settings page on every edit (core/config-admin/alert-rules.ts).
 *
 *   const parsed = ALERT_PARAM_SCHEMAS.silence.safeParse({ days: 10, recipients: ['owner'] });
 */
import { z } from 'zod';
import { OverdueEscalationParamsSchema, QuietHoursSchema, RemindersParamsSchema } from './rule-settings.js';
import {
  ComplaintEscalationParamsSchema, FirstOrderLateParamsSchema, LicenceExpiryParamsSchema, OrderErrorsParamsSchema, ReorderOverdueParamsSchema,
} from './rules/fulfilment-params.js';

import { RecipientsSchema as Recipients } from './rules/recipients.js';

export { ALERT_RECIPIENTS } from './rules/recipients.js';

export const SilenceParamsSchema = z.strictObject({
  days: z.number().int().min(1, '天数应在1–90之间').max(90, '天数应在1–90之间'),
  recipients: Recipients,
  /** No message in this window (Shanghai time); it is sent when the window ends. */
  quietHours: QuietHoursSchema.optional(),
});

export const LegalReviewSkipsParamsSchema = z.strictObject({
  stageKey: z.string().min(1).optional(),
  subStageKey: z.string().min(1).optional(),
  minSkips: z.number().int().min(1).max(100),
  windowDays: z.number().int().min(1).max(365),
  recipients: Recipients,
});

export const ALERT_PARAM_SCHEMAS: Record<string, z.ZodType> = {
  silence: SilenceParamsSchema,
  legal_review_skips: LegalReviewSkipsParamsSchema,
  overdue_escalation: OverdueEscalationParamsSchema,
  reminders: RemindersParamsSchema,
  first_order_late: FirstOrderLateParamsSchema,
  reorder_overdue: ReorderOverdueParamsSchema,
  order_errors: OrderErrorsParamsSchema,
  complaint_escalation: ComplaintEscalationParamsSchema,
  licence_expiry: LicenceExpiryParamsSchema,
};
