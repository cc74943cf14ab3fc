/**
 * 'photo.unique': a photo must not be a picture used before. At upload the
 * server finds the organisation's earlier photos whose perceptual hashes lie
 * within the search radius (core/evidence); this rule decides which of those
 * near-duplicates (Hamming distance ≤ k, the evidence threshold
 * duplicateMaxDistance, `maxDistance` overrides it) are reuse:
 *   - identical bytes: always;
 *   - another rep's photo, or a photo of another customer;
 *   - this photo has no capture time, or exactly the earlier one's.
 * The same rep photographing the same storefront again with a fresh capture
 * time is an honest repeat visit, not reuse; and the rep's own other uploads
 * for this very action, not in this report, are the same visit.
 */
import { z } from 'zod';
import { describeEarlier, earlierDetails, photoName, photosOf, targetOf } from '../evidence/files.js';
import { MAX_DUPLICATE_DISTANCE, thresholdsOf } from '../evidence/thresholds.js';
import type { SimilarPhoto } from '../evidence/types.js';
import type { ReportAttachment, RuleFailure, VisitFacts } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({
  tags: z.array(z.string().min(1)).min(1).optional().meta({ title: '照片标签' }),
  maxDistance: z.number().int().min(0).max(MAX_DUPLICATE_DISTANCE).optional().meta({ title: '重复判定阈值', unit: '位' }),
});

const RULE = 'photo.unique';
const SAME_INSTANT_MS = 1000;

type Why = 'same_bytes' | 'other_rep' | 'other_customer' | 'no_capture_time' | 'same_capture_time';

function reuseReason(a: ReportAttachment, e: SimilarPhoto, facts: VisitFacts): Why | null {
  const ctx = facts.evidence;
  const inReport = facts.report.attachments.some((x) => x.id === e.attachmentId);
  const sameRep = ctx ? e.uploadedBy.id === ctx.repId : true;
  if (!inReport && sameRep && ctx?.actionId != null && e.actionId === ctx.actionId) return null;
  if (e.sameBytes) return 'same_bytes';
  if (!sameRep) return 'other_rep';
  if (e.customer && e.customer.id !== facts.customer.id) return 'other_customer';
  if (!a.capturedAt) return 'no_capture_time';
  if (e.capturedAt && Math.abs(e.capturedAt.getTime() - a.capturedAt.getTime()) < SAME_INSTANT_MS) return 'same_capture_time';
  return null;
}

const WHY_TEXT: Record<Why, string> = {
  same_bytes: '文件完全相同',
  other_rep: '来自其他同事',
  other_customer: '拍的是其他客户',
  no_capture_time: '本张没有拍摄时间',
  same_capture_time: '拍摄时间完全相同',
};

function reused(a: ReportAttachment, e: SimilarPhoto, why: Why): RuleFailure {
  return failure(RULE, {
    code: 'PHOTO_REUSED',
    target: targetOf(a),
    message: `「${photoName(a)}」与${describeEarlier(e)}的照片是同一张（${WHY_TEXT[why]}），请在本次拜访现场重新拍摄。`,
    details: { attachmentId: a.id, reason: why, distance: e.distance, sameBytes: e.sameBytes, earlier: earlierDetails(e) },
  });
}

export const photoUniqueRule = defineGateRule({
  kind: RULE,
  label: '照片不重复',
  schema,
  defaultMode: 'review',
  check(facts, p) {
    const k = p.maxDistance ?? thresholdsOf(facts).duplicateMaxDistance;
    const out: RuleFailure[] = [];
    for (const a of photosOf(facts, p.tags)) {
      for (const e of a.photo?.similar ?? []) {
        if (e.distance > k) continue;
        const why = reuseReason(a, e, facts);
        if (why) {
          out.push(reused(a, e, why));
          break;
        }
      }
    }
    return out;
  },
});
