/**
 * 首单延迟发货: a newly signed customer's first order not shipped N days
 * after signing — the pain of 8 of 14 new stores on day 17. One alert per
 * customer; critical once twice as late. Resolved when the order ships.
 */
import { FirstOrderLateParamsSchema } from './fulfilment-params.js';
import { defineAlertRule } from './alert-rule.js';
import { chineseDay, daysBetween, routing, storedFacts, type CustomerCandidate } from './customer-candidate.js';

export interface FirstOrderLateCandidate extends CustomerCandidate {
  signedAt: Date;
  /** null: no order placed yet. */
  orderId: number | null;
  orderNo: string | null;
  orderedAt: Date | null;
}

export const firstOrderLateRule = defineAlertRule({
  kind: 'first_order_late',
  label: '首单延迟发货',
  schema: FirstOrderLateParamsSchema,
  check({ row: c, now }: { row: FirstOrderLateCandidate; now: Date }, p) {
    const days = daysBetween(c.signedAt, now);
    if (days < p.days || days > p.signedWithinDays) return null;
    const what = c.orderNo ? `首单 ${c.orderNo} 签约${days}天仍未发货` : `签约${days}天仍没有首单`;
    return {
      dedupeKey: `first_order_late:${c.customerId}`, subject: { type: 'customer', id: c.customerId }, ...routing(c),
      severity: days >= 2 * p.days ? 'critical' : 'warning',
      title: `新客户「${c.customerName}」${what}`,
      summary: `签约日 ${chineseDay(c.signedAt)}；业务员：${c.ownerName ?? '未分配'}（规则：签约后${p.days}天内首单应发货）`,
      windowStart: c.signedAt,
      data: {
        customer: { id: c.customerId, name: c.customerName }, orderId: c.orderId, daysSinceSigning: days, thresholdDays: p.days,
        facts: [
          { label: '签约日', value: chineseDay(c.signedAt) },
          { label: '首单', value: c.orderNo ? `${c.orderNo}（${chineseDay(c.orderedAt!)}下单，未发货）` : '尚未下单' },
          { label: '已过', value: `${days}天（规则${p.days}天）` },
        ],
      },
    };
  },
  /** 签约日 / 首单 / 已过. */
  cardFacts: storedFacts,
});
