import { expect } from 'chai';
import { monthStart } from '../../../core/dashboards/period.js';
import { Sql } from '../../../core/db/sql.js';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { entryDaysDrift } from '../../../core/retail/entry-days.js';
import { countScorecard } from '../../../core/retail/scorecard-counts.js';
import { scorecardSettings } from '../../../core/retail/scorecard.setting.js';
import { readSetting } from '../../../core/settings/read.js';
import { directEntryCounts, entryCountsOf } from '../../support/entry-days-reference.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: the demo clerks\' entries against the POS, rolled up per store and day', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('counts the demo clerks\' entries from their rollup exactly as the direct join of entries and POS sales did', async () => {
    expect(await entryDaysDrift(demo.pool)).to.deep.equal([]);
    const today = shanghaiDate(demo.now);
    for (const from of [addCalendarDays(today, -7), monthStart(today)]) {
      const period = { from, to: addCalendarDays(today, 1) };
      const counts = await countScorecard(demo.pool, new Sql(), 'TRUE', [period], await readSetting(demo.pool, scorecardSettings), demo.now);
      const direct = await directEntryCounts(demo.pool, period, demo.now);
      expect(direct.size, from).to.be.greaterThan(5);
      expect(entryCountsOf(counts), from).to.deep.equal(direct);
    }
  });
});
