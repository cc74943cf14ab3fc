/**
 * "Had this rule set been active over the last N days, which reports would it
 * have refused, and why?" Every visit-report attempt is kept in `submissions`
 * with the facts it was judged on; each is replayed through evaluateRules with
 * the proposed rules (plus the action's own requirements), against the
 * customer's CURRENT data (a corrected address counts) and the keyword
 * libraries as they are now. Nothing is written.
 *
 *   const r = await dryRunRules(db, admin, 'visit', { rules, days: 30 }, now);
 *   r.totals.wouldNewlyReject
 */
import { z } from 'zod';
import type { Requirement } from '../actions/action-schemas.js';
import { requirementRules } from '../actions/definitions.js';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { evaluateRules } from '../flow/evaluate-rules.js';
import { RuleSetSchema, type GateRuleConfig } from '../flow/rules/index.js';
import { attachmentEvidenceByIds, attachmentIdsOf, storedEvidenceContext, withAttachmentEvidence } from '../evidence/replay.js';
import { loadEvidenceThresholds } from '../evidence-reviews/thresholds.js';
import type { EvidenceThresholds } from '../flow/evidence/thresholds.js';
import { trustVerdict } from '../flow/evidence/verdict.js';
import { reportFromPayload, storedDate } from '../flow/stored-report.js';
import type { CustomerType, FactsCustomer, RuleFailure, VisitFacts } from '../flow/types.js';
import { ruleReferenceIssues } from './action-definitions.js';
import { ORGANISATION } from '../settings/define.js';
import { assertMayEditSetting } from '../settings/permissions.js';
import { locateSetting, settingIdOf } from '../settings/service.js';
import { actionDefinition } from './action-definition.setting.js';

export const DryRunBodySchema = z.strictObject({
  rules: RuleSetSchema,
  /** How far back to replay, in calendar days. */
  days: z.number().int().min(1).max(180).default(30),
});
export type DryRunBody = z.output<typeof DryRunBodySchema>;

const Outcome = z.enum(['accepted', 'rejected']);
const FailureSchema = z.object({
  code: z.string(), rule: z.string(), ruleId: z.string().optional(), message: z.string(), target: z.string(),
  severity: z.enum(['error', 'warning']), details: z.record(z.string(), z.unknown()).optional(),
});

export const DryRunItemSchema = z.object({
  submissionId: z.number(),
  actionId: z.number(),
  submittedAt: z.string(),
  submittedBy: z.object({ id: z.number(), name: z.string() }),
  customer: z.object({ id: z.number(), name: z.string() }),
  definitionVersion: z.number(),
  previousOutcome: Outcome,
  newOutcome: Outcome,
  /** The evidence verdict the report got when filed (null before evidence checks existed) and would get now. */
  previousVerdict: z.enum(['trusted', 'review', 'rejected']).nullable(),
  newVerdict: z.enum(['trusted', 'review', 'rejected']),
  newScore: z.number(),
  change: z.enum(['newly_rejected', 'newly_accepted', 'unchanged']),
  /** What the proposed rules find (errors and warnings). */
  failures: z.array(FailureSchema),
  previousFailures: z.array(FailureSchema),
});
export type DryRunItem = z.infer<typeof DryRunItemSchema>;

export const DryRunResultSchema = z.object({
  code: z.string(),
  days: z.number(),
  from: z.string(),
  to: z.string(),
  totals: z.object({
    submissions: z.number(),
    wouldNewlyReject: z.number(),
    wouldNewlyAccept: z.number(),
    unchanged: z.number(),
    /** Accepted either way, but trusted before and routed to the supervisor's review now. */
    wouldNewlyReview: z.number(),
  }),
  /** Newly rejected first, then newly accepted, then unchanged; newest first within each. */
  items: z.array(DryRunItemSchema),
  /** True when more than MAX_ITEMS were replayed: totals count all, items list the first MAX_ITEMS. */
  truncated: z.boolean(),
});
export type DryRunResult = z.infer<typeof DryRunResultSchema>;

const MAX_ITEMS = 1000;

function customerFacts(r: any): FactsCustomer {
  return { id: Number(r.id), name: r.name, type: r.type, lat: r.lat, lng: r.lng, coordSystem: r.coord_system };
}

function failuresOf(v: unknown): RuleFailure[] {
  return Array.isArray(v) ? (v as RuleFailure[]) : [];
}

/** The dry-run of an action type's rules: the preview of its setting, so it needs the right to edit it. */
export async function dryRunRules(db: Db, actor: Actor, code: string, body: DryRunBody, now: Date): Promise<DryRunResult> {
  const l = await locateSetting(db, settingIdOf(actionDefinition.key, code));
  await assertMayEditSetting(db, actor, l.def, ORGANISATION, '全公司', null);
  const issues = await ruleReferenceIssues(db, code, body.rules);
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues);
  return replayRules(db, code, body.rules, body.days, now);
}

