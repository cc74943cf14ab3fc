import { expect } from 'chai';
import type pg from 'pg';
import { pino } from 'pino';
import { sendWeeklyScorecards } from '../../../core/retail/scorecard-weekly.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { freshDatabase } from '../../support/database.js';

describe('the weekly 门店健康度 card to each regional manager', () => {
  let pool: pg.Pool;
  const monday = new Date('2026-04-27T08:30:00+08:00');
  const sys = () => ({ pool, config: { publicUrl: 'https://af.example.com' } as never, logger: pino({ level: 'silent' }), now: () => monday });

  before(async () => {
    ({ pool } = await freshDatabase());
    await seedRetailNetworkForReps(pool, '2026-04-20');
    await pool.query(`UPDATE retail_clerks SET created_at = '2026-03-01T00:00:00+08:00'`);
    await pool.query(`UPDATE retail_inspector_stores SET created_at = '2026-03-01T00:00:00+08:00'`);
  });

  it('names last week\'s five weakest stores of the manager\'s region, weakest first, as a template card opening the ranking — once per week', async () => {
    // last week, seven stores of 华东 converted 1…7 of every 10 recommended shoppers: the rest of their metrics are alike
    const { rows: stores } = await pool.query(`
      SELECT s.customer_id AS id, c.name, k.user_id FROM retail_stores s JOIN customers c ON c.id = s.customer_id JOIN departments d ON d.id = s.region_id
        JOIN LATERAL (SELECT min(user_id) AS user_id FROM retail_clerks WHERE store_id = s.customer_id) k ON true
       WHERE d.name = '华东区' AND k.user_id IS NOT NULL ORDER BY s.customer_id LIMIT 7`);
    expect(stores).to.have.length(7);
    for (const [i, s] of stores.entries()) {
      await pool.query(`INSERT INTO retail_member_referrals (store_id, day, recommended, joined, clerk_id, reported_at) VALUES ($1, '2026-04-22', 10, $2, $3, '2026-04-22T20:00:00+08:00')`,
        [s.id, i + 1, s.user_id]);
    }
    const r = await sendWeeklyScorecards(sys());
    expect(r.week).to.equal('2026-04-20');
    const { rows } = await pool.query(`SELECT recipient, payload FROM outbox WHERE dedupe_key LIKE 'scorecard:week:2026-04-20:%' ORDER BY recipient`);
    const card = rows.find((x) => x.recipient === 'mgr.li')?.payload.template_card;
    expect(card, JSON.stringify(rows.map((x) => x.recipient))).to.be.ok;
    expect(card.card_type).to.equal('text_notice');
    expect(card.main_title.title).to.equal('上周最弱的5家门店');
    expect(card.main_title.desc).to.contain('4月20日–4月26日').and.contain('华东区');
    expect(card.horizontal_content_list).to.have.length(5);
    expect(card.horizontal_content_list.map((h: any) => h.keyname)).to.deep.equal(stores.slice(0, 5).map((s) => s.name.slice(0, 12)));
    expect(card.horizontal_content_list[0].value).to.match(/^\d+(\.\d)?分·差/);
    expect(card.card_action).to.deep.equal({ type: 1, url: 'https://af.example.com/scorecard?period=week&start=2026-04-20' });
    expect(rows.map((x) => x.recipient)).to.not.include('director.wang');
    expect((await sendWeeklyScorecards(sys())).sent).to.equal(0);
  });
});
