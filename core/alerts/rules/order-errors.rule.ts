/**
 * 订单错漏: an order whose lines changed after confirmation, came back
 * (returns), or shipped a quantity other than ordered. One alert per order.
 */
import { defineAlertRule } from './alert-rule.js';
import { chineseDay, routing, storedFacts, type CustomerCandidate } from './customer-candidate.js';
import { OrderErrorsParamsSchema } from './fulfilment-params.js';

export interface OrderErrorCandidate extends CustomerCandidate {
  orderId: number;
  orderNo: string;
  confirmedAt: Date;
  /** Lines changed after confirmation. */
  changed: string[];
  returned: string[];
  /** Shipped ≠ ordered on a shipped order: 'SKU 发10/订12'. */
  shortOrOver: string[];
}

export const orderErrorsRule = defineAlertRule({
  kind: 'order_errors',
  label: '订单错漏',
  schema: OrderErrorsParamsSchema,
  check({ row: c }: { row: OrderErrorCandidate; now: Date }) {
    const kinds = [c.changed.length ? '确认后改单' : '', c.returned.length ? '退货' : '', c.shortOrOver.length ? '发货数量与订单不符' : ''].filter(Boolean);
    if (kinds.length === 0) return null;
    return {
      dedupeKey: `order_errors:${c.orderId}`, subject: { type: 'order', id: c.orderId }, ...routing(c),
      severity: c.returned.length || c.shortOrOver.length ? 'critical' : 'warning',
      title: `订单 ${c.orderNo}（${c.customerName}）${kinds.join('、')}`,
      summary: `确认于 ${chineseDay(c.confirmedAt)}；业务员：${c.ownerName ?? '未分配'}`,
      windowStart: c.confirmedAt,
      data: {
        customer: { id: c.customerId, name: c.customerName }, orderId: c.orderId, kinds,
        facts: [
          ...(c.changed.length ? [{ label: '确认后改动', value: c.changed.join('、') }] : []),
          ...(c.returned.length ? [{ label: '退货', value: c.returned.join('、') }] : []),
          ...(c.shortOrOver.length ? [{ label: '发货不符', value: c.shortOrOver.join('、') }] : []),
        ],
      },
    };
  },
  /** 确认后改动 / 退货 / 发货不符, as found. */
  cardFacts: storedFacts,
});
