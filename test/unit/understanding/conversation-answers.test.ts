import { expect } from 'chai';
import { rankIntents, routeIntent } from '../../../core/understanding/intent-router.js';
import { answersNo, isNo, isYes } from '../../../core/understanding/intents.js';
import { understand } from '../../../core/understanding/understand.js';
import { parseZhDateTime } from '../../../core/understanding/zh-datetime.js';
import { TABLE_CONTACTS as CONTACTS, TABLE_NOW as NOW } from '../../../core/understanding/learned/training-set.js';

/**
 * The conversation around a report (#24): a yes/no question answered without 是/否 words, not knowing an answer, and
 * days said loosely. NOW is Wednesday 9 December 2026, 10:00 in Shanghai.
 */
const best = (text: string, ctx: { pendingSlot?: string; awaitingYesNo?: boolean }) => {
  const r = routeIntent(text, { now: NOW, contacts: CONTACTS, ...ctx });
  return r.clarify ? 'ask' : r.best?.kind === 'command' ? `cmd=${r.best.command}` : r.best?.kind ?? null;
};

describe('a yes/no question answered in other words', () => {
  it('takes 算了吧 / 先不了 / 再想想 / 回头吧 to 确认提交吗 as no: the question is put off, not the report', () => {
    for (const said of ['算了吧', '还是算了', '先不了', '再想想', '回头吧', '算了，先不交', '不用了']) {
      expect(answersNo(said), said).to.equal(true);
      expect(best(said, { awaitingYesNo: true }), said).to.equal('no');
    }
  });

  it('keeps 算了 as 取消 with nothing asked, and a no word alone is still a plain no', () => {
    expect(best('算了', {})).to.equal('cmd=cancel');
    expect(isNo('算了吧')).to.equal(false);
    expect(isNo('先别')).to.equal(true);
    expect(answersNo('算了，这个报告取消')).to.equal(false);
  });

  it('takes 好嘞 / 得嘞 / 中 / 那就交吧 as yes', () => {
    for (const said of ['好嘞', '得嘞', '中', '那就交吧', '好嘞，交吧']) expect(isYes(said), said).to.equal(true);
  });
});

describe('not knowing the answer to the question pending', () => {
  it('skips the pending question on 不知道 / 没问 / 忘了问 / 还没定 / 问了再补', () => {
    for (const said of ['不知道', '这个我没问', '忘了问', '客户还没定', '下次问了再补', '不太清楚', '待定']) {
      expect(best(said, { pendingSlot: 'fields.decisionRole' }), said).to.equal('cmd=skip');
    }
  });

  it('reads none of them as 跳过 with nothing asked, nor a sentence that only begins so', () => {
    for (const said of ['不知道', '忘了问']) expect(rankIntents(said, { now: NOW }).some((i) => i.command === 'skip'), said).to.equal(false);
    expect(best('不知道他们怎么想的', { pendingSlot: 'fields.decisionRole' })).to.not.equal('cmd=skip');
  });
});

describe('days said loosely', () => {
  const day = (text: string) => { const d = parseZhDateTime(text, NOW); return d ? d.at.toISOString().slice(0, 10) : null; };

  it('reads a bare 中旬 / 下旬 in this month, or the next once past, and 元旦后 as the first working day after it', () => {
    expect(day('中旬再去')).to.equal('2026-12-15');
    expect(day('下旬')).to.equal('2026-12-25');
    expect(day('上旬')).to.equal('2027-01-05');
    // 1 January 2027 is a Friday: the weekend after it is still the holiday
    expect(day('元旦后再联系')).to.equal('2027-01-04');
  });

  it('asks 这两天 and 节后 with the days they may mean, and records no day', () => {
    const u = understand('这两天再去一趟', { now: NOW, contacts: CONTACTS });
    expect(u.slots.fields.some((f) => f.key === 'nextContactAt')).to.equal(false);
    expect(u.slots.vagueDate?.choices?.map((c) => `${c.words} ${c.display}`)).to.deep.equal(['明天 12月10日（周四）', '后天 12月11日（周五）']);
    expect(understand('节后再去拜访', { now: NOW, contacts: CONTACTS }).slots.vagueDate?.choices?.map((c) => c.words)).to.deep.equal(['元旦后']);
  });

  it('asks no day for loose words that are not a plan (下次招标要等明年)', () => {
    expect(understand('下次招标要等明年', { now: NOW, contacts: CONTACTS }).slots.vagueDate).to.equal(undefined);
  });
});
