import { expect } from 'chai';
import { dateOnlyAnswer } from '../../../core/understanding/date-answer.js';

describe('dateOnlyAnswer (a time given where another answer was asked)', () => {
  const now = new Date('2026-12-07T10:00:00+08:00');

  it('recognises a bare date or time, with going-again words around it', () => {
    for (const t of ['明天下午三点再去', '下周三', '12月15日', '后天上午再来拜访', '明天下午3点吧']) {
      expect(dateOnlyAnswer(t, now), t).to.not.equal(null);
    }
    expect(dateOnlyAnswer('明天下午三点再去', now)!.at.toISOString()).to.equal('2026-12-08T07:00:00.000Z');
  });

  it('leaves alone an answer that mentions a date but says something else', () => {
    for (const t of ['设备科说耗材编码要下周才下来', '明天去永辉', '竞品低价，决策人未见', '采购经理下周三出差，报价批不下来']) {
      expect(dateOnlyAnswer(t, now), t).to.equal(null);
    }
  });
});
