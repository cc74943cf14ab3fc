/**
 * Request and response shapes of the action-flow API, shared by routes (which
 * validate and document them) and services (which receive parsed values).
 */
import { z } from 'zod';
import { EvidenceReviewSchema } from '../evidence-reviews/schemas.js';
import { FINDING_CODES } from '../flow/evidence/findings.js';
import { ACTION_STATUSES } from '../flow/types.js';
import { Id, IdParam, Name, OperationalDate, OperationalDateTime, QueryBool } from '../resources/schemas.js';
import { PageQuerySchema } from '../resources/pagination.js';

const Title = Name;
const Reason = z.string().trim().min(1, '必须填写原因').max(1000, '不能超过1000个字符');
const ExpectedVersion = z.number().int().min(1).optional();

/** Extra evidence a dispatcher asks for, e.g. { tag: '竞品陈列照片', min: 1, kind: 'photo' }. */
export const RequirementSchema = z.strictObject({
  tag: z.string().trim().min(1).max(50).meta({ title: '材料名称' }),
  min: z.number().int().min(1).max(20).default(1).meta({ title: '至少', unit: '份' }),
  kind: z.enum(['photo', 'voice', 'document']).optional().meta({ title: '类型', labels: { photo: '照片', voice: '语音', document: '文件' } }),
});
export type Requirement = z.output<typeof RequirementSchema>;

export const DispatchActionSchema = z.strictObject({
  definitionCode: z.string().min(1).max(50),
  customerId: Id,
  opportunityId: Id.optional(),
  /** Omitted: the caller (a rep creating their own action). */
  assigneeId: Id.optional(),
  title: Title.optional(),
  requirements: z.array(RequirementSchema).max(20).optional(),
  dueWorkingDays: z.number().int().min(0).max(120).optional(),
});
export type DispatchActionInput = z.output<typeof DispatchActionSchema>;

export const DownstreamActionSchema = DispatchActionSchema.omit({ customerId: true, opportunityId: true }).strict();
export type DownstreamActionInput = z.output<typeof DownstreamActionSchema>;

export const ActionSchema = z.object({
  id: z.number(),
  definitionCode: z.string(),
  definitionVersion: z.number(),
  definitionName: z.string(),
  title: z.string(),
  customerId: z.number(),
  customerName: z.string(),
  opportunityId: z.number().nullable(),
  assigneeId: z.number(),
  assigneeName: z.string(),
  assignerId: z.number().nullable(),
  departmentId: z.number().nullable(),
  processInstanceId: z.number().nullable(),
  nodeKey: z.string().nullable(),
  parentActionId: z.number().nullable(),
  status: z.enum(ACTION_STATUSES),
  /** '已提交（仅电话完成）' for a phone-only completion, else the status label. */
  statusLabel: z.string(),
  overdue: z.boolean(),
  requirements: z.array(RequirementSchema),
  dueAt: z.string().nullable(),
  completionMode: z.enum(['evidence', 'phone_only']).nullable(),
  completionNote: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
});
export type ActionView = z.infer<typeof ActionSchema>;

export const ListActionsQuery = PageQuerySchema.extend({
  status: z.string().max(200).optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.enum(ACTION_STATUSES)).optional()),
  assigneeId: IdParam.optional(),
  customerId: IdParam.optional(),
  definitionCode: z.string().max(50).optional(),
  overdue: QueryBool.optional(),
  /** Words in the title or the customer's name. */
  q: z.string().trim().max(100).optional(),
  /** Last changed on or after this Shanghai day (submitted, verified, returned…). */
  from: OperationalDate.optional(),
  /** Last changed on or before this Shanghai day. */
  to: OperationalDate.optional(),
  sort: z.enum(['id', 'dueAt', 'updatedAt']).default('id'),
}).strict();
export type ListActionsQueryInput = z.output<typeof ListActionsQuery>;

const FailureSchema = z.object({
  code: z.string(), rule: z.string(), ruleId: z.string().optional(), message: z.string(), target: z.string(),
  severity: z.enum(['error', 'warning']), details: z.record(z.string(), z.unknown()).optional(),
});

export const ChecklistItemSchema = z.object({
  ruleId: z.string().nullable(),
  kind: z.string(),
  label: z.string(),
  satisfied: z.boolean(),
  missing: z.array(FailureSchema),
});

