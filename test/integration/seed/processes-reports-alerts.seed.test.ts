import { expect } from 'chai';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { isoWeekLabel, mondayOf } from '../../../core/dashboards/period.js';
import { obstacleHeatmap } from '../../../core/obstacles/heatmap.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

describe('seed modules: processes, daily reports and what the jobs made of them', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  it('runs 入院准入 on hospitals with one action per node, due its own working days after the start, some nodes overdue', async () => {
    const { rows } = await demo.pool.query(`
      SELECT pi.id, count(a.id)::int AS nodes, jsonb_array_length(t.nodes) AS template_nodes,
             count(*) FILTER (WHERE a.status IN ('overdue','escalated'))::int AS overdue, bool_and(c.type = 'hospital') AS hospital
        FROM process_instances pi JOIN process_templates t ON t.code = pi.template_code JOIN customers c ON c.id = pi.customer_id
        JOIN actions a ON a.process_instance_id = pi.id
       -- 新品上架 is a process too, started at stores by the retail module (retail.seed.test.ts)
       WHERE pi.template_code <> 'shelf_launch' GROUP BY pi.id, t.nodes`);
    expect(rows.length).to.be.at.least(2);
    for (const r of rows) {
      expect(r.nodes).to.equal(r.template_nodes);
      expect(r.hospital).to.equal(true);
    }
    expect(rows.some((r) => r.overdue > 0)).to.equal(true);
  });

  it('gives every week of daily reports at least three obstacle topics across both regions', async () => {
    const director = (await loadActiveActor(demo.pool, { wecomUserid: 'director.wang' }))!;
    const today = shanghaiDate(demo.now);
    for (let monday = mondayOf(addCalendarDays(today, -77)); monday <= today; monday = addCalendarDays(monday, 7)) {
      const h = await obstacleHeatmap(demo.pool, director, { week: isoWeekLabel(monday) }, demo.now);
      expect(h.topics.length, `week ${h.week}`).to.be.at.least(3);
      expect(new Set(h.cells.map((c) => c.departmentId)).size, `week ${h.week}`).to.be.at.least(2);
    }
  });

  it('leaves the alert center silence, legal-review-skip and overdue-node alerts, and the outbox their cards', async () => {
    const { rows } = await demo.pool.query(`
      SELECT rule_code, count(*)::int AS n,
             count(*) FILTER (WHERE subject_type = 'action' AND EXISTS (SELECT 1 FROM actions a WHERE a.id = subject_id AND a.process_instance_id IS NOT NULL))::int AS nodes
        FROM alerts GROUP BY rule_code`);
    const by = Object.fromEntries(rows.map((r) => [r.rule_code, r]));
    expect(by.silence?.n).to.be.at.least(3);
    expect(by.legal_review_skips?.n).to.be.at.least(1);
    expect(by.overdue_escalation?.nodes).to.be.at.least(1);
    const { rows: [o] } = await demo.pool.query(`SELECT count(*)::int AS n, count(DISTINCT msgtype)::int AS kinds FROM outbox`);
    expect(o.n).to.be.greaterThan(10);
  });
});
