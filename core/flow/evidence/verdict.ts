/**
 * The trust verdict of one submission: a pure function of its findings.
 *
 *   score   = max(0, 100 − Σ per code: weight × (1 + ½·(n − 1)), at most 2 × weight)
 *             where n is how many times the code was found (three stale photos weigh
 *             more than one, but never more than twice one) and the weight is the
 *             setting's findingWeights[code] (defaults: FINDING_WEIGHTS) — strippedNoteWeight
 *             for a finding marked `note` (e.g. EXIF that WeCom stripped, not the rep's doing);
 *   verdict = 'rejected' when any finding blocks (severity 'error': the submission is
 *             refused) or score < rejectBelowScore; else 'review' when
 *             score < trustedMinScore; else 'trusted'.
 *
 * Only the evidence codes (findings.ts) count; other rule failures (a missing field,
 * an unlinked order) say nothing about whether the evidence is true.
 *
 *   const v = trustVerdict(evaluation.failures, thresholds);   // { score: 40, verdict: 'review', findings }
 */
import type { RuleFailure, GateRuleKind, Severity } from '../types.js';
import { isFindingCode, type FindingCode } from './findings.js';
import { DEFAULT_EVIDENCE_THRESHOLDS, type EvidenceThresholds } from './thresholds.js';

/** What a finding costs: the weights of the evidence thresholds in force. */
export type FindingWeights = Pick<EvidenceThresholds, 'findingWeights' | 'strippedNoteWeight'>;

export type TrustLevel = 'trusted' | 'review' | 'rejected';

export interface Finding {
  code: FindingCode;
  rule: GateRuleKind;
  severity: Severity;
  message: string;
  target: string;
  details: Record<string, unknown>;
}

export interface TrustVerdict {
  score: number;
  verdict: TrustLevel;
  findings: Finding[];
}

export function findingsOf(failures: readonly RuleFailure[]): Finding[] {
  return failures.flatMap((f) => (isFindingCode(f.code)
    ? [{ code: f.code, rule: f.rule, severity: f.severity, message: f.message, target: f.target, details: f.details ?? {} }]
    : []));
}

export function trustScore(findings: readonly Finding[], w: FindingWeights = DEFAULT_EVIDENCE_THRESHOLDS): number {
  const weightOf = (f: Finding) => (f.details.note ? w.strippedNoteWeight : w.findingWeights[f.code]);
  const byCode = new Map<FindingCode, Finding[]>();
  for (const f of findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  let penalty = 0;
  for (const group of byCode.values()) {
    const weights = group.map(weightOf).sort((a, b) => b - a);
    const repeats = weights.slice(1).reduce((s, w) => s + w / 2, 0);
    penalty += Math.min(weights[0] + repeats, 2 * weights[0]);
  }
  return Math.max(0, Math.round(100 - penalty));
}

export function trustVerdict(
  failures: readonly RuleFailure[], t: Pick<EvidenceThresholds, 'trustedMinScore' | 'rejectBelowScore'> & FindingWeights,
): TrustVerdict {
  const findings = findingsOf(failures);
  const score = trustScore(findings, t);
  const blocked = findings.some((f) => f.severity === 'error');
  const verdict: TrustLevel = blocked || score < t.rejectBelowScore ? 'rejected' : score < t.trustedMinScore ? 'review' : 'trusted';
  return { score, verdict, findings };
}
