import { expect } from 'chai';
import { approximatePastDay, roughPeriodDay, vaguePastWords } from '../../../core/understanding/past-dates.js';

describe('approximate past dates (core/understanding/past-dates)', () => {
  const today = '2026-12-07'; // a Monday
  const cases: Array<[string, string, string]> = [
    ['刘伟上个月离职了', '2026-11-15', '约11月'],
    ['上上个月底调走的', '2026-10-25', '约10月底'],
    ['月初就不在了', '2026-12-05', '约12月初'],
    ['年初开始归王院长管', '2026-01-15', '约2026年初'],
    ['去年年底退休了', '2025-12-15', '约2025年底'],
    ['上周调岗了', '2026-12-02', '约11月30日那周'],
    ['两周前走的', '2026-11-25', '约11月23日那周'],
    ['半个月前离职', '2026-11-22', '约11月22日前后'],
    ['三个月前调到设备科', '2026-09-15', '约9月'],
  ];
  for (const [text, day, label] of cases) {
    it(`reads "${text}" as ${day}, labelled ${label}`, () => {
      expect(approximatePastDay(text, today)).to.deep.equal({ day, label });
    });
  }

  it('leaves a day actually said (上周五) and a sentence with no time at all to the exact reader', () => {
    expect(approximatePastDay('上周五离职了', today)).to.equal(null);
    expect(approximatePastDay('刘伟离职了', today)).to.equal(null);
  });

  it('takes the week before on a Sunday as the week before that Sunday', () => {
    expect(approximatePastDay('上周调走了', '2026-12-06')?.label).to.equal('约11月23日那周');
  });

  it('gives no estimate that lies ahead (月初 said on the 3rd is not yet the 5th)', () => {
    expect(approximatePastDay('月初调岗', '2026-12-03')).to.equal(null);
  });
});

describe('vague past times and the periods asked about them (core/understanding/past-dates)', () => {
  const today = '2026-12-09'; // a Wednesday

  it('finds the words that say when with nothing to estimate from, and none in a sentence with a time or none at all', () => {
    expect(['刘伟前段时间离职了', '他最近调走了', '之前就退休了', '那阵子走的', '前几天辞职了'].map(vaguePastWords))
      .to.deep.equal(['前段时间', '最近', '之前', '那阵子', '前几天']);
    expect(vaguePastWords('刘伟离职了')).to.equal(null);
  });

  const cases: Array<[string, string, string]> = [
    ['本周', '2026-12-09', '约12月7日那周'],
    ['上周', '2026-12-02', '约11月30日那周'],
    ['本月', '2026-12-05', '约12月'],
    ['上个月', '2026-11-15', '约11月'],
    ['更早', '2026-10-31', '11月以前'],
  ];
  for (const [answer, day, label] of cases) {
    it(`dates the answer ${answer} as ${day}, labelled ${label}`, () => {
      expect(roughPeriodDay(answer, today)).to.deep.equal({ day, label });
    });
  }

  it('keeps this week\'s estimate from lying ahead on a Monday, and leaves a day said (上周五) to the day reader', () => {
    expect(roughPeriodDay('这周', '2026-12-07')).to.deep.equal({ day: '2026-12-07', label: '约12月7日那周' });
    expect(roughPeriodDay('上周五', today)).to.equal(null);
    expect(roughPeriodDay('更早', '2027-01-10')?.label).to.equal('2026年12月以前');
  });
});
