import { expect } from 'chai';
import { PROCUREMENT_STAGES, procurementStatusOf } from '../../../core/profile/procurement.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: procurement progress and buying-centre changes', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('gives a share of the open deals procurement steps in order, from 预算申报 on, between the deal and today, 中标 only from 合同签约 on', async () => {
    const { rows } = await demo.pool.query(`
      SELECT e.opportunity_id, array_agg(e.stage ORDER BY e.occurred_on, e.id) AS stages, min(o.status) AS status,
             bool_and(e.occurred_on >= (o.created_at AT TIME ZONE 'Asia/Shanghai')::date
                      AND e.occurred_on <= (coalesce(o.closed_at, $1::timestamptz) AT TIME ZONE 'Asia/Shanghai')::date) AS in_window,
             bool_and(e.stage <> 'bid_won' OR o.stage_code NOT IN ('lead_qualified','needs_analysis','solution_quote','negotiation')) AS won_late
        FROM procurement_events e JOIN opportunities o ON o.id = e.opportunity_id GROUP BY e.opportunity_id
        -- the demo organisation's three hand-made hospital deals carry their own steps, budgets without an amount
      HAVING bool_or(e.stage = 'budget_requested' AND e.amount IS NOT NULL)`, [demo.now]);
    const { rows: [open] } = await demo.pool.query(`SELECT count(*)::int AS n FROM opportunities WHERE status = 'open'`);
    const opened = rows.filter((r) => r.status === 'open');
    expect(opened.length).to.be.within(Math.ceil(open.n * 0.3), Math.floor(open.n * 0.9));
    for (const r of rows) {
      expect(r.stages, `deal ${r.opportunity_id}`).to.deep.equal(PROCUREMENT_STAGES.slice(0, r.stages.length));
      expect(r.in_window && r.won_late, `deal ${r.opportunity_id}`).to.equal(true);
    }
    expect(new Set(opened.map((r) => r.stages.length)).size, 'deals at several steps').to.be.at.least(3);
    const status = await procurementStatusOf(demo.pool, [Number(opened[0].opportunity_id)]);
    expect(status.get(Number(opened[0].opportunity_id))!.stageLabel).to.not.equal('尚无采购进展');
  });

  it('takes a closed deal\'s procurement as far as it got before it closed: most won deals far along, lost ones seldom', async () => {
    const { rows } = await demo.pool.query(`
      SELECT o.status, avg(coalesce(p.n, 0))::float8 AS steps, count(*)::int AS deals
        FROM opportunities o LEFT JOIN (SELECT opportunity_id, count(*) AS n FROM procurement_events GROUP BY 1) p ON p.opportunity_id = o.id
       WHERE o.status IN ('won', 'lost') GROUP BY o.status`);
    const by = Object.fromEntries(rows.map((r) => [r.status, r]));
    expect(by.won.deals).to.be.greaterThan(10);
    expect(by.lost.deals).to.be.greaterThan(10);
    expect(by.won.steps).to.be.greaterThan(by.lost.steps + 1);
  });

  it('dates the roles beside the decider as found out while a closed deal ran — mostly for won deals — or after it was over', async () => {
    const { rows } = await demo.pool.query(`
      SELECT o.status, e.recorded_at < o.closed_at AS before_close, count(*)::int AS n
        FROM contact_events e
        JOIN LATERAL (SELECT x.status, x.closed_at FROM opportunities x WHERE x.customer_id = e.customer_id AND x.status IN ('won','lost')
                       ORDER BY x.closed_at, x.id LIMIT 1) o ON true
       WHERE e.kind = 'role_changed' AND e.before->>'buyingRole' IS NULL AND e.source = 'app'
       GROUP BY 1, 2`);
    const n = (status: string, before: boolean) => rows.find((r) => r.status === status && r.before_close === before)?.n ?? 0;
    const share = (status: string) => n(status, true) / (n(status, true) + n(status, false));
    expect(n('won', true) + n('lost', false)).to.be.greaterThan(20);
    expect(share('won')).to.be.greaterThan(share('lost') + 0.25);
    // the contact as it is now has the role; its start says it was not known
    const { rows: [k] } = await demo.pool.query(`
      SELECT k.buying_role, s.after->>'buyingRole' AS at_start FROM contact_events e JOIN contacts k ON k.id = e.contact_id
        JOIN contact_events s ON s.contact_id = k.id AND s.kind IN ('added', 'first_known')
       WHERE e.kind = 'role_changed' AND e.before->>'buyingRole' IS NULL AND e.source = 'app' ORDER BY e.id LIMIT 1`);
    expect(k.buying_role).to.be.a('string');
    expect(k.at_start).to.equal(null);
  });

  it('records 调岗, 离职 with a 新任 successor and 汇报关系变化 on demo customers, each applied to the contact it names', async () => {
    const { rows } = await demo.pool.query(`
      SELECT e.kind, e.occurred_on, e.after, k.status, k.title, k.reports_to_id, k.customer_id = e.customer_id AS same_customer
        FROM contact_events e JOIN contacts k ON k.id = e.contact_id WHERE e.kind IN ('transferred','left','joined','reporting_changed')`);
    expect(new Set(rows.map((r) => r.kind))).to.deep.equal(new Set(['transferred', 'left', 'joined', 'reporting_changed']));
    for (const r of rows) {
      expect(r.same_customer).to.equal(true);
      expect(r.occurred_on <= demo.now.toISOString().slice(0, 10)).to.equal(true);
      if (r.kind === 'left') expect(r.status).to.equal('left');
      if (r.kind === 'transferred') expect(r.title).to.equal(r.after.title);
      if (r.kind === 'joined') expect(r.after.replacesContactId).to.be.a('number');
      if (r.kind === 'reporting_changed') expect(r.reports_to_id).to.not.equal(null);
    }
  });
});
