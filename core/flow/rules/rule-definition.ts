/**
 * The gate family of rules (core/flow/rule-kind.ts has the vocabulary): what
 * a submission or a step must satisfy. A kind's pure check returns EVERY
 * failure it finds (an empty array means it passes); its params schema holds
 * params only — `kind`, `id` and `severity` are added by rules/index.ts.
 *
 *   export const ordersLinkedRule = defineGateRule({
 *     kind: 'orders.linked', label: '关联订单',
 *     schema: z.strictObject({ latest: z.number().int().min(1) }),
 *     check: (facts, { latest }) => [...],
 *   });
 */
import type { z } from 'zod';
import type { RuleKindDefinition } from '../rule-kind.js';
import type { AttachmentKind, GateRuleKind, RuleFailure, Severity, VisitFacts } from '../types.js';

export type GateRuleDefinition<K extends GateRuleKind = GateRuleKind, S extends z.ZodObject = z.ZodObject> =
  RuleKindDefinition<K, S, VisitFacts, RuleFailure[]> & {
    /**
     * The mode a rule set entry gets when it names neither `mode` nor `severity`.
     * Evidence checks default to 'review': a false alarm must never stop an honest rep.
     */
    defaultMode?: RuleMode;
  };

/**
 * How an admin turns a rule on per action definition — the evidence vocabulary
 * for today's severities: 'block' keeps each failure's own severity (errors
 * refuse the submission, as severity 'error' does); 'review' demotes every
 * failure to a warning, so the report is accepted and routed to the
 * supervisor's review queue (as severity 'warning' does); 'off' skips the rule
 * while keeping it in the set.
 */
export const RULE_MODES = ['block', 'review', 'off'] as const;
export type RuleMode = (typeof RULE_MODES)[number];

/** Identity helper so each rule file gets its params type inferred from its schema. */
export function defineGateRule<K extends GateRuleKind, S extends z.ZodObject>(def: GateRuleDefinition<K, S>): GateRuleDefinition<K, S> {
  return def;
}

export interface FailureInit {
  code: string;
  target: string;
  message: string;
  details?: Record<string, unknown>;
  severity?: Severity;
}

export function failure(rule: GateRuleKind, init: FailureInit): RuleFailure {
  const f: RuleFailure = { code: init.code, rule, message: init.message, target: init.target, severity: init.severity ?? 'error' };
  if (init.details) f.details = init.details;
  return f;
}

/** Chinese measure words and verbs per attachment kind, so messages read naturally. */
export const ATTACHMENT_WORDS: Record<AttachmentKind | 'any', { noun: string; unit: string; verb: string; redo: string }> = {
  photo: { noun: '照片', unit: '张', verb: '拍摄', redo: '补拍' },
  voice: { noun: '语音', unit: '条', verb: '录制', redo: '补录' },
  document: { noun: '文件', unit: '份', verb: '上传', redo: '补传' },
  any: { noun: '附件', unit: '个', verb: '上传', redo: '补充' },
};

/** '「a」、「b」' — the quoting reps see in every list of missing things. */
export function quoteList(items: readonly string[]): string {
  return items.map((s) => `「${s}」`).join('、');
}
