import { expect } from 'chai';
import { complaintEscalationRule } from '../../../../core/alerts/rules/complaint-escalation.rule.js';
import { firstOrderLateRule } from '../../../../core/alerts/rules/first-order-late.rule.js';
import { licenceExpiryRule } from '../../../../core/alerts/rules/licence-expiry.rule.js';
import { orderErrorsRule } from '../../../../core/alerts/rules/order-errors.rule.js';
import { reorderOverdueRule } from '../../../../core/alerts/rules/reorder-overdue.rule.js';

const NOW = new Date('2026-12-01T10:00:00+08:00');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const customer = { customerId: 1, customerName: '华联', ownerId: 3, ownerName: '赵磊', departmentId: 2, recipients: [{ userId: 3, role: 'owner' }] };
const complaintParams = {
  slaHours: { low: 168, medium: 72, high: 24, critical: 4 }, repeatCount: 3, repeatWindowDays: 30, recipients: ['director' as const],
};

describe('fulfilment alert rules (pure)', () => {
  it('首单延迟发货: names the order and the days since signing; critical at twice the threshold; one key per customer; not before the threshold', () => {
    const base = { ...customer, customerId: 7, customerName: '便利蜂长寿路店', signedAt: ago(17), orderId: 3, orderNo: 'SO-1', orderedAt: ago(15) };
    const p = { days: 7, signedWithinDays: 90, recipients: ['owner' as const] };
    const a = firstOrderLateRule.check({ row: base, now: NOW }, p)!;
    expect(a).to.include({ dedupeKey: 'first_order_late:7', severity: 'critical', title: '新客户「便利蜂长寿路店」首单 SO-1 签约17天仍未发货', ownerId: 3 });
    expect(a.subject).to.deep.equal({ type: 'customer', id: 7 });
    expect(a.recipients).to.deep.equal(customer.recipients);
    expect(a.summary).to.equal('签约日 2026年11月14日；业务员：赵磊（规则：签约后7天内首单应发货）');
    const none = firstOrderLateRule.check({ row: { ...base, signedAt: ago(9), orderId: null, orderNo: null, orderedAt: null }, now: NOW }, p);
    expect(none).to.include({ severity: 'warning', title: '新客户「便利蜂长寿路店」签约9天仍没有首单' });
    expect(firstOrderLateRule.check({ row: { ...base, signedAt: ago(5) }, now: NOW }, p)).to.equal(null);
  });

  it('返单超期: the usual interval in the title; keyed by the last order so a later silence is a new alert; not while within the factor', () => {
    const row = { ...customer, customerId: 5, customerName: '好德便利', ownerName: null, orders: 4, lastOrderAt: ago(40), usualDays: 10, daysSince: 40 };
    const p = { minOrders: 3, factor: 1.5, minDaysLate: 7, recipients: ['owner' as const] };
    const a = reorderOverdueRule.check({ row, now: NOW }, p);
    expect(a).to.include({ dedupeKey: 'reorder_overdue:5:2026-10-22', severity: 'critical', title: '老客户「好德便利」40天未返单（平时约10天一单）' });
    expect(reorderOverdueRule.check({ row: { ...row, lastOrderAt: ago(16.5), daysSince: 16 }, now: NOW }, p)).to.equal(null);
  });

  it('订单错漏: lists what went wrong; a return or short shipment is critical, a changed line a warning; nothing wrong raises nothing', () => {
    const c = { ...customer, orderId: 9, orderNo: 'SO-9', confirmedAt: ago(3), changed: ['BEV-001 第1行'], returned: [], shortOrOver: [] };
    const p = { lookbackDays: 90, recipients: ['owner' as const] };
    expect(orderErrorsRule.check({ row: c, now: NOW }, p)).to.include({ severity: 'warning', title: '订单 SO-9（华联）确认后改单' });
    const short = orderErrorsRule.check({ row: { ...c, changed: [], shortOrOver: ['BEV-001 发576/订600'] }, now: NOW }, p)!;
    expect(short).to.include({ severity: 'critical', title: '订单 SO-9（华联）发货数量与订单不符' });
    expect(short.subject).to.deep.equal({ type: 'order', id: 9 });
    expect(orderErrorsRule.cardFacts(short.data)).to.deep.equal([{ label: '发货不符', value: 'BEV-001 发576/订600' }]);
    expect(orderErrorsRule.check({ row: { ...c, changed: [] }, now: NOW }, p)).to.equal(null);
  });

  it('客户投诉升级: an overdue complaint and a run of complaints, each with its own key', () => {
    const o = complaintEscalationRule.check({ row: { ...customer, customerName: '罗森', escalation: 'overdue', complaintId: 4, title: '胀袋',
      severity: 'medium', receivedAt: ago(4), slaDueAt: new Date(NOW.getTime() - 26 * 3_600_000) }, now: NOW }, complaintParams)!;
    expect(o).to.include({ dedupeKey: 'complaint_overdue:4', severity: 'critical', title: '「罗森」的较重投诉超时未处理：胀袋' });
    expect(complaintEscalationRule.cardFacts(o.data)).to.deep.include({ label: '超时', value: '26小时' });
    const r = complaintEscalationRule.check({ row: { ...customer, customerName: '罗森', ownerName: null, escalation: 'repeated', count: 3, firstAt: ago(12) }, now: NOW }, complaintParams);
    expect(r).to.include({ dedupeKey: 'complaint_repeat:1:2026-11-19', title: '「罗森」30天内投诉3次' });
    expect(complaintEscalationRule.check({ row: { ...customer, escalation: 'repeated', count: 2, firstAt: ago(12) }, now: NOW }, complaintParams)).to.equal(null);
  });

  it('证照到期: days left or already expired, critical within a week, nothing beyond the days ahead', () => {
    const base = { ...customer, licenceId: 2, kindLabel: '营业执照', licenceName: '华联超市股份有限公司', expiresOn: '2026-12-21', daysLeft: 20, daysAhead: 30 };
    const p = { recipients: ['owner' as const] };
    expect(licenceExpiryRule.check({ row: base, now: NOW }, p)).to.include({ severity: 'warning', title: '「华联」的营业执照20天后到期', dedupeKey: 'licence_expiry:2:2026-12-21' });
    expect(licenceExpiryRule.check({ row: { ...base, daysLeft: -3 }, now: NOW }, p)).to.include({ severity: 'critical', title: '「华联」的营业执照已过期3天' });
    expect(licenceExpiryRule.check({ row: { ...base, daysLeft: 31 }, now: NOW }, p)).to.equal(null);
  });
});
