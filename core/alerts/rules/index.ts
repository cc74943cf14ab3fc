/**
 * The alert rules' registry: one pure file per kind (core/flow/rule-kind.ts
 * has the vocabulary the three rule families share). Adding a kind: its
 * `<kind>.rule.ts` (params schema, check, cardFacts), a line here, a
 * detection that selects its candidates, and its row in `alert_rules`.
 *
 *   const rule = ALERT_RULES.silence; rule.label; // '客户沉默'
 */
import type { AlertRuleDefinition } from './alert-rule.js';
import { complaintEscalationRule } from './complaint-escalation.rule.js';
import { firstOrderLateRule } from './first-order-late.rule.js';
import { legalReviewSkipsRule } from './legal-review-skips.rule.js';
import { licenceExpiryRule } from './licence-expiry.rule.js';
import { orderErrorsRule } from './order-errors.rule.js';
import { overdueEscalationRule } from './overdue-escalation.rule.js';
import { reorderOverdueRule } from './reorder-overdue.rule.js';
import { silenceRule } from './silence.rule.js';

export const ALERT_RULES = {
  silence: silenceRule,
  legal_review_skips: legalReviewSkipsRule,
  overdue_escalation: overdueEscalationRule,
  first_order_late: firstOrderLateRule,
  reorder_overdue: reorderOverdueRule,
  order_errors: orderErrorsRule,
  complaint_escalation: complaintEscalationRule,
  licence_expiry: licenceExpiryRule,
} satisfies Record<string, AlertRuleDefinition>;

export type AlertRuleKind = keyof typeof ALERT_RULES;

/** The Chinese name of an alert's rule (the code itself for a kind this build does not know). */
export function alertRuleLabel(kind: string): string {
  return Object.hasOwn(ALERT_RULES, kind) ? ALERT_RULES[kind as AlertRuleKind].label : kind;
}
