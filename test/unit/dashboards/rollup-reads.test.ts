import { expect } from 'chai';
import { rollupBranches } from '../../../core/dashboards/rollup-reads.js';
import { Sql } from '../../../core/db/sql.js';

/** Each branch as [level, sign, from, to] (its two bound parameters). */
function plan(from: string, to: string, monthGrain = true) {
  const ps = new Sql();
  return rollupBranches('action', from, to, ps, monthGrain).map((sql) => {
    const [a, b] = [...sql.matchAll(/\$(\d+)/g)].map((m) => ps.values[Number(m[1]) - 1]);
    return [sql.includes('dash_monthly_current') ? 'month' : 'day', /-r\.total/.test(sql) ? '-' : '+', a, b];
  });
}

describe('rollupBranches: which rollup rows a period is summed from', () => {
  it('reads whole months, however many, in one monthly range', () => {
    expect(plan('2026-03-01', '2026-04-01')).to.deep.equal([['month', '+', '2026-03-01', '2026-04-01']]);
    expect(plan('2026-01-01', '2026-04-01')).to.deep.equal([['month', '+', '2026-01-01', '2026-04-01']]);
  });

  it('reads a short stretch of a month as its days', () => {
    expect(plan('2026-03-03', '2026-03-10')).to.deep.equal([['day', '+', '2026-03-03', '2026-03-10']]);
  });

  it('reads most of a month as the month minus its other days', () => {
    expect(plan('2026-03-01', '2026-03-28')).to.deep.equal([['month', '+', '2026-03-01', '2026-04-01'], ['day', '-', '2026-03-28', '2026-04-01']]);
    expect(plan('2026-03-02', '2026-03-31')).to.deep.equal([
      ['month', '+', '2026-03-01', '2026-04-01'], ['day', '-', '2026-03-01', '2026-03-02'], ['day', '-', '2026-03-31', '2026-04-01'],
    ]);
  });

  it('combines partial months at both ends with the whole ones between', () => {
    expect(plan('2026-01-20', '2026-04-05')).to.deep.equal([
      ['day', '+', '2026-01-20', '2026-02-01'], ['day', '+', '2026-04-01', '2026-04-05'], ['month', '+', '2026-02-01', '2026-04-01'],
    ]);
  });

  it('reads days only when rows must keep their day (grouping by day or week), and nothing for an empty range', () => {
    expect(plan('2026-03-01', '2026-04-01', false)).to.deep.equal([['day', '+', '2026-03-01', '2026-04-01']]);
    expect(plan('2026-03-05', '2026-03-05')).to.deep.equal([]);
  });
});
