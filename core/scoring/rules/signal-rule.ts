/**
 * The signal family of rules (core/flow/rule-kind.ts has the vocabulary):
 * what moves an opportunity's win score. A kind looks at the facts of one
 * subject — loaded from the event log before evaluation, never inside it —
 * and returns the signal it sees, with a Chinese reason a manager can read
 * next to the score, or null when it sees nothing.
 *
 *   export const decisionMakerMetRule = defineSignalRule({
 *     kind: 'decision_maker.met', label: '见到决策人', schema: z.strictObject({ withinDays: z.number().int().min(1) }),
 *     check: (facts, { withinDays, odds }) => facts.decisionMakerMetAt && … ? { weight: Math.log(odds), reason: '14天内见过决策人' } : null,
 *   });
 */
import type { z } from 'zod';
import type { RuleKindDefinition } from '../../flow/rule-kind.js';

/** What a signal rule sees in one subject's facts. */
export interface Signal {
  /**
   * How far it moves the score, in log-odds: ln of the odds multiplier its params set
   * (× 1.23 → ln 1.23). The prior adds them up; the learned model re-weighs each kind.
   */
  weight: number;
  /** Why, in Chinese: shown with the score ('14天内见过决策人'). */
  reason: string;
  /** The event-log facts it rests on, for the explanation. */
  evidence?: Record<string, unknown>;
}

export type SignalRuleDefinition<K extends string = string, S extends z.ZodObject = z.ZodObject, Facts = unknown> =
  RuleKindDefinition<K, S, Facts, Signal | null>;

/** Identity helper so each rule file gets its params and facts types checked. */
export function defineSignalRule<K extends string, S extends z.ZodObject, Facts>(def: SignalRuleDefinition<K, S, Facts>): SignalRuleDefinition<K, S, Facts> {
  return def;
}
