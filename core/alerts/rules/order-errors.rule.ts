/**
 * 订单错漏: an order whose lines changed after confirmation, came back
 * (returns), or shipped a quantity other than ordered. One alert per order.
 */
import { chineseDay, type AlertDraft } from './alert-draft.js';

export interface OrderErrorCandidate {
  orderId: number;
  orderNo: string;
  customerId: number;
  customerName: string;
  ownerName: string | null;
  confirmedAt: Date;
  /** Lines changed after confirmation. */
  changed: string[];
  returned: string[];
  /** Shipped ≠ ordered on a shipped order: 'SKU 发10/订12'. */
  shortOrOver: string[];
}

export function orderErrors(c: OrderErrorCandidate): AlertDraft {
  const kinds = [c.changed.length ? '确认后改单' : '', c.returned.length ? '退货' : '', c.shortOrOver.length ? '发货数量与订单不符' : ''].filter(Boolean);
  return {
    dedupeKey: `order_errors:${c.orderId}`, subjectType: 'order', subjectId: c.orderId,
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
}
