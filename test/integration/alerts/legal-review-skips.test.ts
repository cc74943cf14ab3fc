import { expect } from 'chai';
import type pg from 'pg';
import { runLegalReviewSkipsCheck, weekStart } from '../../../core/alerts/legal-review-skips.js';
import { freshDatabase } from '../../support/database.js';
import { aMorningAfterSeed, clock, DAY, deps, lookups } from '../jobs/jobs-helpers.js';

describe('legal review skips check (跳过法务审核)', () => {
  let pool: pg.Pool;
  let t: ReturnType<typeof clock>;
  let $: ReturnType<typeof lookups>;

  before(async () => {
    ({ pool } = await freshDatabase(4));
    $ = lookups(pool);
  });
  beforeEach(async () => {
    t = clock(aMorningAfterSeed());
    await pool.query('TRUNCATE alert_recipients, outbox, alerts, alert_rule_runs CASCADE');
    await pool.query(`UPDATE alert_rules SET params = params || '{"minSkips": 3, "windowDays": 30}' WHERE code = 'legal_review_skips'`);
  });

  it('alerts rep.zhou\'s manager and compliance, listing the three opportunities and the reasons', async () => {
    const r = await runLegalReviewSkipsCheck(deps(pool, t.now));
    expect(r).to.include({ opened: 1, messages: 2 });
    expect(r.summary).to.include('跳过「法务审核」');
    const [a] = await $.rows(`SELECT * FROM alerts WHERE rule_code = 'legal_review_skips'`);
    expect(a).to.include({ subject_type: 'user', subject_id: await $.userId('rep.zhou'), owner_id: await $.userId('rep.zhou') });
    expect(a.title).to.equal('周婷近30天3次跳过「法务审核」');
    expect(a.dedupe_key).to.match(/^legal_review_skips:\d+:\d{4}-\d{2}-\d{2}$/);
    expect(a.data.opportunities.map((o: any) => o.name).sort()).to.deep.equal(['京客隆经销协议续签', '华润万家零食专区', '物美饮料堆头合作'].sort());
    expect(a.data.opportunities[0].reason).to.equal('客户法务已线下确认，赶月底签约');
    expect(a.summary).to.include('涉及商机').and.include('物美饮料堆头合作');
    const to = await $.rows(
      `SELECT u.wecom_userid, ar.role_reason, o.recipient FROM alert_recipients ar JOIN users u ON u.id = ar.user_id
         LEFT JOIN outbox o ON o.id = ar.outbox_id WHERE ar.alert_id = $1 ORDER BY u.wecom_userid`, [a.id]);
    expect(to.map((x) => [x.wecom_userid, x.role_reason, x.recipient])).to.deep.equal([
      ['compliance.he', 'compliance', 'compliance.he'], ['mgr.chen', 'manager', 'mgr.chen'],
    ]);
  });

  it('raises once per rep per week, and again the next week while the skips are still in the window', async () => {
    await runLegalReviewSkipsCheck(deps(pool, t.now));
    t.advance(DAY / 2);
    expect((await runLegalReviewSkipsCheck(deps(pool, t.now))).opened).to.equal(0);
    t.set(new Date(weekStart(t.now()).getTime() + 7 * DAY + 10 * 3_600_000));
    expect((await runLegalReviewSkipsCheck(deps(pool, t.now))).opened).to.equal(1);
    expect(await $.count(`alerts WHERE rule_code = 'legal_review_skips'`)).to.equal(2);
  });

  it('follows the rule\'s threshold and window as configured now', async () => {
    await pool.query(`UPDATE alert_rules SET params = params || '{"minSkips": 4}' WHERE code = 'legal_review_skips'`);
    expect((await runLegalReviewSkipsCheck(deps(pool, t.now))).opened).to.equal(0);
    await pool.query(`UPDATE alert_rules SET params = params || '{"minSkips": 3}' WHERE code = 'legal_review_skips'`);
    t.advance(40 * DAY); // the seed's skips are now older than the 30-day window
    expect((await runLegalReviewSkipsCheck(deps(pool, t.now))).opened).to.equal(0);
  });
});
