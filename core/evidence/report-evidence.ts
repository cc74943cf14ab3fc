/**
 * The evidence part of a report's facts, read in the same single query as
 * the rest (core/actions/visit-facts.ts): each attachment's stored facts, and
 * the check-in history checkin.plausible holds the report's check-in against —
 * the rep's nearest other check-ins in time, anyone's at the very same
 * coordinates, and the rep's latest declared accuracies.
 *
 *   const cols = evidenceColumns(st, { checkIn, repId, actionExpr: 'a.id' });
 *   const ctx = evidenceContextOf(row, { repId, actionId, thresholds });
 */
import type { Sql } from '../db/sql.js';
import type { EvidenceThresholds } from '../flow/evidence/thresholds.js';
import type { CheckInHistory, EvidenceContext, PastCheckIn, VoiceEvidence } from '../flow/evidence/types.js';
import type { PhotoEvidence } from '../flow/evidence/types.js';
import { photoEvidenceOf } from './photo-evidence.js';
import { voiceEvidenceOf } from './voice-evidence.js';

export interface EvidenceQuery {
  checkIn?: { lat: number; lng: number; at: string | Date };
  repId: number;
  /** SQL for the action's id (a param or a column); its own earlier attempts are not history. */
  actionExpr: string;
}

/** How many declared accuracies in a row the mock-location check may look at. */
const ACCURACIES_KEPT = 100;

// the customer's name by its key, row by row: a join here let a prepared statement's generic plan
// hash-join every customer (a full scan of the table per list, two per submission)
const pastCheckInJson = (k: string) => `jsonb_build_object('at', ${k}.at, 'lat', ${k}.lat, 'lng', ${k}.lng,
  'coordSystem', ${k}.coord_system, 'accuracy', ${k}.accuracy, 'customerId', ${k}.customer_id,
  'customerName', (SELECT kc.name FROM customers kc WHERE kc.id = ${k}.customer_id), 'actionId', ${k}.action_id)`;

/** Columns f_checkins_near, f_checkins_spot, f_accuracies (NULL without a check-in). */
export function evidenceColumns(st: Sql, q: EvidenceQuery): string {
  // the action expression is read either way, so a parameter behind it always has a type
  if (!q.checkIn) return `NULL::jsonb AS f_checkins_near, NULL::jsonb AS f_checkins_spot, NULL::float8[] AS f_accuracies, (${q.actionExpr})::bigint AS f_action_id`;
  const rep = st.param(q.repId);
  const at = `${st.param(new Date(q.checkIn.at))}::timestamptz`;
  const lat = st.param(q.checkIn.lat);
  const lng = st.param(q.checkIn.lng);
  const other = `k.user_id = ${rep} AND k.action_id <> ${q.actionExpr}`;
  return `
    (SELECT coalesce(jsonb_agg(${pastCheckInJson('n')}), '[]') FROM (
       (SELECT * FROM checkins k WHERE ${other} AND k.at <= ${at} AND k.at > ${at} - interval '1 day' ORDER BY k.at DESC LIMIT 2)
       UNION ALL
       (SELECT * FROM checkins k WHERE ${other} AND k.at > ${at} AND k.at < ${at} + interval '1 day' ORDER BY k.at ASC LIMIT 2)
     ) n) AS f_checkins_near,
    (SELECT coalesce(jsonb_agg(${pastCheckInJson('s')} || jsonb_build_object('userName', s.user_name, 'sameUser', s.user_id = ${rep})), '[]')
       FROM (SELECT k.*, u.name AS user_name FROM checkins k JOIN users u ON u.id = k.user_id
              WHERE round(k.lat::numeric, 6) = round(${lat}::float8::numeric, 6) AND round(k.lng::numeric, 6) = round(${lng}::float8::numeric, 6)
                AND k.action_id <> ${q.actionExpr}
              ORDER BY k.at DESC LIMIT 3) s) AS f_checkins_spot,
    ARRAY(SELECT k.accuracy FROM checkins k WHERE ${other} ORDER BY k.at DESC LIMIT ${ACCURACIES_KEPT}) AS f_accuracies,
    (${q.actionExpr})::bigint AS f_action_id`;
}

function pastCheckIn(j: any): PastCheckIn {
  return {
    at: new Date(j.at), lat: j.lat, lng: j.lng, coordSystem: j.coordSystem, accuracy: j.accuracy ?? null,
    customer: { id: Number(j.customerId), name: j.customerName }, actionId: Number(j.actionId),
  };
}

export function checkInHistoryOf(r: { f_checkins_near?: any[] | null; f_checkins_spot?: any[] | null; f_accuracies?: Array<number | null> | null }): CheckInHistory {
  return {
    nearest: (r.f_checkins_near ?? []).map(pastCheckIn),
    sameSpot: (r.f_checkins_spot ?? []).map((j) => ({ ...pastCheckIn(j), userName: j.userName, sameUser: !!j.sameUser })),
    recentAccuracies: r.f_accuracies ?? [],
  };
}

export function evidenceContextOf(
  r: Parameters<typeof checkInHistoryOf>[0], c: { repId: number; actionId: number | null; thresholds: EvidenceThresholds },
): EvidenceContext {
  return { thresholds: c.thresholds, repId: c.repId, actionId: c.actionId, checkIns: checkInHistoryOf(r) };
}

/** SQL for the jsonb fields an attachment object gets in f_attachments, given the attachment `x` and its evidence row `ev`. */
export const ATTACHMENT_EVIDENCE_FIELDS = (x: string, ev: string) => `'evidence', ${ev}.facts, 'uploadedAt', ${x}.created_at`;

/** An attachment's stored facts as core/flow's photo/voice evidence. */
export function attachmentEvidenceOf(j: { evidence?: unknown; uploadedAt?: string | Date }): { photo?: PhotoEvidence; voice?: VoiceEvidence } {
  if (!j.evidence || !j.uploadedAt) return {};
  const photo = photoEvidenceOf(j.evidence, j.uploadedAt);
  if (photo) return { photo };
  const voice = voiceEvidenceOf(j.evidence, j.uploadedAt);
  return voice ? { voice } : {};
}
