/**
 * The signal rules' registry, keyed by kind like the other two families'
 * (core/flow/rules/index.ts, core/alerts/rules/index.ts). Empty until the
 * win-score work (issue #20) adds its kinds: one `<kind>.rule.ts` each,
 * registered here; their params are checked with parseRuleParams(SIGNAL_RULES, kind, params).
 */
import type { SignalRuleDefinition } from './signal-rule.js';

export const SIGNAL_RULES: Readonly<Record<string, SignalRuleDefinition>> = {};
