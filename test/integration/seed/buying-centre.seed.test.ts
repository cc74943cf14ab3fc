import { expect } from 'chai';
import { PROCUREMENT_STAGES, procurementStatusOf } from '../../../core/profile/procurement.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: procurement progress and buying-centre changes', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('gives a share of the open deals procurement steps in order, from 预算申报 on, between the deal and today, 中标 only from 合同签约 on', async () => {
    const { rows } = await demo.pool.query(`
      SELECT e.opportunity_id, array_agg(e.stage ORDER BY e.occurred_on, e.id) AS stages,
             bool_and(e.occurred_on >= (o.created_at AT TIME ZONE 'Asia/Shanghai')::date
                      AND e.occurred_on <= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date) AS in_window,
             bool_and(o.status = 'open') AS open,
             bool_and(e.stage <> 'bid_won' OR o.stage_code NOT IN ('lead_qualified','needs_analysis','solution_quote','negotiation')) AS won_late
        FROM procurement_events e JOIN opportunities o ON o.id = e.opportunity_id GROUP BY e.opportunity_id
        -- the demo organisation's three hand-made hospital deals carry their own steps, budgets without an amount
      HAVING bool_or(e.stage = 'budget_requested' AND e.amount IS NOT NULL)`, [demo.now]);
    const { rows: [open] } = await demo.pool.query(`SELECT count(*)::int AS n FROM opportunities WHERE status = 'open'`);
    expect(rows.length).to.be.within(Math.ceil(open.n * 0.3), Math.floor(open.n * 0.9));
    for (const r of rows) {
      expect(r.stages, `deal ${r.opportunity_id}`).to.deep.equal(PROCUREMENT_STAGES.slice(0, r.stages.length));
      expect(r.in_window && r.open && r.won_late, `deal ${r.opportunity_id}`).to.equal(true);
    }
    expect(new Set(rows.map((r) => r.stages.length)).size, 'deals at several steps').to.be.at.least(3);
    const status = await procurementStatusOf(demo.pool, [Number(rows[0].opportunity_id)]);
    expect(status.get(Number(rows[0].opportunity_id))!.stageLabel).to.not.equal('尚无采购进展');
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
