/**
 * 返单超期: a repeat customer whose usual reorder interval (the median gap
 * between their orders) has been exceeded by the factor. One alert per
 * customer and last order; a new order resolves it.
 */
import { DAY_MS, shanghaiDate } from '../../flow/time.js';
import { defineAlertRule } from './alert-rule.js';
import { chineseDay, routing, storedFacts, type CustomerCandidate } from './customer-candidate.js';
import { ReorderOverdueParamsSchema } from './fulfilment-params.js';

export interface ReorderOverdueCandidate extends CustomerCandidate {
  orders: number;
  lastOrderAt: Date;
  /** Median days between consecutive orders. */
  usualDays: number;
  daysSince: number;
}

export const reorderOverdueRule = defineAlertRule({
  kind: 'reorder_overdue',
  label: '返单超期',
  schema: ReorderOverdueParamsSchema,
  check({ row: c, now }: { row: ReorderOverdueCandidate; now: Date }, p) {
    const elapsed = (now.getTime() - c.lastOrderAt.getTime()) / DAY_MS;
    if (c.orders < p.minOrders || elapsed <= c.usualDays * p.factor || elapsed <= c.usualDays + p.minDaysLate) return null;
    const usual = Math.round(c.usualDays);
    return {
      dedupeKey: `reorder_overdue:${c.customerId}:${shanghaiDate(c.lastOrderAt)}`, subject: { type: 'customer', id: c.customerId }, ...routing(c),
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
  },
  /** 上次下单 / 平时间隔 / 已过. */
  cardFacts: storedFacts,
});
