/**
 * 跟进 records. Whether one is effective (有效跟进) is core/flow's
 * classifyFollowUp against the standard in force for the customer type and
 * the rep's department (the 'followup.standard' setting); this stores the verdict with its reasons and moves the
 * customer's last_followup_at (always) and last_effective_followup_at (only
 * when effective). A non-effective follow-up without any evidence is a 伪跟进.
 *
 *   const r = await submitFollowUp(db, actor, { customerId, channel: 'phone', summary, actionItems }, now);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { classifyFollowUp } from '../flow/followup.js';
import { addCalendarDays, shanghaiDate, shanghaiInstant } from '../flow/time.js';
import { claimContactEvents, unclaimedContactEvents } from '../profile/contact-events.js';
import { recordEvent } from '../resources/events.js';
import type { FollowUpResultSchema, FollowUpStatsQuery, FollowUpStatsSchema, SubmitFollowUpInput } from './action-schemas.js';
import { getActionRowOrThrow } from './action-repo.js';
import { followUpStandardFor } from './followup-standard.setting.js';
import { topicsOfText } from '../understanding/topics/topics-of-text.js';
import { assertCustomerReference } from './dispatch.js';

export interface FollowUpRecord {
  customerId: number;
  actionId: number | null;
  userId: number;
  departmentId: number | null;
  channel: string;
  summary: string;
  payload: Record<string, unknown>;
  effective: boolean;
  hasEvidence: boolean;
  reasons: string[];
  unmet: string[];
  at: Date;
}

export interface RecordedFollowUp {
  id: number;
  /** The customer's follow-up clocks after this one. */
  lastFollowupAt: Date | null;
  lastEffectiveFollowupAt: Date | null;
}

/**
 * Inserts the follow-up, moves the customer's follow-up clocks forward (never
 * back) and logs it, as parts of `st` (CTEs fu, fu_customer, fu_event).
 */
export function recordFollowUpCte(st: Sql, f: FollowUpRecord): void {
  const [customer, action, user, channel, effective, unmet, at] =
    [f.customerId, f.actionId, f.userId, f.channel, f.effective, f.unmet, f.at].map((v) => st.param(v));
  st.with('fu', `INSERT INTO followups (customer_id, action_id, user_id, department_id, channel, summary, payload, effective, has_evidence, reasons, unmet, at)
    VALUES (${customer}, ${action}, ${user}, ${st.param(f.departmentId)}, ${channel}, ${st.param(f.summary)},
            ${st.param(JSON.stringify(f.payload))}::jsonb, ${effective}, ${st.param(f.hasEvidence)},
            ${st.param(JSON.stringify(f.reasons))}, ${unmet}, ${at})
    RETURNING id`);
  st.with('fu_customer', `UPDATE customers SET last_followup_at = GREATEST(last_followup_at, ${at}),
           last_effective_followup_at = CASE WHEN ${effective}::boolean THEN GREATEST(last_effective_followup_at, ${at}) ELSE last_effective_followup_at END,
           updated_at = now()
     WHERE id = ${customer}
    RETURNING last_followup_at, last_effective_followup_at`);
  st.with('fu_event', `INSERT INTO events (actor_id, entity_type, entity_id, type, data, at)
    SELECT ${user}, 'customer', ${customer}, 'followup.recorded',
           jsonb_build_object('followupId', fu.id, 'actionId', ${action}::bigint, 'channel', ${channel}::text, 'effective', ${effective}::boolean,
                              'unmet', to_jsonb(${unmet}::text[])),
           ${at}
      FROM fu`);
}

/** recordFollowUpCte on its own: one statement, since a follow-up is on the hot path. */
export async function recordCustomerFollowUp(db: Db, f: FollowUpRecord): Promise<RecordedFollowUp> {
  const st = new Sql();
  recordFollowUpCte(st, f);
  const { rows: [r] } = await db.query(st.prepared(
    'SELECT fu.id, c.last_followup_at, c.last_effective_followup_at FROM fu LEFT JOIN fu_customer c ON true'));
  return { id: r.id, lastFollowupAt: r.last_followup_at, lastEffectiveFollowupAt: r.last_effective_followup_at };
}

async function countOwnAttachments(db: Db, ids: readonly number[], userId: number, kind?: string): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await db.query(
    'SELECT id FROM attachments WHERE id = ANY($1) AND uploaded_by = $2 AND ($3::text IS NULL OR kind = $3)', [ids, userId, kind ?? null]);
  if (rows.length !== new Set(ids).size) {
    const found = new Set(rows.map((r) => Number(r.id)));
    throw new AppError('ATTACHMENT_INVALID', { attachmentIds: ids.filter((id) => !found.has(id)), kind });
  }
  return rows.length;
}

/** The 对接人 must be the customer's contacts: anything else is refused, not silently dropped. */
async function ownContactIds(db: Db, customerId: number, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query('SELECT id FROM contacts WHERE id = ANY($1) AND customer_id = $2', [ids, customerId]);
  if (rows.length !== new Set(ids).size) throw new AppError('REFERENCE_INVALID', { contactIds: ids }, '对接人必须是该客户的联系人');
  return rows.map((r) => r.id);
}

