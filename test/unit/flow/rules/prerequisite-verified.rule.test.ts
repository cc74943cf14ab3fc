import { expect } from 'chai';
import { prerequisiteVerifiedRule } from '../../../../core/flow/rules/prerequisite-verified.rule.js';
import { aVisitFacts } from '../support/builders.js';

const params = { definitionCode: 'visit', label: '客户拜访' };

describe('prerequisite.verified', () => {
  it('passes when a verified or archived visit exists', () => {
    for (const status of ['verified', 'archived'] as const) {
      const facts = aVisitFacts({ satisfiedPrerequisites: [{ definitionCode: 'visit', actionId: 1, status }] });
      expect(prerequisiteVerifiedRule.check(facts, params)).to.deep.equal([]);
    }
  });

  it('blocks a quote when no visit exists at all', () => {
    const [f] = prerequisiteVerifiedRule.check(aVisitFacts(), params);
    expect(f).to.include({ code: 'PREREQUISITE_MISSING', target: 'prerequisite' });
    expect(f.message).to.contain('需要先完成一次「客户拜访」并通过主管核验');
  });

  it('names the blocking visit and that it awaits the manager', () => {
    const facts = aVisitFacts({ satisfiedPrerequisites: [{ definitionCode: 'visit', actionId: 42, status: 'submitted' }] });
    const [f] = prerequisiteVerifiedRule.check(facts, params);
    expect(f.code).to.equal('PREREQUISITE_NOT_VERIFIED');
    expect(f.message).to.contain('42').and.contain('已提交').and.contain('等待主管核验通过');
  });

  it('ignores verified actions of another definition', () => {
    const facts = aVisitFacts({ satisfiedPrerequisites: [{ definitionCode: 'quote', actionId: 11, status: 'verified' }] });
    expect(prerequisiteVerifiedRule.check(facts, params)[0].code).to.equal('PREREQUISITE_MISSING');
  });
});
