/**
 * Runs a validated rule set against facts loaded once by the caller and
 * returns every failure of every rule; `ok` is false only for error-severity
 * failures, so warnings (e.g. a customer without coordinates) never block.
 *
 *   const { ok, failures } = evaluateRules(facts, definition.rules);
 */
import { RULES, type RuleConfig } from './rules/index.js';
import type { RuleDefinition } from './rules/rule-definition.js';
import type { RuleEvaluation, RuleFailure, VisitFacts } from './types.js';

function evaluateOne(facts: VisitFacts, config: RuleConfig): RuleFailure[] {
  const { kind, id, severity, ...params } = config;
  // the discriminated union guarantees params match RULES[kind].schema
  const rule = RULES[kind] as RuleDefinition;
  const failures = rule.check(facts, params);
  for (const f of failures) {
    if (id !== undefined) f.ruleId = id;
    if (severity === 'warning') f.severity = 'warning';
  }
  return failures;
}

export function evaluateRules(facts: VisitFacts, rules: readonly RuleConfig[]): RuleEvaluation {
  const failures: RuleFailure[] = [];
  for (const config of rules) failures.push(...evaluateOne(facts, config));
  return { ok: !failures.some((f) => f.severity === 'error'), failures };
}
