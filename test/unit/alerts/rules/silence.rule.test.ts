import { expect } from 'chai';
import { silenceRule, type SilenceCandidate } from '../../../../core/alerts/rules/silence.rule.js';
import { shanghaiInstant } from '../../../../core/flow/time.js';

const NOW = shanghaiInstant('2026-11-27', 9);
const params = { days: 7, recipients: ['owner', 'owner_manager'] as Array<'owner' | 'owner_manager'> };

function aSilentCustomer(patch: Partial<SilenceCandidate> = {}): SilenceCandidate {
  return {
    customer: { id: 12, name: '华联超市总部', type: 'ka' },
    departmentId: 4,
    owner: { id: 7, name: '赵磊', userid: 'rep.zhao' },
    manager: { id: 3, name: '李经理', userid: 'mgr.li' },
    since: shanghaiInstant('2026-11-18', 15, 30),
    neverFollowedUp: false,
    opportunities: [{ id: 5, name: '华联年度堆头', stage: 'negotiation', amount: 120_000 }],
    recipients: [{ userId: 7, role: 'owner' }, { userId: 3, role: 'manager' }],
    ...patch,
  };
}

describe('silence.rule', () => {
  it('warns about a customer with no effective follow-up for the threshold, once per episode (its Shanghai day)', () => {
    const a = silenceRule.check({ row: aSilentCustomer(), now: NOW }, params)!;
    expect(a).to.deep.include({
      dedupeKey: 'silence:12:2026-11-18', subject: { type: 'customer', id: 12 }, ownerId: 7, departmentId: 4, severity: 'warning',
      title: '客户「华联超市总部」已8天无有效跟进',
      summary: '上次有效跟进：11月18日；业务员：赵磊（规则：连续7天无有效跟进即预警）',
    });
    expect(a.data).to.deep.include({ silentDays: 8, thresholdDays: 7, why: '连续8天无有效跟进，超过规则阈值7天' });
  });

  it('is critical at twice the threshold, and says when the customer was never followed up', () => {
    const a = silenceRule.check({ row: aSilentCustomer({ since: shanghaiInstant('2026-11-10', 8), neverFollowedUp: true, owner: null }), now: NOW }, params)!;
    expect(a.severity).to.equal('critical');
    expect(a.summary).to.equal('成为有效客户后从未有效跟进；业务员：未分配（规则：连续7天无有效跟进即预警）');
  });

  it('raises nothing before the threshold', () => {
    expect(silenceRule.check({ row: aSilentCustomer({ since: shanghaiInstant('2026-11-21', 10) }), now: NOW }, params)).to.equal(null);
  });

  it('puts the customer, the owner, the silence and the largest deal on the card', () => {
    const a = silenceRule.check({ row: aSilentCustomer(), now: NOW }, params)!;
    const facts = silenceRule.cardFacts(JSON.parse(JSON.stringify(a.data)));
    expect(facts.map((f) => [f.label, f.value])).to.deep.equal([
      ['客户', '华联超市总部'], ['业务员', '赵磊'], ['上次有效跟进', '11月18日'], ['沉默天数', '8天（阈值7天）'],
      ['进行中商机', '1个，共12万元'], ['最大商机', '华联年度堆头'],
    ]);
  });
});
