import { expect } from 'chai';
import { approximatePastDay } from '../../../core/understanding/past-dates.js';

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
