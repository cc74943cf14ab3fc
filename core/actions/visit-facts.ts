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

/** The caller's own uploads by id; 422 when any id is unknown or someone else's (unless `lenient`, for drafts). */
export async function loadReportAttachments(
  db: Db, ids: readonly number[], uploadedBy: number, lenient = false,
): Promise<ReportAttachment[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query(
    'SELECT id, kind, tags, captured_at, mime FROM attachments WHERE id = ANY($1) AND uploaded_by = $2', [ids, uploadedBy]);
  const found = new Set(rows.map((r) => Number(r.id)));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length && !lenient) throw new AppError('ATTACHMENT_INVALID', { attachmentIds: missing });
  return rows.map((r) => ({ id: String(r.id), kind: r.kind, tags: r.tags ?? [], capturedAt: r.captured_at, mime: r.mime ?? undefined }));
}

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
export async function loadPrerequisites(db: Db, s: FactsScope, codes: readonly string[]): Promise<PrerequisiteAction[]> {
  if (codes.length === 0) return [];
  const { rows } = await db.query(
    `SELECT id, definition_code, status FROM actions
      WHERE customer_id = $1 AND definition_code = ANY($2) AND id <> COALESCE($3, 0)
        AND ($4::bigint IS NULL OR opportunity_id IS NULL OR opportunity_id = $4)
      ORDER BY (status IN ('verified','archived')) DESC, (status = 'submitted') DESC, due_at ASC NULLS LAST, id DESC`,
    [s.customerId, codes, s.actionId ?? null, s.opportunityId],
  );
  return rows.map((r) => ({ actionId: String(r.id), definitionCode: r.definition_code, status: r.status }));
}

export function prerequisiteCodes(rules: readonly RuleConfig[]): string[] {
  return rules.flatMap((r) => (r.kind === 'prerequisite.verified' ? [r.definitionCode] : []));
}

export async function loadVisitFacts(
  db: Db, s: FactsScope, report: VisitReport, rules: readonly RuleConfig[], now: Date,
): Promise<VisitFacts> {
  // one after another: inside a transaction they share one client, which runs queries in turn anyway
  const customer = await db.query('SELECT id, name, type, lat, lng, coord_system FROM customers WHERE id = $1', [s.customerId]);
  // the same order as suggestLinkedOrders, so the suggestions are exactly what the rule asks for
  const orders = await db.query('SELECT id FROM orders WHERE customer_id = $1 ORDER BY ordered_at DESC, id DESC LIMIT $2', [s.customerId, RECENT_ORDERS]);
  const prerequisites = await loadPrerequisites(db, s, prerequisiteCodes(rules));
  const libraries = await db.query('SELECT code, words FROM keyword_libraries');
  const c = customer.rows[0];
  if (!c) throw new AppError('CUSTOMER_NOT_FOUND', { id: s.customerId });
  return {
    now,
    customer: { id: String(c.id), name: c.name, type: c.type, lat: c.lat, lng: c.lng, coordSystem: c.coord_system },
    report,
    recentOrderIds: orders.rows.map((r) => String(r.id)),
    satisfiedPrerequisites: prerequisites,
    keywordLibraries: Object.fromEntries(libraries.rows.map((r) => [r.code, r.words])),
  };
}
