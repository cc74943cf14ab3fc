/**
 * Finding the organisation's earlier photos that show the same picture, through
 * the band index (photo_hash_bands, see photo-hash.ts probeKeys): one
 * index-only read of the probed keys, Hamming distance in SQL, then the few
 * hits joined to who uploaded them for which customer. Identical bytes are
 * found by sha256 too, so a photo without a hash (HEIC) still meets its copies.
 *
 *   const similar = await findSimilarPhotos(db, { id, sha256, phash }, UPLOAD_SEARCH_DISTANCE);
 */
import type { Db } from '../db/pool.js';
import { MAX_DUPLICATE_DISTANCE } from '../flow/evidence/thresholds.js';
import type { SimilarPhoto } from '../flow/evidence/types.js';
import { bandKeys, probeKeys } from './photo-hash.js';

/** The nearest few are enough to judge reuse (the rule takes the first that counts). */
export const SIMILAR_KEPT = 5;

/**
 * At upload every earlier photo this close is found and kept with the facts, so the
 * duplicate threshold (a setting, at most this much) can change without recomputing.
 */
export const UPLOAD_SEARCH_DISTANCE = MAX_DUPLICATE_DISTANCE;

export interface HashedPhoto {
  /** The photo's own attachment id: only photos uploaded before it (lower ids) are searched. */
  id: number;
  sha256: string;
  phash: bigint | null;
}

/** Attachment ids within `k` of `phash` among those below `before`, nearest first. */
export async function nearestHashes(db: Db, phash: bigint, k: number, before: number): Promise<Array<{ id: number; distance: number }>> {
  const { rows } = await db.query(
    `SELECT attachment_id AS id, min(d) AS distance
       FROM (SELECT b.attachment_id, bit_count((b.phash # $2::bigint)::bit(64)) AS d
               FROM photo_hash_bands b WHERE b.key = ANY($1::int[]) AND b.attachment_id < $3) c
      WHERE d <= $4 GROUP BY attachment_id ORDER BY min(d), attachment_id DESC LIMIT ${SIMILAR_KEPT}`,
    [probeKeys(phash, k), phash.toString(), before, k],
  );
  return rows.map((r) => ({ id: Number(r.id), distance: Number(r.distance) }));
}

export async function findSimilarPhotos(db: Db, photo: HashedPhoto, k: number): Promise<SimilarPhoto[]> {
  const near = photo.phash === null ? [] : await nearestHashes(db, photo.phash, k, photo.id);
  const { rows } = await db.query(
    `SELECT x.id, x.sha256 = $3 AS same_bytes, x.captured_at, x.created_at, x.action_id, x.uploaded_by, u.name AS user_name,
            cu.id AS customer_id, cu.name AS customer_name
       FROM attachments x JOIN users u ON u.id = x.uploaded_by
       LEFT JOIN actions a ON a.id = x.action_id
       LEFT JOIN customers cu ON cu.id = coalesce(x.customer_id, a.customer_id)
      WHERE x.kind = 'photo' AND x.id < $1 AND (x.id = ANY($2::bigint[]) OR x.sha256 = $3)
      ORDER BY x.id DESC LIMIT ${SIMILAR_KEPT * 2}`,
    [photo.id, near.map((n) => n.id), photo.sha256],
  );
  const distance = new Map(near.map((n) => [n.id, n.distance]));
  return rows
    .map((r): SimilarPhoto => ({
      attachmentId: Number(r.id), distance: r.same_bytes ? 0 : distance.get(Number(r.id)) ?? 64, sameBytes: r.same_bytes,
      capturedAt: r.captured_at, uploadedAt: r.created_at, actionId: r.action_id === null ? null : Number(r.action_id),
      uploadedBy: { id: Number(r.uploaded_by), name: r.user_name },
      customer: r.customer_id === null ? null : { id: Number(r.customer_id), name: r.customer_name },
    }))
    .sort((a, b) => a.distance - b.distance || b.attachmentId - a.attachmentId)
    .slice(0, SIMILAR_KEPT);
}

/** Puts a photo's hash in the index. */
export async function indexPhotoHash(db: Db, attachmentId: number, phash: bigint): Promise<void> {
  await db.query(
    `INSERT INTO photo_hash_bands (key, attachment_id, phash) SELECT k, $2, $3 FROM unnest($1::int[]) k ON CONFLICT DO NOTHING`,
    [bandKeys(phash), attachmentId, phash.toString()],
  );
}
