import { expect } from 'chai';
import { shanghaiDate } from '../../../core/flow/time.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed modules: visits, deal tasks and actions', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('gives every rep work due today, overdue work and verified work', async () => {
    const { rows } = await demo.pool.query(`
      SELECT u.wecom_userid,
             count(*) FILTER (WHERE (a.due_at AT TIME ZONE 'Asia/Shanghai')::date = $1::date AND a.status IN ('dispatched','in_progress'))::int AS due_today,
             count(*) FILTER (WHERE a.status IN ('overdue','escalated'))::int AS overdue,
             count(*) FILTER (WHERE a.status = 'verified')::int AS verified,
             count(*) FILTER (WHERE a.status = 'submitted')::int AS waiting
        FROM users u JOIN actions a ON a.assignee_id = u.id WHERE u.role = 'rep' GROUP BY u.wecom_userid`, [shanghaiDate(demo.now)]);
    expect(rows).to.have.length(6);
    for (const r of rows) {
      expect(r.due_today, r.wecom_userid).to.be.at.least(1);
      expect(r.overdue, r.wecom_userid).to.be.at.least(1);
      expect(r.verified, r.wecom_userid).to.be.at.least(5);
      expect(r.waiting, r.wecom_userid).to.be.at.least(1);
    }
  });

  it('keeps every action\'s times in its lifecycle\'s order and none in the future', async () => {
    const { rows } = await demo.pool.query(`
      SELECT id, status FROM actions
       WHERE created_at > $1 OR submitted_at > $1 OR verified_at > $1
          OR submitted_at < created_at OR verified_at < submitted_at
          OR (status = 'verified') <> (verified_at IS NOT NULL)
          OR (status IN ('submitted','verified') AND submitted_at IS NULL)`, [demo.now]);
    expect(rows).to.deep.equal([]);
  });

  it('shows the manager each filing to verify, and every verified action was verified by the rep\'s manager', async () => {
    const { rows: [r] } = await demo.pool.query(`
      SELECT count(*) FILTER (WHERE a.status = 'submitted' AND NOT EXISTS (
               SELECT 1 FROM supervisor_todos t WHERE t.action_id = a.id AND t.kind = 'verify_submission' AND t.done_at IS NULL))::int AS missing_todo,
             count(*) FILTER (WHERE a.status = 'verified' AND NOT EXISTS (
               SELECT 1 FROM events e JOIN users u ON u.id = a.assignee_id
                WHERE e.entity_type = 'action' AND e.entity_id = a.id AND e.type = 'action.verified' AND e.actor_id = u.manager_id))::int AS unverified
        FROM actions a`);
    expect(r).to.deep.equal({ missing_todo: 0, unverified: 0 });
  });

  it('dispatches some visits from the manager and lets reps start most themselves', async () => {
    const { rows: [r] } = await demo.pool.query(`
      SELECT count(*) FILTER (WHERE a.assigner_id <> a.assignee_id)::int AS dispatched, count(*)::int AS n
        FROM actions a WHERE a.definition_code = 'visit'`);
    expect(r.dispatched / r.n).to.be.within(0.2, 0.6);
  });
});
