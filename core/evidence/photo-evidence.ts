/**
 * A photo's evidence facts: computed once when it is received (analysePhoto
 * outside the transaction, the duplicate search inside it), stored beside the
 * attachment in `attachment_evidence`, and read back as core/flow's
 * PhotoEvidence by whoever loads a report's facts.
 *
 *   const facts = await recordPhotoEvidence(tx, { id, sha256, createdAt, source }, analysis);
 *   const photo = photoEvidenceOf(row.facts, row.created_at);
 */
import type { Db } from '../db/pool.js';
import type { PhotoEvidence, SimilarPhoto } from '../flow/evidence/types.js';
import type { PhotoAnalysis } from './analyse-photo.js';
import { findSimilarPhotos, indexPhotoHash, UPLOAD_SEARCH_DISTANCE } from './duplicate-index.js';
import { hashHex } from './photo-hash.js';

/** Bumped when the analysis changes; the backfill job recomputes rows of older versions. */
export const PHOTO_ANALYSIS_VERSION = 1;

export interface ReceivedPhoto {
  id: number;
  sha256: string;
  createdAt: Date;
  source: 'upload' | 'wecom_media';
}

/** Facts as JSON (dates as ISO strings); `uploadedAt` is the attachment's own column. */
export type StoredPhotoFacts = Omit<PhotoEvidence, 'uploadedAt' | 'similar'> & {
  kind: 'photo';
  phash: string | null;
  similar: Array<Omit<SimilarPhoto, 'uploadedAt' | 'capturedAt'> & { uploadedAt: string; capturedAt: string | null }>;
};

export async function recordPhotoEvidence(db: Db, a: ReceivedPhoto, analysis: PhotoAnalysis): Promise<PhotoEvidence> {
  const similar = await findSimilarPhotos(db, { id: a.id, sha256: a.sha256, phash: analysis.phash }, UPLOAD_SEARCH_DISTANCE);
  const { exif } = analysis;
  const facts: StoredPhotoFacts = {
    kind: 'photo', width: analysis.width, height: analysis.height, hashed: analysis.phash !== null,
    hasExif: exif.hasExif, make: exif.make, model: exif.model, software: exif.software, gps: exif.gps,
    fromWecom: a.source === 'wecom_media', phash: analysis.phash === null ? null : hashHex(analysis.phash),
    similar: similar.map((s) => ({ ...s, uploadedAt: s.uploadedAt.toISOString(), capturedAt: s.capturedAt?.toISOString() ?? null })),
  };
  await db.query(
    `INSERT INTO attachment_evidence (attachment_id, version, facts, phash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (attachment_id) DO UPDATE SET version = EXCLUDED.version, facts = EXCLUDED.facts, phash = EXCLUDED.phash, analysed_at = now()`,
    [a.id, PHOTO_ANALYSIS_VERSION, JSON.stringify(facts), analysis.phash?.toString() ?? null],
  );
  if (analysis.phash !== null) await indexPhotoHash(db, a.id, analysis.phash);
  return photoEvidenceOf(facts, a.createdAt)!;
}

/**
 * Facts for a photo whose bytes could not be analysed (found by the backfill:
 * no image data, an oversized picture, a lost file): no hash, no EXIF, and why.
 */
export async function recordUnreadablePhoto(db: Db, a: ReceivedPhoto, reason: string): Promise<void> {
  const facts: StoredPhotoFacts & { unreadable: string } = {
    kind: 'photo', width: null, height: null, hashed: false, hasExif: false, make: null, model: null, software: null, gps: null,
    fromWecom: a.source === 'wecom_media', phash: null, similar: [], unreadable: reason,
  };
  await db.query(
    `INSERT INTO attachment_evidence (attachment_id, version, facts) VALUES ($1, $2, $3)
     ON CONFLICT (attachment_id) DO UPDATE SET version = EXCLUDED.version, facts = EXCLUDED.facts, phash = NULL, analysed_at = now()`,
    [a.id, PHOTO_ANALYSIS_VERSION, JSON.stringify(facts)],
  );
}

/** Stored facts back into core/flow's shape; null for anything that is not a photo's. */
export function photoEvidenceOf(facts: unknown, uploadedAt: Date | string): PhotoEvidence | null {
  const f = facts as StoredPhotoFacts | null;
  if (!f || f.kind !== 'photo') return null;
  const { kind: _kind, phash: _phash, similar, ...rest } = f;
  return {
    ...rest,
    uploadedAt: new Date(uploadedAt),
    similar: similar.map((s) => ({ ...s, uploadedAt: new Date(s.uploadedAt), capturedAt: s.capturedAt ? new Date(s.capturedAt) : null })),
  };
}
