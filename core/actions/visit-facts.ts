/**
 * Loads, once, every fact the rules may look at (json-rules-engine's almanac):
 * the customer, its latest orders, the prerequisite actions, the keyword
 * libraries and the attachments' kind/tags/capture time. core/flow never
 * touches the database; this is the only place that feeds it.
 */
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { ATTACHMENT_EVIDENCE_FIELDS, attachmentEvidenceOf, evidenceColumns, evidenceContextOf } from '../evidence/report-evidence.js';
import { thresholdsColumn, thresholdsFromColumn } from '../evidence-reviews/thresholds.js';
import type { GateRuleConfig } from '../flow/rules/index.js';
import type { PrerequisiteAction, ReportAttachment, VisitFacts, VisitReport } from '../flow/types.js';
import type { VisitDraftInput } from './action-schemas.js';
import { DEFAULT_TOPIC_PHRASINGS } from '../understanding/topics/default-phrasings.js';
import { TOPIC_LIBRARY } from '../understanding/topics/obstacle-topics.setting.js';

/** How far back orders.linked may look; rules ask for the latest few. */
const RECENT_ORDERS = 20;

/** The report as core/flow reads it, from a submitted body or a saved draft. */
export function toVisitReport(input: VisitDraftInput, attachments: ReportAttachment[]): VisitReport {
  return {
    fields: input.fields ?? {},
    attachments,
    checkIn: input.checkIn ? { ...input.checkIn, at: new Date(input.checkIn.at) } : undefined,
    transcript: input.transcript,
    transcriptSource: input.transcriptSource,
    queuedAt: input.queuedAt ? new Date(input.queuedAt) : undefined,
    linkedOrderIds: input.linkedOrderIds ?? [],
    checklist: input.checklist,
    visitWindow: input.visitWindow ? { start: new Date(input.visitWindow.start), end: new Date(input.visitWindow.end) } : undefined,
  };
}

export interface FactsScope {
  /** The action being checked, excluded from its own prerequisites. */
  actionId?: number;
  customerId: number;
  opportunityId: number | null;
}

/**
 * Candidate prerequisite actions for the customer: verified ones first, then
 * the one closest to done (submitted, then earliest due), which is the one a
 * lock message names. A visit of the same opportunity or of no opportunity counts;
 * a node of another process instance does not.
 */
/** The candidates as one JSON array, given SQL expressions for the customer, the codes, the action itself and its opportunity. */
const prerequisitesSql = (customer: string, codes: string, self: string, opportunity: string) => `
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'definition_code', p.definition_code, 'status', p.status)
                            ORDER BY (p.status IN ('verified','archived')) DESC, (p.status = 'submitted') DESC, p.due_at ASC NULLS LAST, p.id DESC), '[]')
    FROM actions p
   WHERE p.customer_id = ${customer} AND p.definition_code = ANY(${codes}::text[]) AND p.id <> COALESCE(${self}::bigint, 0)
     AND (${opportunity}::bigint IS NULL OR p.opportunity_id IS NULL OR p.opportunity_id = ${opportunity}::bigint)
     -- a node of a process (one 新品上架 among several at a store) is unlocked by its own process's steps, not another's
     AND (p.process_instance_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM actions me WHERE me.id = COALESCE(${self}::bigint, 0)
              AND me.process_instance_id IS NOT NULL AND me.process_instance_id <> p.process_instance_id))`;

const toPrerequisites = (rows: any[]): PrerequisiteAction[] =>
  rows.map((r) => ({ actionId: Number(r.id), definitionCode: r.definition_code, status: r.status }));

export async function loadPrerequisites(db: Db, s: FactsScope, codes: readonly string[]): Promise<PrerequisiteAction[]> {
  if (codes.length === 0) return [];
  const { rows } = await db.query(`SELECT (${prerequisitesSql('$1', '$2', '$3', '$4')}) AS list`, [s.customerId, codes, s.actionId ?? null, s.opportunityId]);
  return toPrerequisites(rows[0].list);
}

export function prerequisiteCodes(rules: readonly GateRuleConfig[]): string[] {
  return rules.flatMap((r) => (r.kind === 'prerequisite.verified' ? [r.definitionCode] : []));
}

export interface FactsAttachments {
  ids: readonly number[];
  /** Only the uploader's own files count. */
  uploadedBy: number;
  /** Drafts: unknown ids are left out instead of refused (422 ATTACHMENT_INVALID). */
  lenient?: boolean;
}

/**
 * Every fact of one report as columns over the customer row `c`, for ONE
 * query (a submission is many small reads; each round trip costs both
 * processes more than the read itself): the customer, its latest orders, the
 * keyword libraries, the evidence thresholds for the customer's type, the
 * report's attachments with their evidence facts,
 * `prerequisites` (an SQL jsonb expression: loadPrerequisites' list, or NULL)
 * and the check-in history of the rep (`actionExpr`: SQL for the action's id).
 * toVisitFacts reads them.
 */
