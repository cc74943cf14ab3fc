import { expect } from 'chai';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { rankStores, storeScorecard } from '../../../core/retail/scorecard.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: what the demo\'s 门店健康度评分卡 counts', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('gives the regional manager a ranking with real spread, last week and this month: some stores 优, some 差', async () => {
    const mgr = (await loadActiveActor(demo.pool, { wecomUserid: 'mgr.li' }))!;
    const start = addCalendarDays(shanghaiDate(demo.now), -28);
    // the last full week and the current month both rank stores apart
    for (const q of [{ period: 'week' as const, start: addCalendarDays(shanghaiDate(demo.now), -7) }, { period: 'month' as const, start }]) {
      const { regions } = await rankStores(demo.pool, mgr, q, demo.now);
      const bands = regions.flatMap((r) => r.stores).map((s) => s.bandLabel);
      expect(bands, JSON.stringify(q)).to.include('优').and.include('差');
    }
  });

  it('counts patrols, stock-outs answered through the real services, and clerks\' 会员推荐 on a store\'s card', async () => {
    const mgr = (await loadActiveActor(demo.pool, { wecomUserid: 'mgr.li' }))!;
    const { rows: [s] } = await demo.pool.query(`SELECT k.store_id FROM retail_clerks k JOIN users u ON u.id = k.user_id WHERE u.wecom_userid = 'clerk.1'`);
    const card = await storeScorecard(demo.pool, mgr, Number(s.store_id), { period: 'month' }, demo.now);
    // weekly rounds at the stores of the inspectors the patrol module left alone
    const { rows: [p] } = await demo.pool.query('SELECT count(DISTINCT store_id)::int AS n FROM retail_patrols');
    expect(p.n).to.be.greaterThan(5);
    const withData = card.metrics.filter((m) => m.value !== null).map((m) => m.code);
    expect(withData).to.include.members(['stockout_response', 'member_referral', 'entry_accuracy', 'entry_timeliness']);
    const { rows: [n] } = await demo.pool.query(`
      SELECT (SELECT count(*)::int FROM retail_stockouts o JOIN actions a ON a.id = o.action_id WHERE a.status = 'submitted') AS answered,
             (SELECT count(*)::int FROM retail_stockouts) AS stockouts`);
    expect(n.answered).to.be.greaterThan(0).and.lessThan(n.stockouts);
  });
});