export const ActionDetailSchema = z.object({
  action: ActionSchema,
  /** The definition's rules plus the dispatcher's requirements, checked against the saved draft. */
  checklist: z.array(ChecklistItemSchema),
  draft: z.record(z.string(), z.unknown()).nullable(),
  /** When the bot files the saved draft by itself (setting bot.auto-submit), or null; any change to the draft cancels it. */
  draftSubmitAt: z.string().nullable(),
  /** The trust verdict of the latest submission and its review; null before the first one. */
  evidence: EvidenceReviewSchema.nullable(),
  lastSubmission: z.object({
    id: z.number(), kind: z.enum(['visit_report', 'phone_only']), outcome: z.enum(['accepted', 'rejected']), failures: z.array(FailureSchema), at: z.string(),
    /** What was filed: fields, attachmentIds + attachments (kind, tags, capturedAt), checkIn, transcript, linkedOrderIds, checklist; or the phone note. */
    payload: z.record(z.string(), z.unknown()),
  }).nullable(),
  events: z.array(z.object({
    id: z.number(), at: z.string(), type: z.string(), actorId: z.number().nullable(), actorName: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })),
});

export const TransitionBodySchema = z.strictObject({ expectedVersion: ExpectedVersion });
export const VerifyBodySchema = z.strictObject({ comment: z.string().trim().max(1000).optional(), expectedVersion: ExpectedVersion });
export const RejectBodySchema = z.strictObject({ reason: Reason, expectedVersion: ExpectedVersion });
export const PhoneOnlyBodySchema = z.strictObject({ note: Reason, expectedVersion: ExpectedVersion });
export const ReopenBodySchema = z.strictObject({
  reason: Reason,
  /** A new deadline (must be later than now); without it the old one stands, and a passed one makes the action overdue again. */
  dueAt: OperationalDateTime.optional(),
  expectedVersion: ExpectedVersion,
});
export type ReopenBodyInput = z.output<typeof ReopenBodySchema>;
export const ReassignBodySchema = z.strictObject({
  /** The new assignee: an active rep in the caller's scope (users.id, as `assigneeId` elsewhere). */
  toUserId: Id,
  reason: z.string().trim().max(1000, '不能超过1000个字符').optional(),
  expectedVersion: ExpectedVersion,
});
export type ReassignBodyInput = z.output<typeof ReassignBodySchema>;

export const SUPERVISOR_TODO_KINDS = ['submission_rejected', 'verify_submission', 'handle_escalation'] as const;

export const ListSupervisorTodosQuery = PageQuerySchema.extend({
  status: z.enum(['open', 'done']).default('open'),
  day: OperationalDate.optional(),
  kind: z.enum(SUPERVISOR_TODO_KINDS).optional(),
  sort: z.enum(['id', 'day']).default('id'),
}).strict();
export type ListSupervisorTodosQueryInput = z.output<typeof ListSupervisorTodosQuery>;

export const SupervisorTodoSchema = z.object({
  id: z.number(),
  kind: z.enum(SUPERVISOR_TODO_KINDS),
  /** '提交未通过' / '待核验' / '逾期督办'. */
  kindLabel: z.string(),
  /** The Shanghai calendar day the to-do belongs to (YYYY-MM-DD). */
  day: z.string(),
  /** How many times its cause happened that day (e.g. rejected submissions). */
  attempts: z.number(),
  /** The rule failures of the last rejected attempt, in Chinese. */
  failures: z.array(z.object({ code: z.string(), message: z.string() })),
  status: z.enum(['open', 'done']),
  doneAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  action: z.object({ id: z.number(), title: z.string(), status: z.enum(ACTION_STATUSES), statusLabel: z.string() }),
  customerName: z.string(),
  assigneeName: z.string(),
  /** Path of the action in the H5 app, e.g. '/actions/42'. */
  link: z.string(),
});
export type SupervisorTodoView = z.infer<typeof SupervisorTodoSchema>;

export const CheckInSchema = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  coordSystem: z.enum(['wgs84', 'gcj02']),
  at: OperationalDateTime,
  /** Metres, as the phone declared it (shown as declared; the geofence does not rely on it). */
  accuracy: z.number().min(0).max(100_000).nullable().optional(),
});

const ReportFields = z.record(z.string().max(50), z.unknown())
  .refine((o) => Object.keys(o).length <= 50, '字段不能超过50项');

export const VisitReportSchema = z.strictObject({
  fields: ReportFields.default({}),
  attachmentIds: z.array(Id).max(50).default([]),
  checkIn: CheckInSchema.optional(),
  transcript: z.string().max(20_000).optional(),
  /** Who wrote the transcript: WeCom's translateVoice ('wecom'), the bot's recognition ('bot'), or the rep ('typed', the default: 手工填写). */
  transcriptSource: z.enum(['wecom', 'bot', 'typed']).optional(),
  /** When the phone's offline queue took the report (declared), so a late arrival is not read as a stale check-in. */
  queuedAt: OperationalDateTime.optional(),
  linkedOrderIds: z.array(Id).max(50).default([]),
  checklist: z.record(z.string().max(50), z.boolean()).optional(),
  visitWindow: z.strictObject({ start: OperationalDateTime, end: OperationalDateTime }).optional(),
  expectedVersion: ExpectedVersion,
});
export type VisitReportInput = z.output<typeof VisitReportSchema>;

