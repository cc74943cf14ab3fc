/** zod shapes of the alert center's API (request and response), shared by the route and the H5 app. */
import { z } from 'zod';
import { PageQuerySchema } from '../resources/pagination.js';

export const AlertStatusSchema = z.enum(['open', 'acknowledged', 'resolved']);

export const ListAlertsQuery = PageQuerySchema.extend({
  /** 'unresolved' = open or acknowledged. */
  status: z.enum(['open', 'acknowledged', 'resolved', 'unresolved']).optional(),
  rule: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, '规则编码只能包含小写字母、数字和下划线').optional(),
});
export type ListAlertsQueryInput = z.output<typeof ListAlertsQuery>;

export const AcknowledgeAlertBody = z.strictObject({}).optional();
export const ResolveAlertBody = z.strictObject({
  note: z.string().trim().min(2, '请填写处理说明（至少2个字）').max(500, '处理说明不能超过500个字'),
});

export const ByLinkQuery = z.object({
  sig: z.string().min(1, '缺少签名').max(200, '签名无效'),
});

const Person = z.object({ id: z.number(), name: z.string() }).nullable();

export const AlertSummarySchema = z.object({
  id: z.number(),
  rule: z.string(),
  ruleLabel: z.string(),
  status: AlertStatusSchema,
  statusLabel: z.string(),
  severity: z.enum(['warning', 'critical']),
  title: z.string(),
  summary: z.string(),
  subject: z.object({ type: z.enum(['customer', 'user', 'action']), id: z.number() }),
  owner: Person,
  openedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: Person,
  resolvedAt: z.string().nullable(),
  /** null with resolvedAt set: resolved by the system (e.g. an effective follow-up arrived). */
  resolvedBy: Person,
  resolutionNote: z.string().nullable(),
  /** The caller got this alert (a card or, for a rep, a record of it). */
  isRecipient: z.boolean(),
  /** The caller may 认领 / 处理 it. */
  canHandle: z.boolean(),
});

export const AlertDetailSchema = AlertSummarySchema.extend({
  /** What happened, why, since when, the customer / rep / opportunities (rule-specific). */
  data: z.record(z.string(), z.unknown()),
  recipients: z.array(z.object({
    userId: z.number(),
    name: z.string(),
    role: z.string(),
    roleLabel: z.string(),
    delivery: z.object({
      outboxId: z.number().nullable(),
      status: z.string().nullable(),
      statusLabel: z.string(),
      sentAt: z.string().nullable(),
      error: z.string().nullable(),
    }),
  })),
  history: z.array(z.object({
    type: z.enum(['opened', 'acknowledged', 'resolved', 'card_clicked']),
    label: z.string(),
    at: z.string(),
    by: Person,
    via: z.string().nullable(),
    note: z.string().nullable(),
  })),
  durations: z.object({
    /** Minutes from opening to 认领 / to 处理; open = still running. */
    toAcknowledgeMinutes: z.number().nullable(),
    toResolveMinutes: z.number().nullable(),
    openMinutes: z.number(),
  }),
  /** Who handled it and when, in one Chinese sentence ('已由 李明 于 … 处理'); null while open. */
  handledNote: z.string().nullable(),
});

export type AlertSummary = z.infer<typeof AlertSummarySchema>;
export type AlertDetail = z.infer<typeof AlertDetailSchema>;