export async function submitFollowUp(
  db: Db, actor: Actor, input: SubmitFollowUpInput, now: Date,
): Promise<z.infer<typeof FollowUpResultSchema>> {
  assertCan(actor, 'customers', 'update');
  await assertCustomerReference(db, actor, input.customerId);
  if (input.actionId) {
    const a = await getActionRowOrThrow(db, actor, input.actionId).catch(() => null);
    if (!a || a.customerId !== input.customerId) throw new AppError('REFERENCE_INVALID', { actionId: input.actionId });
  }
  const { rows: [c] } = await db.query('SELECT type FROM customers WHERE id = $1', [input.customerId]);
  const newDocuments = input.newDocuments + await countOwnAttachments(db, input.newDocumentIds, actor.id, 'document');
  const attachments = await countOwnAttachments(db, input.attachmentIds, actor.id);
  // chain changes the rep recorded since their last follow-up here count once, for this one
  const chainEvents = await unclaimedContactEvents(db, input.customerId, actor.id);
  const decisionChainUpdated = input.decisionChainUpdated || input.contactUpdates.length > 0 || chainEvents.length > 0;
  const verdict = classifyFollowUp(
    { customerType: c.type, actionItems: input.actionItems, newDocuments, decisionChainUpdated, summary: input.summary, attachments },
    await followUpStandardFor(db, c.type, actor.departmentPath), now,
  );
  const hasEvidence = newDocuments > 0 || attachments > 0 || decisionChainUpdated;
  const painPoints = await topicsOfText(db, input.summary, now);
  const recorded = await recordCustomerFollowUp(db, {
    customerId: input.customerId, actionId: input.actionId ?? null, userId: actor.id, departmentId: actor.departmentId,
    channel: input.channel, summary: input.summary, at: now, effective: verdict.effective, hasEvidence,
    reasons: verdict.reasons, unmet: verdict.unmet,
    payload: {
      actionItems: input.actionItems, newDocumentIds: input.newDocumentIds, newDocuments, attachmentIds: input.attachmentIds,
      contactIds: await ownContactIds(db, input.customerId, input.contactIds),
      contactUpdates: input.contactUpdates, decisionChainUpdated, contactEventIds: chainEvents.map((e) => e.id), painPoints,
    },
  });
  await claimContactEvents(db, chainEvents.map((e) => e.id), recorded.id);
  return {
    id: recorded.id, customerId: input.customerId, actionId: input.actionId ?? null, channel: input.channel,
    effective: verdict.effective, reasons: verdict.reasons, unmet: verdict.unmet, pseudo: !verdict.effective && !hasEvidence,
    painPoints, at: now.toISOString(),
    customer: {
      lastFollowupAt: recorded.lastFollowupAt?.toISOString() ?? null,
      lastEffectiveFollowupAt: recorded.lastEffectiveFollowupAt?.toISOString() ?? null,
    },
  };
}

const ratio = (effective: number, total: number) => (total === 0 ? null : Math.round((effective / total) * 1000) / 1000);

/** 有效跟进/总跟进 and the 伪跟进 count over Shanghai days [from, to], within the caller's scope. */
export async function followUpStats(
  db: Db, actor: Actor, q: z.infer<typeof FollowUpStatsQuery>, now: Date,
): Promise<z.infer<typeof FollowUpStatsSchema>> {
  assertCan(actor, 'customers', 'read');
  const to = q.to ?? shanghaiDate(now);
  const from = q.from ?? addCalendarDays(to, -29);
  const sql = new Sql();
  const where = [
    `f.at >= ${sql.param(shanghaiInstant(from))} AND f.at < ${sql.param(shanghaiInstant(addCalendarDays(to, 1)))}`,
    scopeSql(actor, { ownerCol: 'f.user_id', deptCol: 'f.department_id' }, sql),
  ];
  if (q.userId) where.push(`f.user_id = ${sql.param(q.userId)}`);
  const { rows } = await db.query(sql.unprepared(
    `SELECT f.user_id, u.name, count(*)::int AS total, count(*) FILTER (WHERE f.effective)::int AS effective,
            count(*) FILTER (WHERE NOT f.effective AND NOT f.has_evidence)::int AS pseudo
       FROM followups f JOIN users u ON u.id = f.user_id
      WHERE ${where.join(' AND ')} GROUP BY f.user_id, u.name ORDER BY f.user_id`,
  ));
  const sum = (k: 'total' | 'effective' | 'pseudo') => rows.reduce((n, r) => n + r[k], 0);
  return {
    from, to, total: sum('total'), effective: sum('effective'), ratio: ratio(sum('effective'), sum('total')), pseudo: sum('pseudo'),
    byUser: rows.map((r) => ({ userId: r.user_id, name: r.name, total: r.total, effective: r.effective, ratio: ratio(r.effective, r.total), pseudo: r.pseudo })),
  };
}
