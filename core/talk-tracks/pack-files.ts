/**
 * A pack's files (a price sheet, the warranty terms): documents the author
 * uploads into the one attachment storage, listed with the pack and served to
 * whoever may read the pack — not through the attachments' own scope, which
 * follows the uploader's department and would hide an admin's file from reps.
 *
 *   const stored = await storeFile(storage, await receiveFile(req, { declaredKind: 'document' }));
 *   await attachFileToPack(tx, admin, packId, stored, '延长质保条款.pdf', now);
 */
import type { Actor } from '../auth/actor.js';
import type { StoredFile } from '../attachments/attachments.js';
import { withExtension } from '../attachments/attachments.js';
import { FILE_TYPES } from '../attachments/sniff.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { recordEvent } from '../resources/events.js';
import { stripBidi } from '../resources/schemas.js';
import { assertMayAuthor, getPack, type Pack } from './packs.js';

/** More than this and a rep scrolls past them on a phone. */
export const MAX_FILES_PER_PACK = 10;

export async function attachFileToPack(db: Db, actor: Actor, packId: number, file: StoredFile, filename: string | undefined, now: Date): Promise<Pack> {
  assertMayAuthor(actor);
  const { rows: [pack] } = await db.query(
    `SELECT p.id, (SELECT count(*) FROM talk_track_attachments a WHERE a.pack_id = p.id)::int AS files FROM talk_track_packs p WHERE p.id = $1 FOR UPDATE`, [packId]);
  if (!pack) throw new AppError('TALK_TRACK_NOT_FOUND', { id: packId });
  if (pack.files >= MAX_FILES_PER_PACK) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'body', message: `一个话术包最多${MAX_FILES_PER_PACK}个附件，请先删掉不用的` }]);
  }
  const info = FILE_TYPES[file.type];
  const { rows: [a] } = await db.query(
    `INSERT INTO attachments (sha256, kind, mime, size, filename, tags, uploaded_by, department_id, source, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, '{话术包}', $6, $7, 'upload', $8, $8) RETURNING id`,
    [file.sha256, info.kind, info.mime, file.size, filename ? stripBidi(filename).slice(0, 200) : null, actor.id, actor.departmentId, now]);
  await db.query(
    `INSERT INTO talk_track_attachments (pack_id, attachment_id, position) VALUES ($1, $2, $3)`, [packId, a.id, pack.files]);
  await recordEvent(db, { actorId: actor.id, entityType: 'talk_track_pack', entityId: packId, type: 'talk_track.file_added', at: now, data: { attachmentId: a.id } });
  return getPack(db, actor, packId);
}

export async function detachFileFromPack(db: Db, actor: Actor, packId: number, attachmentId: number, now: Date): Promise<Pack> {
  assertMayAuthor(actor);
  const { rowCount } = await db.query('DELETE FROM talk_track_attachments WHERE pack_id = $1 AND attachment_id = $2', [packId, attachmentId]);
  if (!rowCount) throw new AppError('TALK_TRACK_FILE_NOT_FOUND', { packId, attachmentId });
  await recordEvent(db, { actorId: actor.id, entityType: 'talk_track_pack', entityId: packId, type: 'talk_track.file_removed', at: now, data: { attachmentId } });
  return getPack(db, actor, packId);
}

/** One of a readable pack's files: what storage holds it under and how to name it. */
export async function packFile(db: Db, actor: Actor, packId: number, attachmentId: number): Promise<{ sha256: string; mime: string; filename: string; size: number }> {
  const pack = await getPack(db, actor, packId);
  if (!pack.attachments.some((f) => f.id === attachmentId)) throw new AppError('TALK_TRACK_FILE_NOT_FOUND', { packId, attachmentId });
  const { rows: [a] } = await db.query('SELECT sha256, mime, filename, size FROM attachments WHERE id = $1', [attachmentId]);
  const ext = Object.values(FILE_TYPES).find((t) => t.mime === a.mime)?.ext ?? 'bin';
  return { sha256: a.sha256, mime: a.mime, size: Number(a.size), filename: a.filename ? withExtension(a.filename, ext) : `附件${attachmentId}.${ext}` };
}
