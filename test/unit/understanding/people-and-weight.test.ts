import { expect } from 'chai';
import { ATTITUDE_LABELS } from '../../../core/flow/buying-centre.js';
import { chainStatements, detectPeople, isSureMatch } from '../../../core/understanding/decision-chain.js';
import type { TopicGuess } from '../../../core/understanding/extract-slots.js';
import { rankIntents } from '../../../core/understanding/intent-router.js';
import { understand } from '../../../core/understanding/understand.js';
import { TABLE_CONTACTS as CONTACTS, TABLE_NOW as NOW } from '../../../core/understanding/learned/training-set.js';

/**
 * People said the familiar way (老王, 陈姐), roles said by what someone does or weighs, stances that name a topic, and
 * declining to answer — over the public table's hospital contacts (two 刘, two 李, one 王, 陈, 孙, 周, 马 …).
 */
const who = (text: string) => {
  const p = detectPeople(text, CONTACTS)[0];
  if (!p) return null;
  return isSureMatch(p) ? p.candidates[0].name : p.candidates.length > 0 ? `?${p.candidates.map((c) => c.name).join('/')}` : `+${p.mention}`;
};

describe('people said the familiar way', () => {
  it('takes 老王 / 小周 / 陈姐 / 孙老师 / 黄老师 as the one contact of that surname', () => {
    expect(who('老王说了算')).to.equal('王建国');
    expect(who('小周负责采购')).to.equal('周芳');
    expect(who('陈姐天天用')).to.equal('陈静');
    expect(who('孙老师很支持我们')).to.equal('孙丽');
    expect(who('黄老师对我们有意见')).to.equal('黄海涛');
  });

  it('asks between the contacts when several share the surname, and offers to create one when none does', () => {
    expect(who('老刘是拍板的')).to.equal('?刘伟/刘敏');
    expect(who('小李挺支持我们的')).to.equal('?李明/李娜');
    expect(who('老钱是拍板的人')).to.equal('+老钱');
  });

  it('does not take 小于, 小钱, 老黄历, 养老金 or 小王子 for a person', () => {
    for (const t of ['不能小于五台', '赚点小钱', '还是老黄历', '养老金的事', '小王子看完了']) expect(who(t), t).to.equal(null);
  });
});

describe('roles said by what someone does or weighs', () => {
  const roleOf = (text: string) => chainStatements(text, CONTACTS, []).filter((s) => s.role).map((s) => `${s.person?.mention ?? '-'}:${s.role!.role}`);

  it('reads daily use as 使用者 and weight on the decision as 影响者, of the person said', () => {
    expect(roleOf('设备主要是李娜在操作')).to.deep.equal(['李娜:user']);
    expect(roleOf('仪器日常都是孙丽在用')).to.deep.equal(['孙丽:user']);
    expect(roleOf('黄海涛对方案有很大影响力')).to.deep.equal(['黄海涛:influencer']);
    expect(roleOf('马强对结果影响很大')).to.deep.equal(['马强:influencer']);
    // whose opinion weighs: 李明's, not the 院长 who values it
    expect(roleOf('王院长很看重李明的意见')).to.deep.equal(['李明:influencer']);
    // a new name right before 每天/天天 is a name (护士长宋佳天天用), and a given name starting with 天 stays whole
    expect(roleOf('新来的护士长宋佳天天用')).to.deep.equal(['宋佳:user']);
    expect(detectPeople('王天明是拍板的', CONTACTS)[0].fullName).to.equal('王天明');
  });

  it('reads no role from weight or use said of nobody, and gives a use said of a group to the one named next', () => {
    expect(roleOf('疫情对销量影响很大')).to.deep.equal([]);
    expect(roleOf('系统在操作中，稍等')).to.deep.equal([]);
    expect(roleOf('设备主要是护士在用，陈护士长带头')).to.deep.equal(['陈护士长:user']);
  });

  it('keeps a use of a rival product a stance, not a role', () => {
    expect(roleOf('平时都是周芳在用竞品')).to.deep.equal([]);
  });
});

describe('a stance that names a topic', () => {
  const leaning: (text: string) => TopicGuess = () => ({ verdict: 'ask', choices: ['价格偏高', '竞品'], p: 0.5 });
  const read = (text: string) => understand(text, { now: NOW, contacts: CONTACTS, guessTopic: leaning, matchPainPoints: () => [] });

  it('records the stance said and asks no topic question over it', () => {
    for (const [text, name, attitude] of [['刘敏对价格很有意见', '刘敏', '反对'], ['周芳嫌交期太长', '周芳', '反对'], ['黄主任对售后不满意', '黄主任', '反对']]) {
      const u = read(text);
      expect(u.intent.clarify, text).to.equal(null);
      expect(u.slots.person?.mention, text).to.equal(name);
      expect(ATTITUDE_LABELS[u.slots.attitude!], text).to.equal(attitude);
      expect(u.slots.topicQuestion, text).to.equal(undefined);
    }
  });

  it('still asks which topic when the words state no stance', () => {
    expect(read('交期太长了').slots.topicQuestion).to.deep.equal(['价格偏高', '竞品']);
  });
});

describe('declining to answer', () => {
  const command = (text: string, pendingSlot?: string) => {
    const u = understand(text, { now: NOW, contacts: CONTACTS, ...(pendingSlot ? { pendingSlot } : {}) });
    return u.intent.best?.kind === 'command' && !u.intent.clarify ? u.intent.best.command : null;
  };

  it('skips the pending question when the rep will not or not yet answer it', () => {
    for (const t of ['这题不答', '不想说', '保密', '这个不方便透露', '回头再说吧', '暂时不说了', '这个我不想回答', '这个不能讲', '人家要求保密']) {
      expect(command(t, 'fields.nextContactAt'), t).to.equal('skip');
      expect(command(t, 'fields.decisionRole'), t).to.equal('skip');
    }
  });

  it('with no question pending, takes a refusal of 这题 itself as 跳过, and no rule reads 回头再说 so (the customer may have said it)', () => {
    expect(command('这个问题我不回答')).to.equal('skip');
    expect(command('这题不答')).to.equal('skip');
    const rules = rankIntents('回头再说吧', { now: NOW, contacts: CONTACTS });
    expect(rules.filter((r) => r.command === 'skip')).to.deep.equal([]);
  });
});
