/**
 * 返单超期: a repeat customer whose usual reorder interval (the median gap
 * between their orders) has been exceeded by the factor. One alert per
 * customer and last order; a new order resolves it.
 */
import type { z } from 'zod';
import { chineseDay, shanghaiDay, type AlertDraft } from './alert-draft.js';
import type { ReorderOverdueParamsSchema } from './fulfilment-params.js';

export interface ReorderOverdueCandidate {
  customerId: number;
  customerName: string;
  ownerName: string | null;
  orders: number;
  lastOrderAt: Date;
  /** Median days between consecutive orders. */
  usualDays: number;
  daysSince: number;
}

export function reorderOverdue(c: ReorderOverdueCandidate, p: z.output<typeof ReorderOverdueParamsSchema>): AlertDraft {
  const usual = Math.round(c.usualDays);
  return {
    dedupeKey: `reorder_overdue:${c.customerId}:${shanghaiDay(c.lastOrderAt)}`, subjectType: 'customer', subjectId: c.customerId,
    severity: c.daysSince >= 2 * c.usualDays * p.factor ? 'critical' : 'warning',
    title: `老客户「${c.customerName}」${c.daysSince}天未返单（平时约${usual}天一单）`,
    summary: `上次下单 ${chineseDay(c.lastOrderAt)}，共${c.orders}单；业务员：${c.ownerName ?? '未分配'}（规则：超过平时间隔的${p.factor}倍）`,
    windowStart: c.lastOrderAt,
    data: {
      customer: { id: c.customerId, name: c.customerName }, usualDays: usual, daysSince: c.daysSince, factor: p.factor,
      facts: [
        { label: '上次下单', value: chineseDay(c.lastOrderAt) },
        { label: '平时间隔', value: `约${usual}天（${c.orders}单）` },
        { label: '已过', value: `${c.daysSince}天` },
      ],
    },
  };
}
