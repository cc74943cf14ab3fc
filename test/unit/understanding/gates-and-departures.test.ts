import { expect } from 'chai';
import { chainStatements, detectAttitude, detectPeople, pickContact } from '../../../core/understanding/decision-chain.js';
import { detectContactChanges } from '../../../core/understanding/contact-changes.js';
import { understand } from '../../../core/understanding/understand.js';
import { TABLE_CONTACTS as CONTACTS, TABLE_NOW as NOW } from '../../../core/understanding/learned/training-set.js';

/**
 * Gates said as a condition or a prior review, the purchaser said by the action, a newcomer whose post a contact already
 * holds, and leaving said plainly — over the public table's hospital contacts (刘敏 财务总监, 王建国 副院长, 周芳 采购专员 …).
 */
const said = (text: string) => chainStatements(text, CONTACTS, []).map((s) =>
  `${s.person?.fullName ?? s.person?.mention ?? '-'}:${s.role?.role ?? '-'}${s.attitude ? `/${s.attitude}` : ''}`);
const changes = (text: string) => detectContactChanges(text, CONTACTS, NOW).map((c) => `${c.kind}:${c.person?.mention ?? '-'}`);

describe('a gate said as a condition or a prior review', () => {
  it('reads "<area>这块X不同意就过不了" as 把关者 and takes no stance from the condition', () => {
    expect(said('财务这块刘敏不同意就过不了')).to.deep.equal(['刘敏:gatekeeper']);
    expect(detectAttitude('财务这块刘敏不同意就过不了')).to.equal(null);
    expect(said('没有刘敏签字这事走不下去')).to.deep.equal(['刘敏:gatekeeper']);
    expect(said('资质这块得孙丽点头才行')).to.deep.equal(['孙丽:gatekeeper']);
    expect(said('付款要刘敏签字')).to.deep.equal(['刘敏:gatekeeper']);
    // 谁也/谁都 is no question: 刘敏不批谁也没办法 states the gate
    expect(said('刘敏不批谁也没办法')).to.deep.equal(['刘敏:gatekeeper']);
    expect(said('吴秀兰不安排就见不到院长')).to.deep.equal(['吴秀兰:gatekeeper']);
    expect(said('招标这块刘敏不点头就没法往下走')).to.deep.equal(['刘敏:gatekeeper']);
    expect(said('刘敏那边没签字钱就出不来')).to.deep.equal(['刘敏:gatekeeper']);
  });

  it('reads a review everything must pass first as 把关者, and keeps the reviewed topic as a pain point', () => {
    expect(said('孙丽要先审核资质')).to.deep.equal(['孙丽:gatekeeper']);
    expect(said('方案得张杰审过了才能上会')).to.deep.equal(['张杰:gatekeeper']);
    expect(said('要黄海涛那边先过一遍')).to.deep.equal(['黄海涛:gatekeeper']);
    expect(said('方案提交前得给马强看一下')).to.deep.equal(['马强:gatekeeper']);
    const u = understand('孙丽要先审核资质', { now: NOW, contacts: CONTACTS, fields: [], photoTags: [], matchPainPoints: (t) => (t.includes('资质') ? ['资质'] : []) });
    expect(u.slots.role?.role).to.equal('gatekeeper');
    expect(u.slots.painPoints).to.deep.equal(['资质']);
  });

  it('leaves the whole deal\'s yes to the decider, a plain refusal a stance, and a review said of nobody no role', () => {
    expect(said('这事得刘敏点头')).to.deep.equal(['刘敏:decider']);
    expect(said('刘敏不同意提前付款')).to.deep.equal(['刘敏:-/oppose']);
    expect(said('资质审核要两周')).to.deep.equal([]);
    expect(said('方案要先审核一遍')).to.deep.equal([]);
  });
});

describe('the purchaser said by the action', () => {
  it('reads who places the orders, runs the purchasing paperwork or is the one to go to for it as 采购者', () => {
    for (const t of ['订单由周芳来下', '单子一般是周芳在下', '订货的事找周芳', '招标手续是周芳去跑', '采购单是周芳出的', '下单得走周芳那边', '周芳是经办人']) {
      expect(said(t), t).to.deep.equal(['周芳:buyer']);
    }
  });
});

describe('a newcomer whose post a contact already holds', () => {
  it('is the name said, never the contact with that title, whatever verb follows the name', () => {
    for (const t of ['这事现在由新来的副院长郑涛拍板', '刚来的副院长郑涛签字', '新上任的副院长郑涛审核合同', '新换的副院长郑涛管这事']) {
      const p = detectPeople(t, CONTACTS).find((x) => x.fullName === '郑涛');
      expect(p, t).to.include({ match: 'none' });
      expect(changes(t), t).to.deep.equal(['joined:郑涛']);
    }
  });
});

describe('leaving said plainly', () => {
  it('reads 不在医院干了 / 不在我们医院了 / 去了别的医院 as 离职, and 不在<科室>了 / 换到<科室> as 调岗', () => {
    expect(changes('刘伟已经不在医院干了')).to.deep.equal(['left:刘伟']);
    expect(changes('张杰不在我们医院了')).to.deep.equal(['left:张杰']);
    expect(changes('马强去了别的医院')).to.deep.equal(['left:马强']);
    expect(changes('马强去竞品那边了')).to.deep.equal(['left:马强']);
    expect(changes('周芳被别家挖走了')).to.deep.equal(['left:周芳']);
    expect(changes('刘敏不在财务部了')).to.deep.equal(['transferred:刘敏']);
    expect(changes('陈静换到别的科室了')).to.deep.equal(['transferred:陈静']);
    expect(changes('王建国退休了')).to.deep.equal(['left:王建国']);
  });
});

describe('picking one of two contacts', () => {
  it('takes 1, 第二个 or the name', () => {
    const two = CONTACTS.filter((c) => c.name.startsWith('刘'));
    expect(pickContact('1', two)?.name).to.equal(two[0].name);
    expect(pickContact('第二个', two)?.name).to.equal(two[1].name);
    expect(pickContact(two[1].name, two)?.name).to.equal(two[1].name);
  });
});