/** Replays the last `days` days of `code`'s visit reports through `rules`; writes nothing. */
export async function replayRules(db: Db, code: string, rules: readonly GateRuleConfig[], days: number, now: Date): Promise<DryRunResult> {
  const from = new Date(now.getTime() - days * 86_400_000);
  const { rows } = await db.query(
    `SELECT s.id, s.action_id, s.payload, s.outcome, s.failures, s.definition_version, s.created_at,
            s.submitted_by, u.name AS submitter_name, a.requirements, r.verdict AS previous_verdict,
            c.id AS c_id, c.name AS c_name, c.type AS c_type, c.lat AS c_lat, c.lng AS c_lng, c.coord_system AS c_coord_system
       FROM submissions s
       JOIN actions a ON a.id = s.action_id
       JOIN customers c ON c.id = a.customer_id
       JOIN users u ON u.id = s.submitted_by
       LEFT JOIN evidence_reviews r ON r.submission_id = s.id
      WHERE a.definition_code = $1 AND s.kind = 'visit_report' AND s.created_at >= $2 AND s.created_at <= $3
      ORDER BY s.id DESC`,
    [code, from, now],
  );
  const libraries = await loadKeywordLibraries(db);
  // a report is judged by its customer type's thresholds, as a submission is: one read per type, not per report
  const types = [...new Set<CustomerType>(rows.map((r) => r.c_type))];
  const thresholds = new Map(await Promise.all(types.map(async (t) => [t, await loadEvidenceThresholds(db, { customerType: t })] as const)));
  const evidence = { byId: await attachmentEvidenceByIds(db, attachmentIdsOf(rows.map((r) => r.payload))), thresholds };

  const items = rows.map((r) => replay(r, rules, libraries, evidence));
  const order = { newly_rejected: 0, newly_accepted: 1, unchanged: 2 } as const;
  items.sort((a, b) => order[a.change] - order[b.change] || b.submissionId - a.submissionId);
  const count = (c: DryRunItem['change']) => items.filter((i) => i.change === c).length;
  return {
    code, days, from: from.toISOString(), to: now.toISOString(),
    totals: {
      submissions: items.length, wouldNewlyReject: count('newly_rejected'), wouldNewlyAccept: count('newly_accepted'), unchanged: count('unchanged'),
      wouldNewlyReview: items.filter((i) => i.newOutcome === 'accepted' && i.previousVerdict === 'trusted' && i.newVerdict !== 'trusted').length,
    },
    items: items.slice(0, MAX_ITEMS),
    truncated: items.length > MAX_ITEMS,
  };
}

async function loadKeywordLibraries(db: Db): Promise<Record<string, string[]>> {
  const { rows } = await db.query<{ code: string; words: string[] }>('SELECT code, words FROM keyword_libraries');
  return Object.fromEntries(rows.map((r) => [r.code, r.words]));
}

interface ReplayEvidence {
  byId: Awaited<ReturnType<typeof attachmentEvidenceByIds>>;
  thresholds: Map<CustomerType, EvidenceThresholds>;
}

function replay(r: any, rules: readonly GateRuleConfig[], keywordLibraries: Record<string, string[]>, ev: ReplayEvidence): DryRunItem {
  const p = r.payload ?? {};
  const stored = p.facts ?? {};
  const thresholds = ev.thresholds.get(r.c_type)!;
  const requirements: Requirement[] = p.requirements ?? r.requirements ?? [];
  const facts: VisitFacts = {
    // rules about "the future" (next contact date) are judged as of the original submission
    now: storedDate(stored.now) ?? r.created_at,
    customer: customerFacts({ id: r.c_id, name: r.c_name, type: r.c_type, lat: r.c_lat, lng: r.c_lng, coord_system: r.c_coord_system }),
    // the files' facts as computed at upload (or backfilled), the check-in history as it stood then
    report: withAttachmentEvidence(reportFromPayload(p), ev.byId),
    recentOrderIds: (stored.recentOrderIds ?? []).map(Number),
    satisfiedPrerequisites: (stored.satisfiedPrerequisites ?? []).map((p: any) => ({ ...p, actionId: Number(p.actionId) })),
    keywordLibraries: stored.keywordLibraries ?? keywordLibraries,
    evidence: storedEvidenceContext(p, { submittedBy: r.submitted_by, actionId: r.action_id }, thresholds),
  };
  const result = evaluateRules(facts, [...rules, ...requirementRules(requirements)]);
  const verdict = trustVerdict(result.failures, thresholds);
  const newOutcome = result.ok ? 'accepted' : 'rejected';
  const change = newOutcome === r.outcome ? 'unchanged' : newOutcome === 'rejected' ? 'newly_rejected' : 'newly_accepted';
  return {
    submissionId: r.id, actionId: r.action_id, submittedAt: r.created_at.toISOString(),
    submittedBy: { id: r.submitted_by, name: r.submitter_name },
    customer: { id: r.c_id, name: r.c_name },
    definitionVersion: r.definition_version,
    previousOutcome: r.outcome, newOutcome, change,
    previousVerdict: r.previous_verdict ?? null, newVerdict: verdict.verdict, newScore: verdict.score,
    failures: result.failures, previousFailures: failuresOf(r.failures),
  };
}
