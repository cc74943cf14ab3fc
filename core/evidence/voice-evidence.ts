/**
 * A voice memo's evidence facts: its duration read from the file and what
 * the speech analysis found (speech time, audio landmarks), recorded at
 * upload beside the attachment with the earlier memos that are the same
 * recording; read back as core/flow's VoiceEvidence.
 *
 *   const facts = await recordVoiceEvidence(tx, { id, createdAt }, { durationMs, speech });
 */
import type { Db } from '../db/pool.js';
import type { SimilarMemo, VoiceEvidence } from '../flow/evidence/types.js';
import { landmarkSimilarity, type SpeechAnalysis } from './analyse-speech.js';

/** Bumped when the analysis changes; the backfill job recomputes rows of older versions. */
export const VOICE_ANALYSIS_VERSION = 1;

/** Share of landmarks aligned at one offset from which two memos are one recording (re-encoded copies: ~0.3; different speech: < 0.15). */
export const SAME_RECORDING = 0.2;
/** Candidates compared in full: the earlier memos sharing the most landmark hashes. */
const CANDIDATES = 5;

export type StoredVoiceFacts = Omit<VoiceEvidence, 'similar'> & {
  kind: 'voice';
  similar: Array<Omit<SimilarMemo, 'uploadedAt'> & { uploadedAt: string }>;
};

/** Earlier memos that are the same recording as `landmarks`, most similar first. */
export async function findSameRecordings(db: Db, id: number, landmarks: ReadonlyArray<[number, number]>): Promise<SimilarMemo[]> {
  if (landmarks.length === 0) return [];
  const { rows: candidates } = await db.query(
    `SELECT attachment_id FROM voice_prints WHERE value = ANY($1::int[]) AND attachment_id < $2
      GROUP BY attachment_id ORDER BY count(*) DESC LIMIT ${CANDIDATES}`,
    [[...new Set(landmarks.map(([h]) => h))], id]);
  if (candidates.length === 0) return [];
  const { rows } = await db.query(
    `SELECT p.attachment_id, array_agg(p.value ORDER BY p.t) AS hs, array_agg(p.t ORDER BY p.t) AS ts
       FROM voice_prints p WHERE p.attachment_id = ANY($1::bigint[]) GROUP BY p.attachment_id`,
    [candidates.map((c) => c.attachment_id)]);
  const same = rows
    .map((r) => ({ id: Number(r.attachment_id), similarity: landmarkSimilarity(landmarks, (r.hs as number[]).map((h, i) => [h, r.ts[i]])) }))
    .filter((x) => x.similarity >= SAME_RECORDING);
  if (same.length === 0) return [];
  const { rows: who } = await db.query(
    `SELECT x.id, x.created_at, x.action_id, x.uploaded_by, u.name AS user_name, cu.id AS customer_id, cu.name AS customer_name
       FROM attachments x JOIN users u ON u.id = x.uploaded_by
       LEFT JOIN actions a ON a.id = x.action_id LEFT JOIN customers cu ON cu.id = coalesce(x.customer_id, a.customer_id)
      WHERE x.id = ANY($1::bigint[])`, [same.map((s) => s.id)]);
  const byId = new Map(who.map((w) => [Number(w.id), w]));
  return same.filter((s) => byId.has(s.id)).sort((a, b) => b.similarity - a.similarity).map((s) => {
    const w = byId.get(s.id);
    return {
      attachmentId: s.id, similarity: Math.round(s.similarity * 1000) / 1000, uploadedAt: w.created_at,
      actionId: w.action_id === null ? null : Number(w.action_id), uploadedBy: { id: Number(w.uploaded_by), name: w.user_name },
      customer: w.customer_id === null ? null : { id: Number(w.customer_id), name: w.customer_name },
    };
  });
}

export async function recordVoiceEvidence(
  db: Db, a: { id: number; createdAt: Date }, heard: { durationMs: number; speech: SpeechAnalysis },
): Promise<VoiceEvidence> {
  const similar = await findSameRecordings(db, a.id, heard.speech.landmarks);
  const facts: StoredVoiceFacts = {
    kind: 'voice', durationMs: heard.durationMs, speechMs: heard.speech.speechMs,
    similar: similar.map((s) => ({ ...s, uploadedAt: s.uploadedAt.toISOString() })),
  };
  await db.query(
    `INSERT INTO attachment_evidence (attachment_id, version, facts) VALUES ($1, $2, $3)
     ON CONFLICT (attachment_id) DO UPDATE SET version = EXCLUDED.version, facts = EXCLUDED.facts, analysed_at = now()`,
    [a.id, VOICE_ANALYSIS_VERSION, JSON.stringify(facts)]);
  await db.query('DELETE FROM voice_prints WHERE attachment_id = $1', [a.id]); // a re-analysis replaces them
  // silence has no speech to recognise: only memos with some keep their landmarks
  if (heard.speech.speechMs > 0 && heard.speech.landmarks.length > 0) {
    await db.query(
      `INSERT INTO voice_prints (value, t, attachment_id) SELECT v, t, $3 FROM unnest($1::int[], $2::int[]) AS x(v, t)`,
      [heard.speech.landmarks.map(([h]) => h), heard.speech.landmarks.map(([, t]) => t), a.id]);
  }
  return voiceEvidenceOf(facts, a.createdAt)!;
}

/** A memo the backfill could not decode (or whose file is gone): facts that say why, which no rule reads as a memo's. */
export async function recordUnreadableVoice(db: Db, id: number, reason: string): Promise<void> {
  await db.query(
    `INSERT INTO attachment_evidence (attachment_id, version, facts) VALUES ($1, $2, $3)
     ON CONFLICT (attachment_id) DO UPDATE SET version = EXCLUDED.version, facts = EXCLUDED.facts, analysed_at = now()`,
    [id, VOICE_ANALYSIS_VERSION, JSON.stringify({ kind: 'voice_unreadable', unreadable: reason })]);
}

export function voiceEvidenceOf(facts: unknown, _uploadedAt: Date | string): VoiceEvidence | null {
  const f = facts as StoredVoiceFacts | null;
  if (!f || f.kind !== 'voice') return null;
  const { kind: _kind, similar, ...rest } = f;
  return { ...rest, similar: similar.map((s) => ({ ...s, uploadedAt: new Date(s.uploadedAt) })) };
}
