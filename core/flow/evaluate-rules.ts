/**
 * Runs a validated rule set against facts loaded once by the caller and
 * returns every failure of every rule; `ok` is false only for error-severity
 * failures, so warnings (e.g. a customer without coordinates) never block.
 *
 *   const { ok, failures } = evaluateRules(facts, definition.rules);
 */
import { GATE_RULES, type GateRuleConfig } from './rules/index.js';
import type { GateRuleDefinition, RuleMode } from './rules/rule-definition.js';
import type { RuleEvaluation, RuleFailure, VisitFacts } from './types.js';

/** severity 'error' is 'block', 'warning' is 'review'; a rule naming neither gets its kind's default. */
export function modeOf(config: GateRuleConfig): RuleMode {
  if (config.mode) return config.mode;
  if (config.severity) return config.severity === 'warning' ? 'review' : 'block';
  return GATE_RULES[config.kind].defaultMode ?? 'block';
}

function evaluateOne(facts: VisitFacts, config: GateRuleConfig): RuleFailure[] {
  const { kind, id, severity: _severity, mode: _mode, ...params } = config;
  const mode = modeOf(config);
  if (mode === 'off') return [];
  // the discriminated union guarantees params match GATE_RULES[kind].schema
  const rule = GATE_RULES[kind] as GateRuleDefinition;
  const failures = rule.check(facts, params);
  for (const f of failures) {
    if (id !== undefined) f.ruleId = id;
    if (mode === 'review') f.severity = 'warning';
  }
  return failures;
}

export function evaluateRules(facts: VisitFacts, rules: readonly GateRuleConfig[]): RuleEvaluation {
  const failures: RuleFailure[] = [];
  for (const config of rules) failures.push(...evaluateOne(facts, config));
  return { ok: !failures.some((f) => f.severity === 'error'), failures };
}
