import { expect } from 'chai';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: leads (routing and conversion)', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('routes every lead to a rep of the team by its manager and converts some into customers the rep owns, with an opportunity', async () => {
    const { rows: [r] } = await demo.pool.query(`
      SELECT count(*)::int AS leads,
             count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM lead_assignments a JOIN users m ON m.id = a.by_user_id
                                                 WHERE a.lead_id = l.id AND a.to_user_id = l.assignee_id AND m.role = 'manager'))::int AS unrouted,
             count(*) FILTER (WHERE l.status = 'converted')::int AS converted,
             count(*) FILTER (WHERE l.status = 'converted' AND NOT EXISTS (
               SELECT 1 FROM customers c JOIN opportunities o ON o.customer_id = c.id AND o.lead_id = l.id
                WHERE c.id = l.customer_id AND c.name = l.company AND c.owner_id = l.assignee_id
                  AND l.created_at < l.converted_at AND l.converted_at <= $1))::int AS broken,
             count(*) FILTER (WHERE l.status = 'disqualified')::int AS disqualified
        FROM leads l`, [demo.now]);
    expect(r.leads).to.be.greaterThan(100);
    expect(r.unrouted).to.equal(0);
    expect(r.broken).to.equal(0);
    expect(r.converted).to.be.greaterThan(20);
    expect(r.disqualified).to.be.greaterThan(20);
  });
});
