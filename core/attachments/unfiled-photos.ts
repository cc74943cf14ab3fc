/**
 * A picture a rep sends the bot with no report open (issue #24). It is already an attachment, stored and
 * checked like any upload; here it waits to be offered — once — to the next visit report the rep opens
 * within the setting bot.unfiled-photo-window (core/actions/unfiled-photos.setting.ts, read by the caller), by the bot or the H5 visit page, whichever opens it first.
 * Never attached without the rep's yes, never deleted: declined or past the window, it stays theirs.
 *
 *   await keepUnfiledPhoto(db, rep.id, attachmentId, now);
 *   const waiting = await claimUnfiledPhotos(db, rep.id, actionId, now, 120); // offered to this report from now on
 *   await decideUnfiledPhotos(db, rep.id, actionId, [attachmentId], 'attached', now);
 */
import type { Db } from '../db/pool.js';

export interface UnfiledPhoto {
  attachmentId: number;
  receivedAt: Date;
  /** EXIF capture time as the server read it, when the file carried one. */
  capturedAt: Date | null;
}

export async function keepUnfiledPhoto(db: Db, userId: number, attachmentId: number, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO unfiled_photos (attachment_id, user_id, received_at) SELECT id, uploaded_by, $3 FROM attachments
      WHERE id = $1 AND uploaded_by = $2 AND action_id IS NULL ON CONFLICT DO NOTHING`, [attachmentId, userId, now]);
}

/**
 * The rep's pictures waiting within the window, not yet offered to another report, now offered to this
 * one (in the order received); a report they were already offered to gets them again until answered.
 */
export async function claimUnfiledPhotos(db: Db, userId: number, actionId: number, now: Date, windowMinutes: number): Promise<UnfiledPhoto[]> {
  const { rows } = await db.query(
    `UPDATE unfiled_photos u SET offered_action_id = $3 FROM attachments a
      WHERE a.id = u.attachment_id AND u.user_id = $1 AND u.decided IS NULL AND a.kind = 'photo'
        AND (u.offered_action_id IS NULL OR u.offered_action_id = $3) AND u.received_at > $2::timestamptz - make_interval(mins => $4)
      RETURNING u.attachment_id, u.received_at, a.captured_at`, [userId, now, actionId, windowMinutes]);
  return rows
    .map((r) => ({ attachmentId: Number(r.attachment_id), receivedAt: r.received_at as Date, capturedAt: (r.captured_at as Date | null) ?? null }))
    .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.attachmentId - b.attachmentId);
}

/** Records the rep's answer for the pictures offered to this report; the ids it applied to. */
export async function decideUnfiledPhotos(
  db: Db, userId: number, actionId: number, ids: readonly number[], decision: 'attached' | 'declined', now: Date,
): Promise<number[]> {
  const { rows } = await db.query(
    `UPDATE unfiled_photos SET decided = $4, decided_at = $5
      WHERE attachment_id = ANY($3::bigint[]) AND user_id = $1 AND offered_action_id = $2 AND decided IS NULL RETURNING attachment_id`,
    [userId, actionId, ids, decision, now]);
  return rows.map((r) => Number(r.attachment_id));
}
