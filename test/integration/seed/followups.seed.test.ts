import { expect } from 'chai';
import { followUpStandardFor } from '../../../core/actions/followup-standard.setting.js';
import { classifyFollowUp } from '../../../core/flow/followup.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed module: follow-ups', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('judges every call and WeChat follow-up as the customer type\'s standard does, at the time it was recorded', async () => {
    const { rows } = await demo.pool.query(`
      SELECT f.id, f.summary, f.payload, f.effective, f.unmet, f.reasons, f.at, c.type
        FROM followups f JOIN customers c ON c.id = f.customer_id WHERE f.action_id IS NULL`);
    expect(rows.length).to.be.greaterThan(100);
    let effective = 0;
    for (const f of rows) {
      const v = classifyFollowUp({
        customerType: f.type, actionItems: f.payload.actionItems, newDocuments: f.payload.newDocuments,
        decisionChainUpdated: f.payload.decisionChainUpdated, summary: f.summary, attachments: f.payload.attachmentIds.length,
      }, await followUpStandardFor(demo.pool, f.type, null, f.at), f.at);
      expect({ effective: v.effective, unmet: v.unmet, reasons: v.reasons }, `follow-up ${f.id}`)
        .to.deep.equal({ effective: f.effective, unmet: f.unmet, reasons: f.reasons });
      if (v.effective) effective++;
    }
    expect(effective).to.be.within(10, rows.length - 10);
  });

  it('names one of the customer\'s own contacts as the 对接人 of every effective call, so the relationship graph sees who was reached', async () => {
    const { rows: [r] } = await demo.pool.query(`
      SELECT count(*) FILTER (WHERE f.effective)::int AS effective,
             count(*) FILTER (WHERE f.effective AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = f.customer_id))::int AS no_contacts,
             count(*) FILTER (WHERE f.effective AND jsonb_array_length(f.payload->'contactIds') = 1)::int AS named,
             count(*) FILTER (WHERE jsonb_array_length(f.payload->'contactIds') > 0 AND NOT EXISTS (
               SELECT 1 FROM contacts k WHERE k.customer_id = f.customer_id AND f.payload->'contactIds' @> to_jsonb(k.id)))::int AS foreign,
             count(DISTINCT f.payload->'contactIds'->0)::int AS distinct_named
        FROM followups f WHERE f.action_id IS NULL`);
    expect(r.foreign).to.equal(0);
    expect(r.named).to.equal(r.effective - r.no_contacts);
    expect(r.distinct_named).to.be.greaterThan(20);
  });

  it('keeps every customer\'s follow-up clocks at its latest follow-up and latest effective one, and some customers silent', async () => {
    const { rows } = await demo.pool.query(`
      SELECT c.id FROM customers c
        JOIN (SELECT customer_id, max(at) AS last, max(at) FILTER (WHERE effective) AS eff FROM followups GROUP BY customer_id) f ON f.customer_id = c.id
       WHERE c.last_followup_at IS DISTINCT FROM f.last OR c.last_effective_followup_at IS DISTINCT FROM f.eff`);
    expect(rows).to.deep.equal([]);
    const { rows: [s] } = await demo.pool.query(`
      SELECT count(*)::int AS n FROM customers WHERE status = 'active' AND last_effective_followup_at < $1::timestamptz - interval '7 days'`, [demo.now]);
    expect(s.n).to.be.at.least(3);
  });
});
