/**
 * Shapes of the evidence review API: the verdict as getAction shows it, the
 * supervisors' queue (listEvidenceReviews), one review with what a manager
 * needs to judge it, a decision, and a rep's appeal.
 */
import { z } from 'zod';
import { FINDING_CODES } from '../flow/evidence/findings.js';
import { PageQuerySchema } from '../resources/pagination.js';
import { IdParam, OperationalDate } from '../resources/schemas.js';

export const REVIEW_STATUSES = ['none', 'pending', 'accepted', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_STATUS_LABELS: Record<ReviewStatus, string> = {
  none: '无需复核', pending: '待复核', accepted: '复核通过', rejected: '复核不通过',
};
export const VERDICT_LABELS = { trusted: '可信', review: '待复核', rejected: '不可信' } as const;

export const FindingSchema = z.object({
  code: z.enum(FINDING_CODES),
  /** Chinese name of the code, for badges. */
  label: z.string(),
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const AppealSchema = z.object({
  code: z.enum(FINDING_CODES), target: z.string(), text: z.string(), at: z.string(),
});

export const EvidenceReviewSchema = z.object({
  submissionId: z.number(),
  score: z.number(),
  verdict: z.enum(['trusted', 'review', 'rejected']),
  /** '可信' / '待复核' / '不可信'. */
  verdictLabel: z.string(),
  findings: z.array(FindingSchema),
  status: z.enum(REVIEW_STATUSES),
  statusLabel: z.string(),
  /** Counts toward 有效跟进 and the dashboards: trusted, or accepted by a supervisor. */
  counts: z.boolean(),
  decidedBy: z.object({ id: z.number(), name: z.string() }).nullable(),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
  appeals: z.array(AppealSchema),
  version: z.number(),
  createdAt: z.string(),
});
export type EvidenceReviewView = z.infer<typeof EvidenceReviewSchema>;

export const EvidenceReviewItemSchema = EvidenceReviewSchema.extend({
  action: z.object({ id: z.number(), title: z.string() }),
  customer: z.object({ id: z.number(), name: z.string() }),
  rep: z.object({ id: z.number(), name: z.string() }),
});
export type EvidenceReviewItem = z.infer<typeof EvidenceReviewItemSchema>;

export const ListEvidenceReviewsQuery = PageQuerySchema.extend({
  /** 'pending' (the queue, default), 'decided', or 'all' reviews that ever needed one. */
  status: z.enum(['pending', 'decided', 'all']).default('pending'),
  /** Shanghai day the report was filed. */
  day: OperationalDate.optional(),
  userId: IdParam.optional(),
  /** Suspicious first: lowest score first. */
  order: z.enum(['asc', 'desc']).default('asc'),
}).strict();
export type ListEvidenceReviewsInput = z.output<typeof ListEvidenceReviewsQuery>;

export const SubmissionIdParams = z.object({ submissionId: IdParam });

export const DecideEvidenceBodySchema = z.strictObject({
  decision: z.enum(['accept', 'reject']),
  comment: z.string().trim().max(1000, '不能超过1000个字符').optional(),
  expectedVersion: z.number().int().min(1).optional(),
}).refine((b) => b.decision === 'accept' || (b.comment ?? '') !== '', { message: '判定不通过必须填写原因', path: ['comment'] });
export type DecideEvidenceBody = z.output<typeof DecideEvidenceBodySchema>;

export const AppealBodySchema = z.strictObject({
  code: z.enum(FINDING_CODES),
  target: z.string().max(100),
  text: z.string().trim().min(1, '请写下说明').max(500, '不能超过500个字符'),
});
export type AppealBody = z.output<typeof AppealBodySchema>;

const FileSchema = z.object({
  attachmentId: z.number(), tags: z.array(z.string()), kind: z.enum(['photo', 'voice', 'document']),
  capturedAt: z.string().nullable(), uploadedAt: z.string(), url: z.string(),
});

export const CheckInPointSchema = z.object({
  at: z.string(), lat: z.number(), lng: z.number(), coordSystem: z.enum(['wgs84', 'gcj02']), accuracy: z.number().nullable(),
  actionId: z.number(), customer: z.object({ id: z.number(), name: z.string(), lat: z.number().nullable(), lng: z.number().nullable(),
    coordSystem: z.enum(['wgs84', 'gcj02']) }),
  /** This review's own check-in. */
  current: z.boolean(),
});

export const EvidenceReviewDetailSchema = EvidenceReviewItemSchema.extend({
  /** The submission's files, served through this review (the manager may see them). */
  files: z.array(FileSchema),
  /** Earlier files a finding names (reuse), served through this review even when outside the manager's scope. */
  earlierFiles: z.array(FileSchema.extend({ rep: z.object({ id: z.number(), name: z.string() }), customer: z.object({ id: z.number(), name: z.string() }).nullable() })),
  /** The rep's check-ins that Shanghai day, in time order. */
  day: z.string(),
  checkIns: z.array(CheckInPointSchema),
});
export type EvidenceReviewDetail = z.infer<typeof EvidenceReviewDetailSchema>;

