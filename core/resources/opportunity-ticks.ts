/**
 * Who ticked which checklist item of an opportunity, when, and with what
 * evidence. The tick itself changes `opportunities.checklist` (the state the
 * stage validator reads, see updateOpportunity); this keeps the history, one
 * row per tick or untick, and reads back the latest per item.
 *
 *   await recordTicks(tx, actor, opp, { quote_sent: true }, { evidence: { quote_sent: 42 } });
 *   const latest = await latestTicks(db, oppId);   // Map<'negotiation/legal_review:contract_reviewed', TickInfo>
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { Id, OptionalText } from './schemas.js';

export const TickInfoSchema = z.object({
  positionId: z.string(),
  key: z.string(),
  done: z.boolean(),
  byName: z.string(),
  at: z.string(),
  /** The evidence attached to the tick (a photo or document uploaded first). */
  attachmentId: z.number().nullable(),
  note: z.string().nullable(),
});
export type TickInfo = z.infer<typeof TickInfoSchema>;

/** `{ itemKey: attachmentId }` and a note for the ticks of one PATCH. */
export const TickEvidenceSchema = z.record(z.string().min(1).max(100), Id)
  .refine((o) => Object.keys(o).length <= 50, '证据数量不能超过50项');
export const TickNote = OptionalText(500);

/** The evidence of a tick is the ticker's own upload: the tick says "I did this, here is the proof". */
async function assertOwnAttachments(db: Db, actor: Actor, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const { rows } = await db.query('SELECT id FROM attachments WHERE id = ANY($1::bigint[]) AND uploaded_by = $2', [ids, actor.id]);
  const found = new Set(rows.map((r) => Number(r.id)));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new AppError('ATTACHMENT_INVALID', { attachmentIds: missing });
}

export async function recordTicks(
  db: Db, actor: Actor, opportunityId: number, ticks: Array<{ positionId: string; key: string; done: boolean }>,
  o: { evidence?: Record<string, number>; note?: string | null } = {},
): Promise<void> {
  const unknown = Object.keys(o.evidence ?? {}).filter((k) => !ticks.some((t) => t.key === k && t.done));
  if (unknown.length > 0) {
    throw new AppError('VALIDATION_FAILED', unknown.map((k) => ({ path: `body.evidence.${k}`, message: '证据只能附在本次勾选的检查项上' })));
  }
  await assertOwnAttachments(db, actor, Object.values(o.evidence ?? {}));
  if (ticks.length === 0) return;
  await db.query(
    `INSERT INTO opportunity_ticks (opportunity_id, position_id, item_key, done, attachment_id, note, by_user_id)
     SELECT $1, t.position_id, t.item_key, t.done, t.attachment_id, $3, $2
       FROM jsonb_to_recordset($4::jsonb) AS t(position_id text, item_key text, done boolean, attachment_id bigint)`,
    [opportunityId, actor.id, o.note ?? null,
      JSON.stringify(ticks.map((t) => ({ position_id: t.positionId, item_key: t.key, done: t.done, attachment_id: o.evidence?.[t.key] ?? null })))],
  );
}

/** The latest tick of each item, keyed `positionId:key`. */
export async function latestTicks(db: Db, opportunityId: number): Promise<Map<string, TickInfo>> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (t.position_id, t.item_key) t.*, u.name AS by_name
       FROM opportunity_ticks t JOIN users u ON u.id = t.by_user_id
      WHERE t.opportunity_id = $1 ORDER BY t.position_id, t.item_key, t.id DESC`, [opportunityId]);
  return new Map(rows.map((r) => [`${r.position_id}:${r.item_key}`, {
    positionId: r.position_id, key: r.item_key, done: r.done, byName: r.by_name, at: r.at.toISOString(),
    attachmentId: r.attachment_id === null ? null : Number(r.attachment_id), note: r.note,
  }]));
}
