import { expect } from 'chai';
import { checklistCompleteRule } from '../../../../core/flow/rules/checklist-complete.rule.js';
import { aVisitFacts } from '../support/builders.js';

const items = [
  { key: 'shelf', label: '确认陈列位' },
  { key: 'price_tag', label: '核对价签' },
];

describe('checklist.complete', () => {
  it('passes when every item is ticked', () => {
    const facts = aVisitFacts({ report: { checklist: { shelf: true, price_tag: true } } });
    expect(checklistCompleteRule.check(facts, { items })).to.deep.equal([]);
  });

  it('reports one failure per open item, by label', () => {
    const facts = aVisitFacts({ report: { checklist: { shelf: true, price_tag: false } } });
    const failures = checklistCompleteRule.check(facts, { items });
    expect(failures).to.have.length(1);
    expect(failures[0]).to.include({ code: 'CHECKLIST_ITEM_INCOMPLETE', target: 'checklist' });
    expect(failures[0].message).to.contain('「核对价签」');
  });

  it('treats a report without a checklist as nothing ticked', () => {
    const facts = aVisitFacts({ report: { checklist: undefined } });
    expect(checklistCompleteRule.check(facts, { items })).to.have.length(2);
  });
});
