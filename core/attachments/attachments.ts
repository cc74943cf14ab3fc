/**
 * Attachments: photos, voice memos and documents that back up a visit report
 * or an action. The bytes go to Storage (content-addressed); a row per upload
 * keeps who uploaded it, its tags, the EXIF capture time and what it belongs to.
 * Row scope follows the uploader: the uploader, the managers of their
 * department subtree, the director (and admins, who read everything).
 *
 *   const file = await storeFile(storage, received);                // outside the transaction
 *   const a = await insertAttachment(tx, actor, file, { tags: ['门头照'], source: 'upload' });
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { analysePhoto, type PhotoAnalysis, type PhotoFormat } from '../evidence/analyse-photo.js';
import { analyseSpeech, type SpeechAnalysis } from '../evidence/analyse-speech.js';
import { recordPhotoEvidence } from '../evidence/photo-evidence.js';
import { recordVoiceEvidence } from '../evidence/voice-evidence.js';
import type { AttachmentKind, ReportAttachment } from '../flow/types.js';
import { analyseVoice, isVoiceType, PLAYABLE_MIME } from '../media/index.js';
import { recordEvent } from '../resources/events.js';
import { Id, IdParam, stripBidi } from '../resources/schemas.js';
import { ATTACHMENT_KINDS } from './limits.js';
import type { ReceivedFile } from './receive.js';
import { FILE_TYPES, type FileType } from './sniff.js';
import type { Storage } from './storage.js';

// Schemas --------------------------------------------------------------------------------

export const AttachmentKindSchema = z.enum(ATTACHMENT_KINDS);

const Tag = z.string().trim().min(1, '标签不能为空').max(20, '标签不能超过20个字符');
const dedupe = (tags: string[]) => [...new Set(tags)];
export const TagsSchema = z.array(Tag).max(20, '标签不能超过20个').transform(dedupe);

/** `?tags=门头照,合影` or repeated `?tags=`; full-width commas too. */
const TagsQuery = z.preprocess(
  (v) => (v === undefined ? undefined : [v].flat().flatMap((s) => String(s).split(/[,，]/)).filter((s) => s.trim() !== '')),
  TagsSchema,
);

