import { expect } from 'chai';
import { isContentFreeObstacle } from '../../../core/reports/obstacle-answer.js';

describe('isContentFreeObstacle (今日关键障碍 must name a blocker)', () => {
  it('takes 没问题, 无, 暂无, 一切顺利 and their punctuation or repetition for no answer', () => {
    for (const t of ['没问题', '无', '暂无。', ' 一切顺利！', '没有', 'OK', 'n/a', '无无', '没问题没问题', '', '  ', '…']) {
      expect(isContentFreeObstacle(t), t).to.equal(true);
    }
  });

  it('accepts any answer that says what is stuck, even one starting with a content-free word', () => {
    for (const t of ['设备科说耗材编码还没下来', '没问题的话下周就能签，但法务还没回复', '无人对接采购', '竞品低价']) {
      expect(isContentFreeObstacle(t), t).to.equal(false);
    }
  });
});
