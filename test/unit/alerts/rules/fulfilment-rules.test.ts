import { expect } from 'chai';
import { complaintOverdue, complaintsRepeated } from '../../../../core/alerts/rules/complaint-escalation.rule.js';
import { firstOrderLate } from '../../../../core/alerts/rules/first-order-late.rule.js';
import { licenceExpiry } from '../../../../core/alerts/rules/licence-expiry.rule.js';
import { orderErrors } from '../../../../core/alerts/rules/order-errors.rule.js';
import { reorderOverdue } from '../../../../core/alerts/rules/reorder-overdue.rule.js';

const NOW = new Date('2026-12-01T10:00:00+08:00');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

describe('fulfilment alert rules (pure)', () => {
  it('首单延迟发货: names the order and the days since signing; critical at twice the threshold; one key per customer', () => {
    const base = { customerId: 7, customerName: '便利蜂长寿路店', ownerName: '赵磊', signedAt: ago(17), orderId: 3, orderNo: 'SO-1', orderedAt: ago(15) };
    const a = firstOrderLate(base, { days: 7, signedWithinDays: 90, recipients: ['owner'] }, NOW);
    expect(a).to.include({ dedupeKey: 'first_order_late:7', severity: 'critical', title: '新客户「便利蜂长寿路店」首单 SO-1 签约17天仍未发货' });
    expect(a.summary).to.equal('签约日 2026年11月14日；业务员：赵磊（规则：签约后7天内首单应发货）');
    const none = firstOrderLate({ ...base, signedAt: ago(9), orderId: null, orderNo: null, orderedAt: null }, { days: 7, signedWithinDays: 90, recipients: ['owner'] }, NOW);
    expect(none).to.include({ severity: 'warning', title: '新客户「便利蜂长寿路店」签约9天仍没有首单' });
  });

  it('返单超期: the usual interval in the title; keyed by the last order so a later silence is a new alert', () => {
    const a = reorderOverdue({ customerId: 5, customerName: '好德便利', ownerName: null, orders: 4, lastOrderAt: ago(40), usualDays: 10, daysSince: 40 },
      { minOrders: 3, factor: 1.5, minDaysLate: 7, recipients: ['owner'] });
    expect(a).to.include({ dedupeKey: 'reorder_overdue:5:2026-10-22', severity: 'critical', title: '老客户「好德便利」40天未返单（平时约10天一单）' });
  });

  it('订单错漏: lists what went wrong; a return or short shipment is critical, a changed line a warning', () => {
    const c = { orderId: 9, orderNo: 'SO-9', customerId: 1, customerName: '华联', ownerName: '赵磊', confirmedAt: ago(3), changed: ['BEV-001 第1行'], returned: [], shortOrOver: [] };
    expect(orderErrors(c)).to.include({ severity: 'warning', title: '订单 SO-9（华联）确认后改单' });
    const short = orderErrors({ ...c, changed: [], shortOrOver: ['BEV-001 发576/订600'] });
    expect(short).to.include({ severity: 'critical', title: '订单 SO-9（华联）发货数量与订单不符' });
    expect(short.data.facts).to.deep.equal([{ label: '发货不符', value: 'BEV-001 发576/订600' }]);
  });

  it('客户投诉升级: an overdue complaint and a run of complaints, each with its own key', () => {
    const o = complaintOverdue({ complaintId: 4, customerId: 1, customerName: '罗森', ownerName: '赵磊', title: '胀袋', severity: 'medium',
      receivedAt: ago(4), slaDueAt: ago(1), hoursOver: 26 });
    expect(o).to.include({ dedupeKey: 'complaint_overdue:4', severity: 'critical', title: '「罗森」的较重投诉超时未处理：胀袋' });
    const r = complaintsRepeated({ customerId: 1, customerName: '罗森', ownerName: null, count: 3, firstAt: ago(12), windowDays: 30 });
    expect(r).to.include({ dedupeKey: 'complaint_repeat:1:2026-11-19', title: '「罗森」30天内投诉3次' });
  });

  it('证照到期: days left or already expired, critical within a week', () => {
    const base = { licenceId: 2, kindLabel: '营业执照', customerId: 1, customerName: '华联', ownerName: '赵磊', licenceName: '华联超市股份有限公司', expiresOn: '2026-12-21', daysLeft: 20 };
    expect(licenceExpiry(base, 30)).to.include({ severity: 'warning', title: '「华联」的营业执照20天后到期', dedupeKey: 'licence_expiry:2:2026-12-21' });
    expect(licenceExpiry({ ...base, daysLeft: -3 }, 30)).to.include({ severity: 'critical', title: '「华联」的营业执照已过期3天' });
  });
});
