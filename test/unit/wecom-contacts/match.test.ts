import { expect } from 'chai';
import { decideMatch, mergeByContact, mobileDigits, sameCompany, type CandidateContact } from '../../../core/wecom-contacts/match.js';
import type { ExternalContactOfMember } from '../../../core/wecom/wecom-client.js';

const pair = (externalUserid: string, name: string, more: Partial<ExternalContactOfMember> = {}): ExternalContactOfMember => ({
  externalUserid, name, type: 1, corpName: null, corpFullName: null, followUserid: 'rep.zhao', remark: null, remarkMobiles: [], remarkCorpName: null, ...more,
});
const contacts: CandidateContact[] = [
  { id: 1, name: '王建国', phone: '138 1234 5678', customerId: 10, customerName: '上海市第六人民医院' },
  { id: 2, name: '王建国', phone: null, customerId: 20, customerName: '华联超市总部' },
  { id: 3, name: '刘伟', phone: '13900000000', customerId: 10, customerName: '上海市第六人民医院' },
  { id: 4, name: '张芳', phone: '+86-139-0000-0000', customerId: 20, customerName: '华联超市总部' },
];
const customers = [{ id: 10, name: '上海市第六人民医院' }, { id: 20, name: '华联超市总部' }, { id: 30, name: '南京鼓楼医院' }];
const one = (...rows: ExternalContactOfMember[]) => mergeByContact(rows)[0];

describe('matching a WeCom external contact to our contacts (core/wecom-contacts/match.ts)', () => {
  it('merges the rows of one external contact followed by several members: names, companies, mobiles, followers', () => {
    const [c] = mergeByContact([
      pair('wm1', '阳光', { remark: '王建国-副院长', remarkMobiles: ['+86 138-1234-5678'] }),
      pair('wm1', '阳光', { followUserid: 'mgr.li', remarkCorpName: '六院', remarkMobiles: ['13812345678'] }),
    ]);
    expect(c).to.deep.equal({ externalUserid: 'wm1', name: '阳光', names: ['阳光', '王建国-副院长'], corpNames: ['六院'], mobiles: ['13812345678'], followers: ['rep.zhao', 'mgr.li'] });
  });

  it('binds by a noted mobile, whatever the name', () => {
    expect(decideMatch(one(pair('wm1', '阳光', { remarkMobiles: ['13812345678'] })), contacts, customers)).to.deep.equal({ kind: 'bind', contactId: 1, by: 'mobile' });
  });

  it('asks when a mobile is two contacts\'', () => {
    expect(decideMatch(one(pair('wm1', '某人', { remarkMobiles: ['13900000000'] })), contacts, customers))
      .to.deep.equal({ kind: 'ask', options: [{ contactId: 3, customerId: 10 }, { contactId: 4, customerId: 20 }] });
  });

  it('binds by name within the customer the company names (a remark with a post counts as the name), and asks by name alone', () => {
    expect(decideMatch(one(pair('wm1', 'x', { remark: '王建国 副院长', corpName: '第六人民医院' })), contacts, customers))
      .to.deep.equal({ kind: 'bind', contactId: 1, by: 'name_and_customer' });
    expect(decideMatch(one(pair('wm1', '王建国')), contacts, customers))
      .to.deep.equal({ kind: 'ask', options: [{ contactId: 1, customerId: 10 }, { contactId: 2, customerId: 20 }] });
  });

  it('offers a new contact at the one customer the company names, and gives up when none or several fit', () => {
    expect(decideMatch(one(pair('wm1', '钱晓东', { remarkCorpName: '南京鼓楼医院' })), contacts, customers))
      .to.deep.equal({ kind: 'ask', options: [{ contactId: null, customerId: 30 }] });
    expect(decideMatch(one(pair('wm1', '钱晓东', { corpName: '不相干的公司' })), contacts, customers)).to.deep.equal({ kind: 'none' });
    expect(decideMatch(one(pair('wm1', '钱晓东', { corpName: '医院' })), contacts, customers)).to.deep.equal({ kind: 'none' });
  });

  it('reads mobiles and company names as people write them', () => {
    expect(mobileDigits('+86 138-1234-5678')).to.equal('13812345678');
    expect(mobileDigits('021-64369181')).to.equal(null);
    expect(sameCompany('华联超市总部', '华联超市总部有限公司')).to.equal(true);
    expect(sameCompany('上海华联超市股份有限公司', '上海华联超市')).to.equal(true);
    expect(sameCompany('华联超市总部', '联华超市')).to.equal(false);
  });
});