/** A draft is any part of a report; nothing is checked until it is submitted. */
export const VisitDraftSchema = VisitReportSchema.partial().strict();
export type VisitDraftInput = z.output<typeof VisitDraftSchema>;

export const EvidenceFindingSchema = z.object({
  code: z.enum(FINDING_CODES), rule: z.string(), severity: z.enum(['error', 'warning']), message: z.string(), target: z.string(),
  details: z.record(z.string(), z.unknown()),
});

/** The trust verdict of a submission (core/flow/evidence/verdict.ts): score 0–100, trusted / review / rejected, and why. */
export const EvidenceVerdictSchema = z.object({
  score: z.number().int().min(0).max(100),
  verdict: z.enum(['trusted', 'review', 'rejected']),
  findings: z.array(EvidenceFindingSchema),
});

export const SubmissionResultSchema = z.object({
  action: ActionSchema,
  submissionId: z.number(),
  /** Warnings never block (e.g. a photo without EXIF time); errors come back as 422 VISIT_REPORT_REJECTED. */
  warnings: z.array(FailureSchema),
  evidence: EvidenceVerdictSchema,
});

export const DraftSchema = z.object({ actionId: z.number(), payload: z.record(z.string(), z.unknown()), updatedAt: z.string() });

export const FollowUpChannel = z.enum(['visit', 'phone', 'wechat', 'meeting', 'email', 'other']);

export const SubmitFollowUpSchema = z.strictObject({
  customerId: Id,
  actionId: Id.optional(),
  channel: FollowUpChannel,
  summary: z.string().trim().max(5000).default(''),
  actionItems: z.array(z.strictObject({ text: z.string().trim().max(500), dueDate: OperationalDate.or(OperationalDateTime).optional() })).max(20).default([]),
  /** Business documents produced by this follow-up (uploaded attachments of kind 'document'). */
  newDocumentIds: z.array(Id).max(50).default([]),
  /** Documents produced but not uploaded (counted as declared). */
  newDocuments: z.number().int().min(0).max(50).default(0),
  attachmentIds: z.array(Id).max(50).default([]),
  decisionChainUpdated: z.boolean().default(false),
  /** The customer's contacts this follow-up was with (对接人): measured 对接频次 counts them. */
  contactIds: z.array(Id).max(20).default([]),
  contactUpdates: z.array(z.strictObject({
    contactId: Id.optional(), name: z.string().trim().min(1).max(100), role: z.string().trim().max(50).optional(),
  })).max(20).default([]),
});
export type SubmitFollowUpInput = z.output<typeof SubmitFollowUpSchema>;

export const FollowUpResultSchema = z.object({
  id: z.number(),
  customerId: z.number(),
  actionId: z.number().nullable(),
  channel: FollowUpChannel,
  effective: z.boolean(),
  /** Chinese: why it counts, or everything it lacks. */
  reasons: z.array(z.string()),
  unmet: z.array(z.string()),
  pseudo: z.boolean(),
  /** The 客户痛点 topics the 小结 names, in its words or the phrasings of 痛点话题的说法. */
  painPoints: z.array(z.string()),
  at: z.string(),
  customer: z.object({ lastFollowupAt: z.string().nullable(), lastEffectiveFollowupAt: z.string().nullable() }),
});

export const FollowUpStatsQuery = z.object({
  from: OperationalDate.optional(),
  to: OperationalDate.optional(),
  userId: IdParam.optional(),
}).strict();

const StatsLine = z.object({ total: z.number(), effective: z.number(), ratio: z.number().nullable(), pseudo: z.number() });
export const FollowUpStatsSchema = StatsLine.extend({
  from: z.string(), to: z.string(),
  byUser: z.array(StatsLine.extend({ userId: z.number(), name: z.string() })),
});

export const InstantiateProcessSchema = z.strictObject({
  templateCode: z.string().min(1).max(50),
  customerId: Id,
  opportunityId: Id.optional(),
  assigneeId: Id.optional(),
});
export type InstantiateProcessInput = z.output<typeof InstantiateProcessSchema>;

export const ProcessInstanceSchema = z.object({
  id: z.number(),
  templateCode: z.string(),
  templateVersion: z.number(),
  customerId: z.number(),
  opportunityId: z.number().nullable(),
  actions: z.array(z.object({
    id: z.number(), nodeKey: z.string(), title: z.string(), definitionCode: z.string(), assigneeId: z.number(), dueAt: z.string(),
    escalationSteps: z.array(z.object({
      step: z.number(), dueAt: z.string(), notify: z.array(z.string()), cc: z.array(z.string()),
      recipients: z.array(z.object({ role: z.string(), userId: z.number(), name: z.string() })),
    })),
  })),
});
