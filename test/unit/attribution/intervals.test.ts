import { expect } from 'chai';
import { median, newcombeDifference, wilson } from '../../../core/attribution/intervals.js';

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

describe('win-rate intervals (core/attribution/intervals.ts)', () => {
  // the worked examples of Newcombe, "Two-sided confidence intervals for the single proportion" (Stat Med 1998)
  it('gives the Wilson score interval of Newcombe\'s published single-proportion examples', () => {
    for (const [k, n, low, high] of [[81, 263, 0.2553, 0.3662], [15, 148, 0.0624, 0.1605], [0, 20, 0, 0.1611], [1, 29, 0.0061, 0.1718]]) {
      const w = wilson(k, n)!;
      expect([r4(w.low), r4(w.high)], `${k}/${n}`).to.deep.equal([low, high]);
      expect(w.rate).to.equal(k / n);
    }
  });

  it('stays inside 0–1 at the ends and has no interval for an empty sample', () => {
    expect(wilson(20, 20)!.high).to.equal(1);
    expect(wilson(0, 5)!.low).to.equal(0);
    expect(wilson(0, 0)).to.equal(null);
  });

  // Newcombe, "Interval estimation for the difference between independent proportions" (Stat Med 1998), method 10
  it('gives Newcombe\'s hybrid score interval for the difference of his published examples', () => {
    for (const [k1, n1, k2, n2, low, high] of [[56, 70, 48, 80, 0.0524, 0.3339], [9, 10, 3, 10, 0.1705, 0.809], [5, 56, 0, 29, -0.0381, 0.1926]]) {
      const d = newcombeDifference(k1, n1, k2, n2)!;
      expect([r4(d.low), r4(d.high)], `${k1}/${n1} − ${k2}/${n2}`).to.deep.equal([low, high]);
      expect(r4(d.diff)).to.equal(r4(k1 / n1 - k2 / n2));
    }
    expect(newcombeDifference(1, 2, 0, 0)).to.equal(null);
  });

  it('takes the median of odd and even lists, none of an empty one', () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(median([])).to.equal(null);
  });
});
