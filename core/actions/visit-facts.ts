/**
 * Loads, once, every fact the rules may look at (json-rules-engine's almanac):
 * the customer, its latest orders, the prerequisite actions, the keyword
 * libraries and the attachments' kind/tags/capture time. core/flow never
 * touches the database; this is the only place that feeds it.
 */
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { RuleConfig } from '../flow/rules/index.js';
import type { PrerequisiteAction, ReportAttachment, VisitFacts, VisitReport } from '../flow/types.js';
import type { VisitDraftInput } from './action-schemas.js';

/** How far back orders.linked may look; rules ask for the latest few. */
const RECENT_ORDERS = 20;

/** The report as core/flow reads it, from a submitted body or a saved draft. */
export function toVisitReport(input: VisitDraftInput, attachments: ReportAttachment[]): VisitReport {
  return {
    fields: input.fields ?? {},
    attachments,
    checkIn: input.checkIn ? { ...input.checkIn, at: new Date(input.checkIn.at) } : undefined,
    transcript: input.transcript,
    linkedOrderIds: (input.linkedOrderIds ?? []).map(String),
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
 * lock message names. A visit of the same opportunity or of no opportunity counts.
 */
/** The candidates as one JSON array, given SQL expressions for the customer, the codes, the action itself and its opportunity. */
const prerequisitesSql = (customer: string, codes: string, self: string, opportunity: string) => `
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'definition_code', p.definition_code, 'status', p.status)
                            ORDER BY (p.status IN ('verified','archived')) DESC, (p.status = 'submitted') DESC, p.due_at ASC NULLS LAST, p.id DESC), '[]')
    FROM actions p
   WHERE p.customer_id = ${customer} AND p.definition_code = ANY(${codes}::text[]) AND p.id <> COALESCE(${self}::bigint, 0)
     AND (${opportunity}::bigint IS NULL OR p.opportunity_id IS NULL OR p.opportunity_id = ${opportunity}::bigint)`;

const toPrerequisites = (rows: any[]): PrerequisiteAction[] =>
  rows.map((r) => ({ actionId: String(r.id), definitionCode: r.definition_code, status: r.status }));

export async function loadPrerequisites(db: Db, s: FactsScope, codes: readonly string[]): Promise<PrerequisiteAction[]> {
  if (codes.length === 0) return [];
  const { rows } = await db.query(`SELECT (${prerequisitesSql('$1', '$2', '$3', '$4')}) AS list`, [s.customerId, codes, s.actionId ?? null, s.opportunityId]);
  return toPrerequisites(rows[0].list);
}

export function prerequisiteCodes(rules: readonly RuleConfig[]): string[] {
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
 * Every fact of one report in ONE query (a submission is many small reads;
 * each round trip costs both processes more than the read itself): the
 * customer, its latest orders, the keyword libraries, the report's
 * attachments and — when a rule asks — the prerequisite actions.
 */
export async function loadVisitFacts(
  db: Db, s: FactsScope, input: VisitDraftInput, files: FactsAttachments, rules: readonly RuleConfig[], now: Date,
): Promise<VisitFacts> {
  const codes = prerequisiteCodes(rules);
  const { rows: [c] } = await db.query(
    `SELECT c.id, c.name, c.type, c.lat, c.lng, c.coord_system,
            -- the same order as suggestLinkedOrders, so the suggestions are exactly what the rule asks for
            ARRAY(SELECT o.id FROM orders o WHERE o.customer_id = c.id ORDER BY o.ordered_at DESC, o.id DESC LIMIT $2) AS order_ids,
            (SELECT coalesce(jsonb_object_agg(k.code, k.words), '{}') FROM keyword_libraries k) AS libraries,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'kind', x.kind, 'tags', x.tags, 'capturedAt', x.captured_at, 'mime', x.mime)
                                       ORDER BY array_position($3::bigint[], x.id)), '[]')
               FROM attachments x WHERE x.id = ANY($3) AND x.uploaded_by = $4) AS attachments,
            CASE WHEN cardinality($5::text[]) > 0 THEN (${prerequisitesSql('c.id', '$5', '$6', '$7')}) END AS prerequisites
       FROM customers c WHERE c.id = $1`,
    [s.customerId, RECENT_ORDERS, files.ids, files.uploadedBy, codes, s.actionId ?? null, s.opportunityId],
  );
  if (!c) throw new AppError('CUSTOMER_NOT_FOUND', { id: s.customerId });
  const attachments: ReportAttachment[] = (c.attachments as any[]).map((x) => ({
    id: String(x.id), kind: x.kind, tags: x.tags ?? [], capturedAt: x.capturedAt ? new Date(x.capturedAt) : null, mime: x.mime ?? undefined,
  }));
  const found = new Set(attachments.map((x) => Number(x.id)));
  const missing = files.ids.filter((id) => !found.has(id));
  if (missing.length && !files.lenient) throw new AppError('ATTACHMENT_INVALID', { attachmentIds: missing });
  return {
    now,
    customer: { id: String(c.id), name: c.name, type: c.type, lat: c.lat, lng: c.lng, coordSystem: c.coord_system },
    report: toVisitReport(input, attachments),
    recentOrderIds: (c.order_ids as Array<string | number>).map(String),
    satisfiedPrerequisites: toPrerequisites(c.prerequisites ?? []),
    keywordLibraries: c.libraries,
  };
}
