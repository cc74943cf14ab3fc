/**
 * Facts for attachments uploaded before evidence checks existed (or analysed
 * by an older version): read the stored bytes, analyse them as an upload
 * would, and record the facts — oldest first, so each photo's search for
 * earlier near-duplicates finds every older photo already indexed. Each file
 * is its own transaction with the row locked (SKIP LOCKED), so two workers
 * never do the same file and an interrupted run resumes where it stopped.
 * A file that cannot be analysed gets facts saying so rather than a retry
 * forever.
 *
 *   const r = await backfillEvidence(pool, (sha) => readStored(storage, sha), { max: 500, logger });
 */
import type pg from 'pg';
import { withTransaction } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { analysePhoto, type PhotoFormat } from './analyse-photo.js';
import { PHOTO_ANALYSIS_VERSION, recordPhotoEvidence, recordUnreadablePhoto } from './photo-evidence.js';

/** Where the bytes of a stored file come from (core/attachments' storage, behind one function). */
export type ReadFile = (sha256: string) => Promise<Buffer | null>;

export interface BackfillReport {
  analysed: number;
  unreadable: number;
  missingFile: number;
  /** Photos still without current facts after this run. */
  remaining: number;
  summary: string;
}

const FORMAT_OF: Record<string, PhotoFormat> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic' };

const PENDING = `x.kind = 'photo' AND NOT EXISTS (SELECT 1 FROM attachment_evidence ev WHERE ev.attachment_id = x.id AND ev.version >= ${PHOTO_ANALYSIS_VERSION})`;

async function backfillOne(pool: pg.Pool, read: ReadFile, logger: Logger): Promise<'analysed' | 'unreadable' | 'missingFile' | null> {
  return withTransaction(pool, async (tx) => {
    const { rows: [x] } = await tx.query(
      `SELECT x.id, x.sha256, x.mime, x.created_at, x.source FROM attachments x WHERE ${PENDING}
        ORDER BY x.id LIMIT 1 FOR UPDATE OF x SKIP LOCKED`);
    if (!x) return null;
    const photo = { id: Number(x.id), sha256: x.sha256, createdAt: x.created_at, source: x.source };
    const bytes = await read(x.sha256);
    if (!bytes) {
      await recordUnreadablePhoto(tx, photo, 'FILE_MISSING');
      logger.warn({ attachmentId: photo.id }, 'evidence backfill: the stored file is missing');
      return 'missingFile';
    }
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
    summary: `证据补算：分析照片 ${r.analysed} 张，无法读取 ${r.unreadable} 张，文件缺失 ${r.missingFile} 张；还剩 ${left.n} 张`,
  };
}
