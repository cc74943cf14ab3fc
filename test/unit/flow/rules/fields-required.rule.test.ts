import { expect } from 'chai';
import { fieldsRequiredRule } from '../../../../core/flow/rules/fields-required.rule.js';
import { aVisitFacts, codes, sh } from '../support/builders.js';

const params = {
  fields: [
    { key: 'decisionRole', label: '决策链角色', type: 'enum' as const, options: ['决策者', '采购者'] },
    { key: 'nextContactAt', label: '下次接触时间', type: 'datetime_future' as const },
  ],
};

describe('fields.required', () => {
  it('passes filled fields with a future next contact', () => {
    expect(fieldsRequiredRule.check(aVisitFacts(), params)).to.deep.equal([]);
  });

  it('asks for every blank field by its Chinese label', () => {
    const facts = aVisitFacts({ report: { fields: { decisionRole: '  ', nextContactAt: null } } });
    const failures = fieldsRequiredRule.check(facts, params);
    expect(failures.map((f) => f.message)).to.deep.equal(['请填写「决策链角色」。', '请填写「下次接触时间」。']);
    expect(failures.map((f) => f.target)).to.deep.equal(['fields.decisionRole', 'fields.nextContactAt']);
  });

  it('rejects a next contact time in the past, relative to facts.now', () => {
    const facts = aVisitFacts({ report: { fields: { decisionRole: '决策者', nextContactAt: sh('09:00') } } });
    const [f] = fieldsRequiredRule.check(facts, params);
    expect(f.code).to.equal('FIELD_NOT_FUTURE');
    expect(f.message).to.contain('必须晚于现在（5月8日 11:00）').and.contain('当前填的是 5月8日 09:00');
  });

  it('reads an offset-less time as Shanghai wall-clock, not host time', () => {
    const facts = aVisitFacts({ report: { fields: { decisionRole: '决策者', nextContactAt: '2024-05-08 10:59' } } });
    expect(codes(fieldsRequiredRule.check(facts, params))).to.deep.equal(['FIELD_NOT_FUTURE']);
  });

  it('rejects an unparseable date and an option outside the list', () => {
    const facts = aVisitFacts({ report: { fields: { decisionRole: '老板娘', nextContactAt: '下周二' } } });
    const failures = fieldsRequiredRule.check(facts, params);
    expect(codes(failures)).to.deep.equal(['FIELD_OPTION_INVALID', 'FIELD_INVALID_DATE']);
    expect(failures[0].message).to.equal('「决策链角色」只能选择：「决策者」、「采购者」。');
  });

  it('accepts a real calendar date and rejects 2月30日', () => {
    const p = { fields: [{ key: 'validUntil', label: '报价有效期', type: 'date' as const }] };
    expect(fieldsRequiredRule.check(aVisitFacts({ report: { fields: { validUntil: '2024-06-30' } } }), p)).to.deep.equal([]);
    expect(codes(fieldsRequiredRule.check(aVisitFacts({ report: { fields: { validUntil: '2024-02-30' } } }), p))).to.deep.equal(['FIELD_INVALID_DATE']);
  });
});
