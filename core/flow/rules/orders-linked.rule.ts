/**
 * 'orders.linked': the customer's latest N orders (all of them if fewer) must
 * be linked to the report, so every order can be attributed to a visit.
 */
import { z } from 'zod';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({ latest: z.number().int().min(1).meta({ title: '须关联最近的订单', unit: '个' }) });

export const ordersLinkedRule = defineGateRule({
  kind: 'orders.linked',
  label: '关联订单',
  schema,
  check(facts, { latest }) {
    const required = facts.recentOrderIds.slice(0, latest);
    const linked = new Set(facts.report.linkedOrderIds);
    const missing = required.filter((id) => !linked.has(id));
    if (missing.length === 0) return [];
    return [
      failure('orders.linked', {
        code: 'ORDERS_NOT_LINKED',
        target: 'orders',
        message: `请关联该客户最近${required.length}笔订单，还缺：${missing.join('、')}。`,
        details: { missing, required },
      }),
    ];
  },
});
