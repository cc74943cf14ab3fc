/**
 * Replaying past visit reports' evidence checks: the attachments' facts stored
 * beside them (computed at upload, or by the backfill job for older files),
 * the check-in history each submission was judged with, and thresholds old or
 * new. Used by the rule dry-run and by the thresholds setting's preview.
 *
 *   const byId = await attachmentEvidenceByIds(db, ids);
 *   const report = withAttachmentEvidence(reportFromPayload(p), byId);
 */
import type { Db } from '../db/pool.js';
import { evaluateRules } from '../flow/evaluate-rules.js';
import type { EvidenceThresholds } from '../flow/evidence/thresholds.js';
import type { EvidenceContext, PhotoEvidence, VoiceEvidence } from '../flow/evidence/types.js';
import { trustVerdict, type TrustLevel } from '../flow/evidence/verdict.js';
import { RuleSetSchema, type GateRuleConfig } from '../flow/rules/index.js';
import { checkInHistoryFromPayload, reportFromPayload, storedDate } from '../flow/stored-report.js';
import { DAY_MS } from '../flow/time.js';
import type { CustomerType, VisitFacts, VisitReport } from '../flow/types.js';
import { attachmentEvidenceOf } from './report-evidence.js';

type FileEvidence = { photo?: PhotoEvidence; voice?: VoiceEvidence };

/** The stored evidence facts of these attachments, by id. */
export async function attachmentEvidenceByIds(db: Db, ids: readonly number[]): Promise<Map<number, FileEvidence>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query(
    `SELECT x.id, x.created_at, ev.facts FROM attachments x JOIN attachment_evidence ev ON ev.attachment_id = x.id WHERE x.id = ANY($1::bigint[])`,
    [[...new Set(ids)]]);
  return new Map(rows.map((r) => [Number(r.id), attachmentEvidenceOf({ evidence: r.facts, uploadedAt: r.created_at })]));
}

export function withAttachmentEvidence(report: VisitReport, byId: ReadonlyMap<number, FileEvidence>): VisitReport {
  return { ...report, attachments: report.attachments.map((a) => ({ ...a, ...byId.get(a.id) })) };
}

/** The evidence context of a stored submission, judged by `thresholds`. */
export function storedEvidenceContext(payload: any, s: { submittedBy: number; actionId: number }, thresholds: EvidenceThresholds): EvidenceContext {
  return {
    thresholds, repId: s.submittedBy, actionId: s.actionId,
    checkIns: checkInHistoryFromPayload(payload) ?? { nearest: [], sameSpot: [], recentAccuracies: [] },
  };
}

export const attachmentIdsOf = (payloads: any[]): number[] => payloads.flatMap((p) => (p?.attachmentIds ?? []).map(Number));

const EVIDENCE_KINDS = new Set(['photo.captured_within', 'photo.located', 'photo.unique', 'photo.camera', 'checkin.plausible', 'voice.speech']);

export interface VerdictChanges {
  total: number;
  toReview: number;
  toTrusted: number;
  lines: string[];
}

/** How last `days` days' accepted visit reports would be judged under `after` rather than `before`. */
export async function replayVerdicts(
  db: Db, q: { before: EvidenceThresholds; after: EvidenceThresholds; customerType: CustomerType | null; now: Date; days: number },
): Promise<VerdictChanges> {
  const { rows } = await db.query(
    `SELECT s.id, s.action_id, s.submitted_by, s.payload, s.created_at, u.name AS rep_name,
            c.id AS c_id, c.name AS c_name, c.type AS c_type, c.lat, c.lng, c.coord_system, d.rules
       FROM submissions s JOIN actions a ON a.id = s.action_id JOIN customers c ON c.id = a.customer_id
       JOIN users u ON u.id = s.submitted_by
       JOIN action_definitions d ON d.code = a.definition_code AND d.active
      WHERE s.kind = 'visit_report' AND s.outcome = 'accepted' AND s.created_at >= $1 AND ($2::text IS NULL OR c.type = $2)
      ORDER BY s.id DESC LIMIT 5000`,
    [new Date(q.now.getTime() - q.days * DAY_MS), q.customerType]);
  const byId = await attachmentEvidenceByIds(db, attachmentIdsOf(rows.map((r) => r.payload)));
  const out: VerdictChanges = { total: rows.length, toReview: 0, toTrusted: 0, lines: [] };
  for (const r of rows) {
    const rules = (RuleSetSchema.safeParse(r.rules).data ?? []).filter((x: GateRuleConfig) => EVIDENCE_KINDS.has(x.kind));
    const judge = (t: EvidenceThresholds): TrustLevel => {
      const facts: VisitFacts = {
        now: storedDate(r.payload.facts?.now) ?? r.created_at,
        customer: { id: Number(r.c_id), name: r.c_name, type: r.c_type, lat: r.lat, lng: r.lng, coordSystem: r.coord_system },
        report: withAttachmentEvidence(reportFromPayload(r.payload), byId),
        recentOrderIds: [], satisfiedPrerequisites: [], keywordLibraries: {},
        evidence: storedEvidenceContext(r.payload, { submittedBy: r.submitted_by, actionId: r.action_id }, t),
      };
      return trustVerdict(evaluateRules(facts, rules).failures, t).verdict;
    };
    const [was, will] = [judge(q.before), judge(q.after)];
    if ((was === 'trusted') === (will === 'trusted')) continue;
    if (will === 'trusted') out.toTrusted++; else out.toReview++;
    if (out.lines.length < 10) out.lines.push(`${r.rep_name} · ${r.c_name}：${will === 'trusted' ? '待复核 → 可信' : '可信 → 待复核'}`);
  }
  return out;
}
