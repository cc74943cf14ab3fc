import { expect } from 'chai';
import { fillLearned } from '../../../../core/understanding/learned/slots.js';
import { DEFAULT_UNDERSTANDING_FIELDS } from '../../../../core/understanding/understand.js';
import { CONTACTS, TABLE_NOW } from '../../../support/understanding-table.js';

/** The slots a learned family needs, filled by the rules' own extractors (core/understanding/learned/slots.ts). */
describe('filling a learned family\'s slots', () => {
  const ctx = { now: TABLE_NOW, contacts: CONTACTS, fields: DEFAULT_UNDERSTANDING_FIELDS };
  const empty = { fields: [], painPoints: [], correction: false };

  it('records a stance against the contact named, and nothing when nobody is named', () => {
    const said = fillLearned('stance:反对', '孙丽对我们不咸不淡', ctx, empty);
    expect(said.slots.attitude).to.equal('oppose');
    expect(said.slots.person?.candidates.map((c) => c.name)).to.deep.equal(['孙丽']);
    expect(fillLearned('stance:反对', '对我们不咸不淡', ctx, empty).slots).to.deep.equal(empty);
  });

  it('fills the decision-role field and the role, with the person as contact resolution finds them', () => {
    const { slots } = fillLearned('role:发起者', '刘主任当时张罗的这事', ctx, empty);
    expect(slots.role?.role).to.equal('initiator');
    expect(slots.fields).to.deep.equal([{ key: 'decisionRole', label: '决策链角色', value: '发起者', display: '发起者' }]);
    // 刘主任: two 刘 contacts, neither a 主任 — a question, not a guess
    expect(slots.person?.match).to.not.equal('name');
  });

  it('dates a change by what the message says of when, and names a newcomer no contact has', () => {
    const left = fillLearned('change:left', '刘伟上个月就没在干了', ctx, empty).changes;
    expect(left.map((c) => [c.kind, c.person?.mention, c.occurredLabel])).to.deep.equal([['left', '刘伟', '约11月']]);
    const joined = fillLearned('change:joined', '设备科那边多了个韩梅，顶刘伟以前的活', ctx, empty).changes;
    expect(joined.map((c) => [c.kind, c.newName, c.replaces?.mention])).to.deep.equal([['joined', '韩梅', '刘伟']]);
  });

  it('reads nothing for a family it does not know', () => {
    expect(fillLearned('change:promoted', '刘伟升了', ctx, empty)).to.deep.equal({ slots: empty, changes: [] });
  });
});
