import { expect } from 'chai';
import { legalReviewSkipsRule, type LegalReviewSkipsCandidate } from '../../../../core/alerts/rules/legal-review-skips.rule.js';
import { shanghaiInstant } from '../../../../core/flow/time.js';

const NOW = shanghaiInstant('2026-11-27', 9);
const params = { minSkips: 3, windowDays: 30, recipients: ['manager', 'compliance'] as Array<'manager' | 'compliance'> };
const skip = (n: number) => ({ opportunityId: n, name: `商机${n}`, customer: '永辉', customerId: 2, amount: 1000, at: '2026-11-20T02:00:00Z', reason: null });

function aRep(skips: number): LegalReviewSkipsCandidate {
  return {
    rep: { id: 7, name: '赵磊', userid: 'rep.zhao', departmentId: 4 }, manager: { id: 3, name: '李经理', userid: 'mgr.li' },
    skips: Array.from({ length: skips }, (_, i) => skip(i + 1)), lastAt: shanghaiInstant('2026-11-20', 10),
    windowFrom: shanghaiInstant('2026-10-28', 9), week: shanghaiInstant('2026-11-23'), stageName: '「法务审核」', recipients: [],
  };
}

describe('legal_review_skips.rule', () => {
  it('warns once per rep and week when the skips reach the threshold, naming the deals', () => {
    const a = legalReviewSkipsRule.check({ row: aRep(3), now: NOW }, params)!;
    expect(a).to.deep.include({
      dedupeKey: 'legal_review_skips:7:2026-11-23', subject: { type: 'user', id: 7 }, severity: 'warning',
      title: '赵磊近30天3次跳过「法务审核」', summary: '涉及商机：商机1、商机2、商机3（规则：30天内跳过3次及以上即预警）',
    });
  });

  it('is critical at twice the threshold and silent below it', () => {
    expect(legalReviewSkipsRule.check({ row: aRep(6), now: NOW }, params)!.severity).to.equal('critical');
    expect(legalReviewSkipsRule.check({ row: aRep(2), now: NOW }, params)).to.equal(null);
  });
});