export function factsColumns(st: Sql, files: FactsAttachments, prerequisites: string, input: VisitDraftInput, actionExpr: string): string {
  const ids = st.param(files.ids);
  return `c.id AS f_customer_id, c.name AS f_customer_name, c.type AS f_customer_type, c.lat AS f_lat, c.lng AS f_lng, c.coord_system AS f_coord_system,
    -- the same order as suggestLinkedOrders, so the suggestions are exactly what the rule asks for
    ARRAY(SELECT o.id FROM orders o WHERE o.customer_id = c.id ORDER BY o.ordered_at DESC, o.id DESC LIMIT ${RECENT_ORDERS}) AS f_order_ids,
    (SELECT coalesce(jsonb_object_agg(k.code, k.words), '{}') FROM keyword_libraries k) AS f_libraries,
    (SELECT coalesce(jsonb_object_agg(k.code, k.phrasings), '{}') FROM keyword_libraries k WHERE k.phrasings IS NOT NULL) AS f_phrasings,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'kind', x.kind, 'tags', x.tags, 'capturedAt', x.captured_at, 'mime', x.mime,
                                                  ${ATTACHMENT_EVIDENCE_FIELDS('x', 'ev')})
                               ORDER BY array_position(${ids}::bigint[], x.id)), '[]')
       FROM attachments x LEFT JOIN attachment_evidence ev ON ev.attachment_id = x.id
      WHERE x.id = ANY(${ids}) AND x.uploaded_by = ${st.param(files.uploadedBy)}) AS f_attachments,
    ${prerequisites} AS f_prerequisites,
    ${thresholdsColumn(st, 'c.type')} AS f_thresholds,
    ${evidenceColumns(st, { checkIn: input.checkIn, repId: files.uploadedBy, actionExpr })}`;
}

/**
 * The candidates for the codes `codes` (an SQL text[], NULL: none) of the
 * action on row `a` (its customer `c`), as factsColumns wants them. Not under
 * a CASE: that would keep a prepared statement from using its generic plan,
 * and the read is one index probe of the customer's few actions anyway.
 */
export const PREREQUISITES_OF_ROW = (codes: string) => `(${prerequisitesSql('c.id', codes, 'a.id', 'a.opportunity_id')})`;

/** Facts read with their evidence context (thresholds included) always there. */
export type ReadFacts = VisitFacts & Required<Pick<VisitFacts, 'evidence'>>;

/** `actionId`: the action reported on (its own earlier check-ins are not history), null for none. */
export function toVisitFacts(r: any, input: VisitDraftInput, files: FactsAttachments, now: Date, actionId: number | null): ReadFacts {
  const attachments: ReportAttachment[] = (r.f_attachments as any[]).map((x) => ({
    id: Number(x.id), kind: x.kind, tags: x.tags ?? [], capturedAt: x.capturedAt ? new Date(x.capturedAt) : null, mime: x.mime ?? undefined,
    ...attachmentEvidenceOf(x),
  }));
  const found = new Set(attachments.map((x) => x.id));
  const missing = files.ids.filter((id) => !found.has(id));
  if (missing.length && !files.lenient) throw new AppError('ATTACHMENT_INVALID', { attachmentIds: missing });
  return {
    now,
    customer: { id: Number(r.f_customer_id), name: r.f_customer_name, type: r.f_customer_type, lat: r.f_lat, lng: r.f_lng, coordSystem: r.f_coord_system },
    report: toVisitReport(input, attachments),
    recentOrderIds: (r.f_order_ids as Array<string | number>).map(Number),
    satisfiedPrerequisites: toPrerequisites(r.f_prerequisites ?? []),
    keywordLibraries: r.f_libraries,
    // none saved yet: the template's phrasings, as the bot reads them
    keywordPhrasings: { [TOPIC_LIBRARY]: DEFAULT_TOPIC_PHRASINGS, ...r.f_phrasings },
    evidence: evidenceContextOf(r, { repId: files.uploadedBy, actionId, thresholds: thresholdsFromColumn(r.f_thresholds, r.f_customer_type) }),
  };
}

/** The facts of one report on its own (drafts, checklists, dry-runs). */
export async function loadVisitFacts(
  db: Db, s: FactsScope, input: VisitDraftInput, files: FactsAttachments, rules: readonly GateRuleConfig[], now: Date,
): Promise<ReadFacts> {
  const codes = prerequisiteCodes(rules);
  const st = new Sql();
  const customer = st.param(s.customerId);
  const prerequisites = codes.length > 0
    ? `(${prerequisitesSql('c.id', st.param(codes), st.param(s.actionId ?? null), st.param(s.opportunityId))})` : 'NULL::jsonb';
  const action = `${st.param(s.actionId ?? 0)}::bigint`;
  const { rows: [c] } = await db.query(st.prepared(`SELECT ${factsColumns(st, files, prerequisites, input, action)} FROM customers c WHERE c.id = ${customer}`));
  if (!c) throw new AppError('CUSTOMER_NOT_FOUND', { id: s.customerId });
  return toVisitFacts(c, input, files, now, s.actionId ?? null);
}
