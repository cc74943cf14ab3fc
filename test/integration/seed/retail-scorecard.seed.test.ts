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

  it('gives the stores a 门店整改 history from patrols and the scorecard\'s one tap: on time, late, open, one escalated', async () => {
    const { rows: fixes } = await demo.pool.query(`
      SELECT a.id, a.status, a.due_at, a.customer_id, COALESCE(a.verified_at, a.submitted_at) AS done_at, u.role AS assigner_role,
             EXISTS (SELECT 1 FROM retail_patrols p WHERE a.id = ANY(p.fix_action_ids)) AS from_patrol,
             (SELECT count(*)::int FROM submissions s WHERE s.action_id = a.id AND s.outcome = 'accepted' AND jsonb_array_length(s.payload->'attachmentIds') > 0) AS with_photo
        FROM actions a JOIN users u ON u.id = a.assigner_id WHERE a.definition_code = 'store_fix'`);
    const done = fixes.filter((f) => f.done_at);
    const onTime = done.filter((f) => f.done_at <= f.due_at);
    expect(onTime.length, 'done on time').to.be.greaterThan(3);
    expect(done.length - onTime.length, 'done late').to.be.greaterThan(3);
    expect(done.every((f) => f.with_photo === 1), 'each answered with its after-photo').to.equal(true);
    expect(fixes.filter((f) => f.from_patrol).length).to.be.greaterThan(5);
    expect(fixes.filter((f) => f.assigner_role === 'manager').length, 'from the scorecard\'s one tap').to.be.greaterThan(2);
    expect(fixes.filter((f) => f.status === 'escalated').length, 'escalated by the overdue job').to.be.greaterThan(0);
    // escalated by the job itself, once: one alert per action and step
    const { rows: [alerts] } = await demo.pool.query(`
      SELECT count(*)::int AS n, count(DISTINCT (subject_id, dedupe_key))::int AS distinct_n FROM alerts
       WHERE rule_code = 'overdue_escalation' AND subject_id = ANY($1::bigint[])`, [fixes.map((f) => f.id)]);
    expect(alerts.n).to.be.greaterThan(0).and.equal(alerts.distinct_n);
    // this month's 整改及时率 is counted at the director's stores, and apart
    const director = (await loadActiveActor(demo.pool, { wecomUserid: 'director.wang' }))!;
    const { regions } = await rankStores(demo.pool, director, { period: 'month' }, demo.now);
    const values = new Set<number>();
    for (const s of regions.flatMap((r) => r.stores)) {
      const card = await storeScorecard(demo.pool, director, s.id, { period: 'month' }, demo.now);
      const v = card.metrics.find((m) => m.code === 'fix_on_time')!.value;
      if (v !== null) values.add(v);
    }
    expect(values.size, [...values].join(',')).to.be.greaterThan(2);
  });
});