export const Filename = z.string().trim().min(1).max(200, '文件名不能超过200个字符')
  // only the last path segment, without control or bidi characters: it ends up in Content-Disposition
  .transform((s) => stripBidi(s.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"]/g, '')).trim() || null);

export const UploadQuerySchema = z.strictObject({
  kind: AttachmentKindSchema.optional(),
  tags: TagsQuery.optional(),
  customerId: IdParam.optional(),
  actionId: IdParam.optional(),
  filename: Filename.optional(),
});
export type UploadQuery = z.output<typeof UploadQuerySchema>;

export const FromWecomBodySchema = z.strictObject({
  /** media_id from wx.uploadImage / uploadVoice or a message the bot received; valid 3 days. */
  mediaId: z.string().trim().min(1).max(256).regex(/^[\w\-.@]+$/, 'media_id 格式不正确'),
  kind: AttachmentKindSchema,
  tags: TagsSchema.optional(),
  /** Voice recorded by the JS-SDK (uploadVoice): fetched as high-quality speex via media/get/jssdk. */
  jssdk: z.boolean().optional(),
  customerId: Id.optional(),
  actionId: Id.optional(),
  filename: Filename.optional(),
});
export type FromWecomBody = z.output<typeof FromWecomBodySchema>;

export const UpdateAttachmentSchema = z.strictObject({ tags: TagsSchema });

const DownloaderSchema = z.object({ userId: z.number(), name: z.string(), count: z.number(), lastAt: z.string() });

export const AttachmentSchema = z.object({
  id: z.number(),
  kind: AttachmentKindSchema,
  mime: z.string(),
  size: z.number(),
  sha256: z.string(),
  filename: z.string().nullable(),
  tags: z.array(z.string()),
  capturedAt: z.string().nullable(),
  uploadedBy: z.object({ id: z.number(), name: z.string() }),
  customerId: z.number().nullable(),
  actionId: z.number().nullable(),
  source: z.enum(['upload', 'wecom_media']),
  wecomMediaId: z.string().nullable(),
  contentUrl: z.string(),
  /** Voice: where an <audio> element can play it (an MP3 copy when the original would not play in WeCom/iOS). */
  playableUrl: z.string().nullable(),
  /** Voice: length read from the file itself (header, or decoded samples), in milliseconds. */
  durationMs: z.number().nullable(),
  downloads: z.object({ count: z.number(), users: z.array(DownloaderSchema) }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

// Storing ----------------------------------------------------------------------------------

export interface StoredFile {
  sha256: string;
  type: FileType;
  size: number;
  capturedAt: Date | null;
  /** False when identical bytes were already stored. */
  created: boolean;
  /** Photos: what core/evidence read from the file (EXIF, size, perceptual hash), stored with the row. */
  photo: PhotoAnalysis | null;
  /** Voice only: what decoding established, and the speech analysis of the decoded audio (the PCM itself is not kept). */
  voice: { durationMs: number; playableSha256: string | null; speech: SpeechAnalysis } | null;
}

const sha256Of = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Reads what the file itself tells — for photos, EXIF, size and perceptual
 * hash (a picture with no image data, or a 20k×20k bomb, is refused here);
 * for voice, that it decodes, its duration, the speech in it and its audio
 * landmarks, and an MP3 copy (stored too) when the original would not play in
 * a webview (voice that does not decode is refused) — then puts the bytes in
 * storage; no database.
 */
export async function storeFile(storage: Storage, file: ReceivedFile): Promise<StoredFile> {
  const photo = FILE_TYPES[file.type].kind === 'photo' ? await analysePhoto(file.buffer, file.type as PhotoFormat) : null;
  const voice = isVoiceType(file.type) ? await analyseVoice(file.buffer, file.type) : null;
  const speech = voice ? await analyseSpeech(voice.pcm) : null;
  const sha256 = sha256Of(file.buffer);
  const created = await storage.put(sha256, file.buffer);
  let playableSha256: string | null = null;
  if (voice?.playable) {
    playableSha256 = sha256Of(voice.playable);
    await storage.put(playableSha256, voice.playable);
  }
  return {
    sha256, type: file.type, size: file.buffer.length, capturedAt: photo?.exif.capturedAt ?? null, created, photo,
    voice: voice && speech && { durationMs: voice.durationMs, playableSha256, speech },
  };
}

export interface AttachmentMeta {
  tags?: string[];
  customerId?: number;
  actionId?: number;
  filename?: string | null;
  source: 'upload' | 'wecom_media';
  wecomMediaId?: string;
}

/** Uploading is part of working actions: reps, managers and directors. */
export function assertMayUpload(actor: Actor): void {
  assertCan(actor, 'actions', 'create');
}

/**
 * The customer and action an upload names must be ones the uploader may see;
 * an action implies its customer. Call before any download or storage work.
 */
export async function resolveUploadRefs(
  db: Db, actor: Actor, refs: { customerId?: number; actionId?: number },
): Promise<{ customerId: number | null; actionId: number | null }> {
  let customerId = refs.customerId ?? null;
  if (refs.actionId !== undefined) {
    const sql = new Sql();
    const scope = scopeSql(actor, { ownerCol: 'a.assignee_id', deptCol: 'a.department_id' }, sql);
    const { rows } = await db.query(sql.unprepared(`SELECT a.customer_id FROM actions a WHERE a.id = ${sql.param(refs.actionId)} AND ${scope}`));
    if (!rows[0]) throw new AppError('REFERENCE_INVALID', { actionId: refs.actionId }, `事项 ${refs.actionId} 不存在或不在你的权限范围内`);
    if (customerId !== null && customerId !== rows[0].customer_id) {
      throw new AppError('REFERENCE_INVALID', { actionId: refs.actionId, customerId }, '附件的客户与事项的客户不一致');
    }
    customerId = rows[0].customer_id;
  }
  // an action in reach vouches for its own customer (a store's clerk works actions at a customer they do not own)
  if (refs.customerId !== undefined && refs.actionId === undefined) {
    const sql = new Sql();
    const scope = scopeSql(actor, { ownerCol: 'c.owner_id', deptCol: 'c.department_id' }, sql);
    const { rows } = await db.query(sql.unprepared(`SELECT 1 FROM customers c WHERE c.id = ${sql.param(refs.customerId)} AND ${scope}`));
    if (!rows[0]) throw new AppError('REFERENCE_INVALID', { customerId: refs.customerId }, `客户 ${refs.customerId} 不存在或不在你的权限范围内`);
  }
  return { customerId, actionId: refs.actionId ?? null };
}

export async function insertAttachment(db: Db, actor: Actor, file: StoredFile, meta: AttachmentMeta): Promise<Attachment> {
  assertMayUpload(actor);
  const refs = await resolveUploadRefs(db, actor, meta);
  const info = FILE_TYPES[file.type];
  const { rows } = await db.query(
    `INSERT INTO attachments (sha256, kind, mime, size, filename, tags, captured_at, uploaded_by, department_id,
                              customer_id, action_id, source, wecom_media_id, duration_ms, playable_sha256)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) RETURNING id, created_at`,
    [file.sha256, info.kind, info.mime, file.size, meta.filename ? stripBidi(meta.filename) : null, meta.tags ?? [], file.capturedAt, actor.id,
      actor.departmentId, refs.customerId, refs.actionId, meta.source, meta.wecomMediaId ?? null,
      file.voice?.durationMs ?? null, file.voice?.playableSha256 ?? null],
  );
  if (file.photo) await recordPhotoEvidence(db, { id: rows[0].id, sha256: file.sha256, createdAt: rows[0].created_at, source: meta.source }, file.photo);
  if (file.voice) await recordVoiceEvidence(db, { id: rows[0].id, createdAt: rows[0].created_at }, file.voice);
  await recordEvent(db, {
    actorId: actor.id, entityType: 'attachment', entityId: rows[0].id, type: 'attachment.uploaded',
    data: {
      kind: info.kind, mime: info.mime, size: file.size, source: meta.source, customerId: refs.customerId, actionId: refs.actionId,
      ...(file.voice ? { durationMs: file.voice.durationMs } : {}),
    },
  });
  return getAttachmentOrThrow(db, actor, rows[0].id);
}

// Reading ----------------------------------------------------------------------------------

const attachmentScope = (actor: Actor, sql: Sql) =>
  scopeSql(actor, { ownerCol: 'a.uploaded_by', deptCol: 'a.department_id' }, sql);

function toAttachment(r: any, downloads: Attachment['downloads']): Attachment {
  return {
    id: r.id, kind: r.kind, mime: r.mime, size: r.size, sha256: r.sha256, filename: r.filename, tags: r.tags,
    capturedAt: r.captured_at?.toISOString() ?? null,
    uploadedBy: { id: r.uploaded_by, name: r.uploader_name },
    customerId: r.customer_id, actionId: r.action_id, source: r.source, wecomMediaId: r.wecom_media_id,
    contentUrl: `/api/attachments/${r.id}/content`,
    playableUrl: r.kind !== 'voice' ? null : r.playable_sha256 ? `/api/attachments/${r.id}/content?playable=1` : `/api/attachments/${r.id}/content`,
    durationMs: r.duration_ms,
    downloads,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}

async function loadRow(db: Db, actor: Actor, id: number, lock = false): Promise<any> {
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT a.*, u.name AS uploader_name FROM attachments a JOIN users u ON u.id = a.uploaded_by
      WHERE a.id = ${sql.param(id)} AND ${attachmentScope(actor, sql)}${lock ? ' FOR UPDATE OF a' : ''}`));
  if (!rows[0]) throw new AppError('ATTACHMENT_NOT_FOUND', { id });
  return rows[0];
}

async function downloadsOf(db: Db, id: number): Promise<Attachment['downloads']> {
  const { rows } = await db.query(
    `SELECT d.user_id, u.name, count(*)::int AS n, max(d.at) AS last_at
       FROM attachment_downloads d JOIN users u ON u.id = d.user_id
      WHERE d.attachment_id = $1 GROUP BY d.user_id, u.name ORDER BY max(d.at) DESC`, [id]);
  const users = rows.map((r) => ({ userId: r.user_id, name: r.name, count: r.n, lastAt: r.last_at.toISOString() }));
  return { count: users.reduce((s, u) => s + u.count, 0), users };
}

/** One attachment the actor may see, with its download counts; anything else is a 404. */
export async function getAttachmentOrThrow(db: Db, actor: Actor, id: number): Promise<Attachment> {
  assertCan(actor, 'actions', 'read');
  const row = await loadRow(db, actor, id);
  return toAttachment(row, await downloadsOf(db, id));
}

export async function updateAttachmentTags(db: Db, actor: Actor, id: number, tags: string[]): Promise<Attachment> {
  assertCan(actor, 'actions', 'update');
  const before = await loadRow(db, actor, id, true);
  await db.query('UPDATE attachments SET tags = $2, updated_at = now() WHERE id = $1', [id, tags]);
  await recordEvent(db, {
    actorId: actor.id, entityType: 'attachment', entityId: id, type: 'attachment.tagged',
    data: { before: before.tags, after: tags },
  });
  return getAttachmentOrThrow(db, actor, id);
}

export interface AttachmentContent {
  attachment: { id: number; kind: AttachmentKind; mime: string; size: number; sha256: string };
  /** What the browser should save it as. */
  filename: string;
}

export interface DownloadOptions {
  /** Voice: the MP3 copy when one was made (the original otherwise). */
  playable?: boolean;
  /** A Range request that does not start at the first byte (a player seeking) is not a new download. */
  countsAsDownload?: boolean;
}

/**
 * Opens an attachment the actor may see and records the download (who,
 * when) once the bytes are there to serve: a started download counts, a
 * missing file does not.
 *
 *   const { content, object } = await recordDownload(pool, actor, id, (sha) => storage.get(sha));
 */
export async function recordDownload<T>(
  db: Db, actor: Actor, id: number, open: (sha256: string) => Promise<T>, opts: DownloadOptions = {},
): Promise<{ content: AttachmentContent; object: T }> {
  assertCan(actor, 'actions', 'read');
  const row = await loadRow(db, actor, id);
  const copy = opts.playable && row.playable_sha256 ? { sha256: row.playable_sha256, mime: PLAYABLE_MIME, ext: 'mp3' } : null;
  const sha256 = copy?.sha256 ?? row.sha256;
  const object = await open(sha256);
  if (opts.countsAsDownload !== false) {
    await db.query('INSERT INTO attachment_downloads (attachment_id, user_id) VALUES ($1, $2)', [id, actor.id]);
  }
  const type = Object.values(FILE_TYPES).find((t) => t.mime === row.mime);
  const ext = copy?.ext ?? type?.ext ?? 'bin';
  const content = {
    attachment: { id: row.id, kind: row.kind, mime: copy?.mime ?? row.mime, size: row.size, sha256 },
    filename: row.filename ? withExtension(row.filename, ext) : `${row.kind}-${row.id}.${ext}`,
  };
  return { content, object };
}

/** Alternative spellings of an extension the sniffed type already has. */
const SAME_EXTENSION: Record<string, string[]> = { jpg: ['jpeg', 'jpe'], m4a: ['mp4', 'aac'], spx: ['ogg'] };

/**
 * The uploader's name with the extension of what the bytes are: a JPEG/HTML
 * polyglot uploaded as x.html is served as x.jpg, so no browser or desktop
 * opens it as a page. A name's own extension is kept when it already says so.
 *
 *   withExtension('x.html', 'jpg') === 'x.jpg'; withExtension('门头.JPEG', 'jpg') === '门头.JPEG'
 */
export function withExtension(name: string, ext: string): string {
  const m = /^(.*?)\.([A-Za-z0-9]{1,8})$/.exec(name);
  const own = m?.[2].toLowerCase();
  if (own && (own === ext || SAME_EXTENSION[ext]?.includes(own))) return name;
  return `${m && m[1] ? m[1] : name}.${ext}`;
}

/**
 * Attachments as the rule engine sees them (core/flow ReportAttachment), for
 * the ids a report names; only the uploader's own. Missing ids are left out,
 * so the caller can tell which were not found.
 */
export async function loadReportAttachments(db: Db, uploaderId: number, ids: readonly number[]): Promise<ReportAttachment[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query(
    'SELECT id, kind, tags, captured_at, mime FROM attachments WHERE id = ANY($1::bigint[]) AND uploaded_by = $2 ORDER BY id',
    [[...new Set(ids)], uploaderId],
  );
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, tags: r.tags, capturedAt: r.captured_at, mime: r.mime }));
}
