import { expect } from 'chai';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: orders and contracts', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('signs exactly one contract for every deal won in the history, for its amount, when it closed', async () => {
    const { rows } = await demo.pool.query(`
      SELECT o.id, o.amount, o.closed_at, array_agg(x.amount) FILTER (WHERE x.kind = 'contract') AS contracts,
             array_agg(x.ordered_at) FILTER (WHERE x.kind = 'contract') AS signed
        FROM opportunities o LEFT JOIN orders x ON x.opportunity_id = o.id
       WHERE o.status = 'won' AND o.closed_at >= $1::timestamptz - interval '90 days' GROUP BY o.id`, [demo.now]);
    expect(rows.length).to.be.at.least(20);
    for (const r of rows) {
      expect(r.contracts, `deal ${r.id}`).to.deep.equal([r.amount]);
      expect(r.signed[0].toISOString(), `deal ${r.id}`).to.equal(r.closed_at.toISOString());
    }
  });

  it('dates every generated order in the past and none before its customer became one', async () => {
    const { rows } = await demo.pool.query(`
      SELECT x.order_no FROM orders x JOIN customers c ON c.id = x.customer_id
       WHERE x.order_no ~ '^(HT|SO)[0-9]{8}-' AND (x.ordered_at > $1 OR x.ordered_at < c.became_active_at)`, [demo.now]);
    expect(rows).to.deep.equal([]);
    const { rows: [n] } = await demo.pool.query(`SELECT count(*)::int AS n FROM orders WHERE order_no ~ '^(HT|SO)[0-9]{8}-'`);
    expect(n.n).to.be.greaterThan(100);
  });
});
