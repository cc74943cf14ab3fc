/**
 * 入院准入 (and any other mandatory process template but 新品上架, which the retail module starts): started by the manager
 * for some hospital customers 15–45 working days ago, every node an action due
 * its own number of working days after the start. Nodes are done in order
 * until the process stalls; most processes stall on a node already past due,
 * so the overdue job marks it and its escalation (rep → manager → 总监 and
 * 合规) raises the overdue-node alerts.
 */
import { LAUNCH_TEMPLATE_CODE } from '../../flow/launch-steps.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { pick, unit } from '../sql-random.js';
import { planWork } from '../work-plan.js';
import { workTime } from '../history-window.js';

export interface ProcessKnobs {
  /** Share of hospital customers with an admission process under way (at least two). */
  share: number;
}

export const processesSeed = defineSeedModule<ProcessKnobs>({
  name: 'processes',
  label: '入院准入流程',
  after: ['visits'],
  knobs: { demo: { share: 0.3 }, bench: { share: 0.1 } },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    const last = ctx.window.days.length;
    await ctx.pool.query(`
      CREATE UNLOGGED TABLE seed_processes AS
      SELECT nextval(pg_get_serial_sequence('process_instances', 'id')) AS id, t.code, t.version, t.nodes, c.id AS customer_id,
             (SELECT o.id FROM opportunities o WHERE o.customer_id = c.id AND o.status = 'open' ORDER BY o.id LIMIT 1) AS opportunity_id,
             c.owner_id, c.department_id, coalesce(u.manager_id, c.owner_id) AS started_by,
             GREATEST(1, $3::int - (15 + ${pick('c.id', s, 180, 30)})) AS start_idx, ${unit('c.id', s, 181)} AS u
        FROM (SELECT c.*, row_number() OVER (ORDER BY ${unit('c.id', s, 182)}, c.id) AS r, count(*) OVER () AS n
                FROM customers c WHERE c.owner_id = ANY($1::bigint[]) AND c.status = 'active' AND c.type = 'hospital') c
        JOIN users u ON u.id = c.owner_id JOIN process_templates t ON t.code <> $4
       -- a share of the hospitals, never fewer than two, whichever customers the organisation has
       WHERE c.r <= GREATEST(2, ceil($2::float8 * c.n))
       ORDER BY c.id`, [ctx.scope.repIds, k.share, last, LAUNCH_TEMPLATE_CODE]);
    const instances = await ctx.exec(`
      INSERT INTO process_instances (id, template_code, template_version, customer_id, opportunity_id, started_by, created_at)
      SELECT x.id, x.code, x.version, x.customer_id, x.opportunity_id, x.started_by,
             ${workTime('($1::date[])[x.start_idx]', '0.1', '$2', '$3')}
        FROM seed_processes x ORDER BY x.id`, [ctx.window.days, ctx.window.now, ctx.window.today]);
    // the first node not due yet stalls the process; two in three stall one node earlier, already overdue
    const nodes = await planWork(ctx, () => `
      WITH n AS (
        SELECT x.*, node, i::int AS i, (node->>'dueWorkingDays')::int AS due_n,
               min(i) FILTER (WHERE x.start_idx + (node->>'dueWorkingDays')::int >= p.cur) OVER (PARTITION BY x.id) AS first_open
          FROM seed_processes x CROSS JOIN LATERAL jsonb_array_elements(x.nodes) WITH ORDINALITY j(node, i), p)
      SELECT 6000000000 + n.id * 64 + n.i AS key, 'process' AS source, n.node->>'definitionCode' AS def_code, n.customer_id,
             n.opportunity_id, n.owner_id AS assignee_id, n.started_by AS assigner_id, n.department_id, n.node->>'title' AS title,
             coalesce(n.node->'requirements', '[]'::jsonb) AS requirements, n.start_idx AS cidx, n.due_n,
             n.start_idx + GREATEST(0, n.due_n - 1 - ${pick('n.id * 64 + n.i', s, 183, 2)}) AS vday, ${unit('n.id * 64 + n.i', s, 184)} AS u,
             CASE WHEN n.i < coalesce(n.first_open, 999) - (n.u < 0.67)::int
                  THEN CASE WHEN ${unit('n.id * 64 + n.i', s, 185)} < 0.15 AND n.start_idx + n.due_n + 1 <= p.last THEN 'late' ELSE 'verified' END
                  WHEN n.start_idx + n.due_n < p.cur THEN 'overdue' ELSE 'open' END AS story_hint,
             n.id AS process_instance_id, n.node->>'key' AS node_key, n.node->'escalation' AS escalation
        FROM n, p`);
    const events = await ctx.exec(`
      INSERT INTO events (at, actor_id, entity_type, entity_id, type, data)
      SELECT pi.created_at, pi.started_by, 'process_instance', pi.id, 'process.instantiated',
             jsonb_build_object('templateCode', pi.template_code, 'customerId', pi.customer_id,
                                'actionIds', (SELECT jsonb_agg(w.id ORDER BY w.id) FROM seed_work w WHERE w.process_instance_id = pi.id))
        FROM process_instances pi JOIN seed_processes x ON x.id = pi.id`, []);
    return { process_instances: instances, planned_nodes: nodes, events };
  },
});
