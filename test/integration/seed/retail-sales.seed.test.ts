import { expect } from 'chai';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { entryAccuracy } from '../../../core/retail/entry-accuracy.js';
import { listPromotions } from '../../../core/retail/promotions.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: the demo chain\'s POS sales and its clerks\' own figures', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('imports the POS export as one file batch: every store × product × day up to yesterday, nothing today or later', async () => {
    const today = shanghaiDate(demo.now);
    const { rows: [r] } = await demo.pool.query(`
      SELECT (SELECT count(*)::int FROM retail_sales_batches WHERE source = 'file' AND file_name = 'POS销量导出.csv') AS batches,
             (SELECT count(*)::int FROM retail_sales) AS sales,
             (SELECT count(*)::int FROM retail_stores) * (SELECT count(*)::int FROM retail_products) * 56 AS expected,
             (SELECT count(*)::int FROM retail_sales WHERE day >= $1::date OR day < $2::date) AS outside`,
    [today, addCalendarDays(today, -56)]);
    expect(r).to.deep.equal({ batches: 1, sales: r.expected, expected: r.expected, outside: 0 });
    expect(r.sales).to.be.greaterThan(1000);
  });

  it('gives the region\'s manager an accuracy to read: most clerks\' figures right, some off, each miss with both figures', async () => {
    const mgr = (await loadActiveActor(demo.pool, { wecomUserid: 'mgr.li' }))!;
    const view = await entryAccuracy(demo.pool, mgr, {}, demo.now);
    expect(view.overall.matched).to.equal(view.overall.reported).and.be.greaterThan(20);
    expect(view.overall.rate).to.be.within(60, 95);
    expect(view.stores.length).to.be.greaterThan(2);
    expect(view.misses.length).to.be.greaterThan(0);
    for (const m of view.misses) expect(Math.abs(m.reported - m.imported)).to.be.greaterThan(Math.max(1, m.imported * 0.1));
  });

  it('runs a promotion at half of a chain\'s stores in a region, its uplift visible by both methods while it runs', async () => {
    const mgr = (await loadActiveActor(demo.pool, { wecomUserid: 'mgr.li' }))!;
    const { items: [p] } = await listPromotions(demo.pool, mgr, demo.now);
    expect(p).to.deep.include({ name: '夏日饮品第二件半价', status: 'running', days: 10, dataThrough: addCalendarDays(shanghaiDate(demo.now), -1) });
    expect(p!.stores.map((s) => s.name)).to.deep.equal(['罗森淮海中路店', '罗森静安寺店']);
    for (const s of p!.perStore) expect(s.controls).to.deep.equal(['罗森五角场店', '罗森陆家嘴店']);
    // the demo's sales lift the promoted drinks by 45 %: both methods find about that
    expect(p!.prePeriod!.upliftPercent).to.be.within(25, 70);
    expect(p!.matched!.upliftPercent).to.be.within(25, 70);
    expect(p!.matched!.roi).to.be.greaterThan(0);
    expect(p!.unmatched).to.deep.equal([]);
  });
});
