import { expect } from 'chai';
import { ordersLinkedRule } from '../../../../core/flow/rules/orders-linked.rule.js';
import { aVisitFacts } from '../support/builders.js';

describe('orders.linked', () => {
  it("passes when the customer's latest 3 orders are linked", () => {
    expect(ordersLinkedRule.check(aVisitFacts(), { latest: 3 })).to.deep.equal([]);
  });

  it('lists the missing order ids, newest first', () => {
    const facts = aVisitFacts({ report: { linkedOrderIds: [102] } });
    const [f] = ordersLinkedRule.check(facts, { latest: 3 });
    expect(f).to.include({ code: 'ORDERS_NOT_LINKED', target: 'orders' });
    expect(f.message).to.equal('请关联该客户最近3笔订单，还缺：103、101。');
    expect(f.details).to.deep.include({ missing: [103, 101] });
  });

  it('requires all orders when the customer has fewer than N', () => {
    const facts = aVisitFacts({ recentOrderIds: [9], report: { linkedOrderIds: [] } });
    expect(ordersLinkedRule.check(facts, { latest: 3 })[0].message).to.contain('最近1笔订单');
  });

  it('passes a customer with no orders yet', () => {
    expect(ordersLinkedRule.check(aVisitFacts({ recentOrderIds: [], report: { linkedOrderIds: [] } }), { latest: 3 })).to.deep.equal([]);
  });
});
