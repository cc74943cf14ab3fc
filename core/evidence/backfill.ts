/**
 * Facts for photos and voice memos uploaded before evidence checks existed
 * (or analysed by an older version): read the stored bytes, analyse them as
 * an upload would, and record the facts — oldest first, so each file's search
 * for earlier copies finds every older one already indexed. Each file
 * is its own transaction with the row locked (SKIP LOCKED), so two workers
 * never do the same file and an interrupted run resumes where it stopped.
 * A file that cannot be analysed gets facts saying so rather than a retry
 * forever.
 *
 *   const r = await backfillEvidence(pool, (sha) => readStored(storage, sha), { max: 500, logger });
 */
import type pg from 'pg';
import { withTransaction, type Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { decodeToPcm } from '../media/index.js';
import { FfmpegError } from '../media/ffmpeg.js';
import { analysePhoto, type PhotoFormat } from './analyse-photo.js';
import { analyseSpeech } from './analyse-speech.js';
import { PHOTO_ANALYSIS_VERSION, recordPhotoEvidence, recordUnreadablePhoto } from './photo-evidence.js';
import { recordUnreadableVoice, recordVoiceEvidence, VOICE_ANALYSIS_VERSION } from './voice-evidence.js';

/** Where the bytes of a stored file come from (core/attachments' storage, behind one function). */
export type ReadFile = (sha256: string) => Promise<Buffer | null>;

export interface BackfillReport {
  analysed: number;
  unreadable: number;
  missingFile: number;
  /** Photos and memos still without current facts after this run. */
  remaining: number;
  summary: string;
}

const FORMAT_OF: Record<string, PhotoFormat> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic' };

const PENDING = `((x.kind = 'photo' AND NOT EXISTS (SELECT 1 FROM attachment_evidence ev WHERE ev.attachment_id = x.id AND ev.version >= ${PHOTO_ANALYSIS_VERSION}))
  OR (x.kind = 'voice' AND NOT EXISTS (SELECT 1 FROM attachment_evidence ev WHERE ev.attachment_id = x.id AND ev.version >= ${VOICE_ANALYSIS_VERSION})))`;

/** A memo as an upload hears it: decoded by core/media, its speech and landmarks recorded; one that does not decode says so. */
async function backfillVoice(tx: Db, x: { id: number; createdAt: Date; durationMs: number | null }, bytes: Buffer): Promise<'analysed' | 'unreadable'> {
  let pcm;
  try {
    pcm = await decodeToPcm(bytes);
  } catch (err) {
    if (!(err instanceof FfmpegError)) throw err;
    await recordUnreadableVoice(tx, x.id, 'VOICE_UNDECODABLE');
    return 'unreadable';
  }
  await recordVoiceEvidence(tx, x, { durationMs: x.durationMs ?? pcm.durationMs, speech: await analyseSpeech(pcm) });
  return 'analysed';
}

async function backfillOne(pool: pg.Pool, read: ReadFile, logger: Logger): Promise<'analysed' | 'unreadable' | 'missingFile' | null> {
  return withTransaction(pool, async (tx) => {
    const { rows: [x] } = await tx.query(
      `SELECT x.id, x.kind, x.sha256, x.mime, x.created_at, x.source, x.duration_ms FROM attachments x WHERE ${PENDING}
        ORDER BY x.id LIMIT 1 FOR UPDATE OF x SKIP LOCKED`);
    if (!x) return null;
    const photo = { id: Number(x.id), sha256: x.sha256, createdAt: x.created_at, source: x.source };
    const bytes = await read(x.sha256);
    if (!bytes) {
      if (x.kind === 'voice') await recordUnreadableVoice(tx, photo.id, 'FILE_MISSING');
      else await recordUnreadablePhoto(tx, photo, 'FILE_MISSING');
      logger.warn({ attachmentId: photo.id }, 'evidence backfill: the stored file is missing');
      return 'missingFile';
    }
    if (x.kind === 'voice') return backfillVoice(tx, { id: photo.id, createdAt: x.created_at, durationMs: x.duration_ms }, bytes);
    try {
      await recordPhotoEvidence(tx, photo, await analysePhoto(bytes, FORMAT_OF[x.mime] ?? 'jpeg'));
      return 'analysed';
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await recordUnreadablePhoto(tx, photo, err.code);
      return 'unreadable';
    }
  });
}

export async function backfillEvidence(pool: pg.Pool, read: ReadFile, o: { max: number; logger: Logger }): Promise<BackfillReport> {
  const r = { analysed: 0, unreadable: 0, missingFile: 0 };
  for (let i = 0; i < o.max; i++) {
    const outcome = await backfillOne(pool, read, o.logger);
    if (!outcome) break;
    r[outcome]++;
  }
  const { rows: [left] } = await pool.query(`SELECT count(*)::int AS n FROM attachments x WHERE ${PENDING}`);
  return {
    ...r, remaining: left.n,
    summary: `证据补算：分析照片和语音 ${r.analysed} 个，无法读取 ${r.unreadable} 个，文件缺失 ${r.missingFile} 个；还剩 ${left.n} 个`,
  };
}
