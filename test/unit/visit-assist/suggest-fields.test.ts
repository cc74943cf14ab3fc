import { expect } from 'chai';
import { BUYING_ROLE_OPTIONS } from '../../../core/flow/buying-centre.js';
import type { ContactRef } from '../../../core/understanding/decision-chain.js';
import { DEFAULT_CONFIDENCE_BAR as CONFIDENCE_BAR, suggestVisitFields, type SuggestContext } from '../../../core/visit-assist/suggest-fields.js';

// Monday 7 Dec 2026, 11:00 in Shanghai: 下周三 is 16 Dec
const NOW = new Date('2026-12-07T03:00:00Z');
const FIELDS = [
  { key: 'decisionRole', label: '决策链角色', type: 'enum' as const, options: BUYING_ROLE_OPTIONS },
  { key: 'nextContactAt', label: '下次接触时间', type: 'datetime_future' as const },
];
const contact = (id: number, name: string, title: string, buyingRole: ContactRef['buyingRole'] = null): ContactRef =>
  ({ id, name, title, department: null, buyingRole });
const HOSPITAL = [contact(7, '郭军', '设备科主任', 'decider'), contact(8, '高磊', '采购专员', 'buyer')];
const PAINS = ['价格偏高', '账期长', '回款慢'];
const ctx = (o: Partial<SuggestContext> = {}): SuggestContext => ({
  now: NOW, fields: FIELDS, contacts: HOSPITAL, customerName: '上海市第六人民医院',
  matchPainPoints: (t) => PAINS.filter((w) => t.includes(w)), ...o,
});
const byKey = (r: ReturnType<typeof suggestVisitFields>, key: string) => r.suggestions.find((s) => s.key === key);

describe('suggestVisitFields: the voice memo fills the visit form', () => {
  it('reads "郭主任拍板，价格偏高账期长，下周三下午再来" into the decision maker and the next contact, each with the words it came from', () => {
    const r = suggestVisitFields('郭主任拍板，价格偏高账期长，下周三下午再来', ctx());
    const role = byKey(r, 'decisionRole')!;
    expect(role).to.include({ value: '决策者', source: 'memo' });
    expect(role.words).to.contain('拍板');
    expect(role.also).to.deep.equal({ decisionRoleContact: '郭军（设备科主任）', decisionContactId: 7 });
    expect(role.confidence).to.be.at.least(CONFIDENCE_BAR);
    const next = byKey(r, 'nextContactAt')!;
    expect(next.value).to.match(/^2026-12-16T\d{2}:\d{2}$/);
    expect(next.display).to.contain('12月16日（周三）');
    expect(next.words).to.equal('下周三下午再来');
    expect(next.confidence).to.be.at.least(CONFIDENCE_BAR);
    expect(r.painPoints).to.deep.equal(['价格偏高', '账期长']);
    expect(r.notes).to.deep.equal([]);
  });

  it('says a named contact is not on file and leaves the role to the rep, still offering the date', () => {
    const r = suggestVisitFields('王主任拍板，价格偏高账期长，下周三下午再来', ctx());
    expect(byKey(r, 'decisionRole')).to.equal(undefined);
    expect(r.notes).to.have.length(1);
    expect(r.notes[0]).to.contain('「王主任」不在上海市第六人民医院的联系人里').and.contain('决策链角色请自己选择');
    expect(byKey(r, 'nextContactAt')!.value).to.match(/^2026-12-16T/);
  });

  it('asks instead of choosing when two contacts answer to the name', () => {
    const r = suggestVisitFields('刘经理拍板，下周三下午再来', ctx({ contacts: [contact(1, '刘伟', '采购经理'), contact(2, '刘洋', '运营经理')] }));
    expect(byKey(r, 'decisionRole')).to.equal(undefined);
    expect(r.notes.join()).to.contain('可能是刘伟或刘洋');
  });

  it('offers a role it cannot tie to a contact only as a guess below the bar, never for 全部采用', () => {
    const r = suggestVisitFields('这个单子是老板拍板，下周三下午再来', ctx());
    const role = byKey(r, 'decisionRole')!;
    expect(role.value).to.equal('决策者');
    expect(role.also).to.deep.equal({});
    expect(role.confidence).to.be.below(CONFIDENCE_BAR);
  });

  it('leaves the next contact to the rep when the memo names two different times for it', () => {
    const r = suggestVisitFields('下周三下午再来，要不就周五上午再来', ctx());
    expect(byKey(r, 'nextContactAt')).to.equal(undefined);
    expect(r.notes.join()).to.match(/说了2个时间.*下次接触时间请自己选择/);
  });

  it('says so when the memo gives nothing to fill, and fills nothing', () => {
    const r = suggestVisitFields('今天天气不错，聊了聊行业情况', ctx());
    expect(r.suggestions).to.deep.equal([]);
    expect(r.notes).to.deep.equal(['没有从语音纪要里听出可以填的内容（决策链角色、下次接触时间），请直接填写下面的字段。']);
  });

  it('offers the role recorded at the last visit ("同上次") when the memo does not say it, while that contact is still on file', () => {
    const lastVisit = { at: new Date('2026-11-20T06:00:00Z'), fields: { decisionRole: '决策者', decisionContactId: 7, decisionRoleContact: '郭军（设备科主任）' } };
    const r = suggestVisitFields('', ctx({ lastVisit }));
    expect(r.notes).to.deep.equal([]);
    expect(r.suggestions).to.have.length(1);
    expect(r.suggestions[0]).to.include({ key: 'decisionRole', value: '决策者', source: 'last_visit', words: '上次拜访（11月20日）' });
    expect(r.suggestions[0].also).to.deep.equal({ decisionRoleContact: '郭军（设备科主任）', decisionContactId: 7 });
    // that person has left since: nothing to repeat
    expect(suggestVisitFields('', ctx({ lastVisit, contacts: [HOSPITAL[1]] })).suggestions).to.deep.equal([]);
    // the memo names someone not on file: the field is the rep's, not last time's
    expect(byKey(suggestVisitFields('王主任拍板', ctx({ lastVisit })), 'decisionRole')).to.equal(undefined);
  });

  it('repeats a written field (同行人员) only when the last two visits wrote the same, and never a date', () => {
    const fields = [...FIELDS, { key: 'companions', label: '同行人员', type: 'text' as const }, { key: 'purpose', label: '拜访目的' }];
    const visit = (day: string, f: Record<string, unknown>) => ({ at: new Date(`${day}T06:00:00Z`), fields: { nextContactAt: `${day}T15:00:00+08:00`, ...f } });
    const lastVisit = visit('2026-11-20', { companions: '技术支持小陈', purpose: '新品演示' });
    const earlierVisit = visit('2026-11-06', { companions: '技术支持小陈 ', purpose: '催回款' });
    const r = suggestVisitFields('', ctx({ fields, lastVisit, earlierVisit }));
    expect(r.suggestions.map((x) => x.key), 'the purpose changed between them; the date is never repeated').to.deep.equal(['companions']);
    expect(r.suggestions[0]).to.include({ value: '技术支持小陈', display: '技术支持小陈', source: 'last_visit', words: '前两次拜访都一样（11月6日、11月20日）' });
    expect(r.suggestions[0].confidence).to.be.at.least(CONFIDENCE_BAR);
    // one visit on file is no evidence that it rarely changes
    expect(suggestVisitFields('', ctx({ fields, lastVisit })).suggestions).to.deep.equal([]);
  });
});
