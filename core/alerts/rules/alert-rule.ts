/**
 * The alert family of rules (core/flow/rule-kind.ts has the vocabulary): a
 * detection's SQL only selects candidates — typed rows of facts — and the
 * kind's pure `check` turns each into the alert it raises: its dedupe key,
 * severity, Chinese title and summary, and the data its card and page show.
 *
 *   export const silenceRule = defineAlertRule<'silence', typeof SilenceParamsSchema, SilenceCandidate>({
 *     kind: 'silence', label: '客户沉默', schema: SilenceParamsSchema, check, cardFacts });
 */
import type { z } from 'zod';
import type { RuleKindDefinition } from '../../flow/rule-kind.js';
import type { WarningFact } from '../../wecom/template-cards.js';

/** A recipient as stored on a candidate alert: `notify: false` records them without sending a card. */
export interface CandidateRecipient {
  userId: number;
  role: string;
  notify?: boolean;
}

/** What an alert rule raises for one candidate. */
export interface AlertDraft {
  /** One alert per key, ever: a second detection of the same episode writes nothing. */
  dedupeKey: string;
  subject: { type: 'customer' | 'user' | 'action' | 'order' | 'complaint' | 'licence'; id: number };
  ownerId: number | null;
  departmentId: number | null;
  /** When the episode began (a silence's last follow-up, a week's Monday, a step's firing time). */
  windowStart: Date | null;
  severity: 'warning' | 'critical';
  title: string;
  summary: string;
  /** Stored on the alert; its card and page read it (cardFacts). */
  data: Record<string, unknown>;
  recipients: CandidateRecipient[];
}

export interface AlertFacts<Row> {
  now: Date;
  row: Row;
}

export interface AlertRuleDefinition<K extends string = string, S extends z.ZodObject = z.ZodObject, Row = any>
  extends RuleKindDefinition<K, S, AlertFacts<Row>, AlertDraft | null> {
  /** The card's facts (客户 / 业务员 / …), from the data an alert was stored with. */
  cardFacts(data: any): WarningFact[];
}

/** Identity helper so each rule file gets its params and row types checked. */
export function defineAlertRule<K extends string, S extends z.ZodObject, Row>(def: AlertRuleDefinition<K, S, Row>): AlertRuleDefinition<K, S, Row> {
  return def;
}
