/**
 * The evidence findings of a report still being written, for the rep at
 * capture time: right after a photo is uploaded (or the rep checks in) the
 * visit page sends its draft and gets back what the evidence rules would find,
 * from the same facts and rules a submission is judged by, the live
 * checklist (every rule's line, done or not) and the photos whose tag looks
 * wrong (core/flow/photo-retag.ts). Nothing is written.
 *
 *   const v = await checkDraftEvidence(db, rep, actionId, draft, now);   // { score, verdict, findings, checklist, retags }
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { FindingSchema, VERDICT_LABELS } from '../evidence-reviews/schemas.js';
import { evaluateRules } from '../flow/evaluate-rules.js';
import { FINDING_LABELS } from '../flow/evidence/findings.js';
import { trustVerdict } from '../flow/evidence/verdict.js';
import { getActionRowOrThrow } from './action-repo.js';
import { checklistOf } from './checklist.js';
import { liveChecklist, LiveCheckItemSchema } from './live-checklist.js';
import type { VisitDraftInput } from './action-schemas.js';
import { loadDefinitionForAction, rulesForAction } from './definitions.js';
import { assertAssignee } from './lifecycle.js';
import { loadVisitFacts } from './visit-facts.js';
import { retagSuggestions } from '../flow/photo-retag.js';
import type { GateRuleConfig } from '../flow/rules/index.js';

export const EvidenceCheckSchema = z.object({
  score: z.number(),
  verdict: z.enum(['trusted', 'review', 'rejected']),
  verdictLabel: z.string(),
  findings: z.array(FindingSchema),
  checklist: z.array(LiveCheckItemSchema),
  /** Photos whose tag looks wrong after capture (a required tag missing while another has two): one tap retags them. */
  retags: z.array(z.object({ attachmentId: z.number(), from: z.string().nullable(), to: z.string(), reason: z.string() })),
});
export type EvidenceCheck = z.infer<typeof EvidenceCheckSchema>;

export async function checkDraftEvidence(db: Db, actor: Actor, actionId: number, draft: VisitDraftInput, now: Date): Promise<EvidenceCheck> {
  const a = await getActionRowOrThrow(db, actor, actionId);
  assertAssignee(actor, a);
  const def = await loadDefinitionForAction(db, a);
  const rules = rulesForAction(def, a.requirements);
  const facts = await loadVisitFacts(db, { actionId: a.id, customerId: a.customerId, opportunityId: a.opportunityId }, draft,
    { ids: draft.attachmentIds ?? [], uploadedBy: actor.id, lenient: true }, rules, now);
  const v = trustVerdict(evaluateRules(facts, rules).failures, facts.evidence.thresholds);
  return {
    score: v.score, verdict: v.verdict, verdictLabel: VERDICT_LABELS[v.verdict],
    findings: v.findings.map((f) => ({ ...f, label: FINDING_LABELS[f.code] })),
    checklist: liveChecklist(checklistOf(facts, rules)),
    retags: retagSuggestions(facts.report.attachments.filter((x) => x.kind === 'photo'), requiredPhotoTags(rules)),
  };
}

/** The photo tags the action's rules require, in their order (the order a visit is shot in). */
function requiredPhotoTags(rules: readonly GateRuleConfig[]): string[] {
  return [...new Set(rules.flatMap((r) => (r.kind === 'attachments.min' && (r.attachmentKind ?? 'photo') === 'photo'
    ? [...(r.tag ? [r.tag] : []), ...(r.requireTags ?? [])] : [])))];
}
