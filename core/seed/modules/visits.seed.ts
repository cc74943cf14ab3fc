/**
 * 客户拜访 planned for every rep: visits on each active customer at the
 * customer's own rhythm (every 5–10 working days), more of them in deals worked
 * hard (opportunityEffort), some dispatched by the manager and most started by
 * the rep; and, for each rep, today's page: visits due today, one overdue, one
 * filed today and waiting for the manager. A share of customers goes silent:
 * nobody has visited or effectively followed them up for 8–21 working days
 * (followups.seed.ts keeps to the same rhythm), which the silence alert finds.
 */
import type { Sql } from '../../db/sql.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { pick, unit } from '../sql-random.js';
import { createDayIndex, createWorkPlan, planWork } from '../work-plan.js';
import { workingDayIndex } from '../history-window.js';

export interface VisitKnobs {
  /** Working days between a customer's visits: at least `minPeriod`, up to `minPeriod + spread - 1`. */
  minPeriod: number;
  spread: number;
  /** Share of customers gone silent. */
  silent: number;
  /** Share of visits dispatched by the manager (the rest the rep starts). */
  dispatched: number;
}

/**
 * SQL over customer `c` (id column `c.id`) for its visiting rhythm: the period
 * and phase of its visits in working days, and the working-day index from
 * which it is silent (NULL: never), given `last` (today's index).
 */
export function customerRhythm(c: string, seed: number, k: Pick<VisitKnobs, 'minPeriod' | 'spread' | 'silent'>, last: string) {
  return {
    period: `(${k.minPeriod} + ${pick(c, seed, 160, k.spread)})`,
    phase: pick(c, seed, 161, 11),
    silentFrom: `CASE WHEN ${unit(c, seed, 162)} < ${k.silent} THEN ${last} - (8 + ${pick(c, seed, 163, 14)}) END`,
  };
}

export const visitsSeed = defineSeedModule<VisitKnobs>({
  name: 'visits',
  label: '拜访计划',
  after: ['opportunities'],
  knobs: { demo: { minPeriod: 5, spread: 6, silent: 0.15, dispatched: 0.4 }, bench: { minPeriod: 12, spread: 10, silent: 0.15, dispatched: 0.4 } },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    await createWorkPlan(ctx.pool);
    await createDayIndex(ctx.pool, workingDayIndex(ctx.window).all);
    const rhythm = customerRhythm('c.id', s, k, 'p.last');
    const inScope = (q: Sql) => `c.owner_id = ANY(${q.param(ctx.scope.repIds)}::bigint[]) AND c.status = 'active'`;
    const assigner = (key: string) => `CASE WHEN ${unit(key, s, 164)} < ${k.dispatched} THEN coalesce(u.manager_id, c.owner_id) ELSE c.owner_id END`;
    const lead = (key: string) => `CASE WHEN ${unit(key, s, 164)} < ${k.dispatched} THEN 1 + ${pick(key, s, 165, 2)} ELSE ${pick(key, s, 166, 2)} END`;

    const maintenance = await planWork(ctx, (q) => `
      SELECT c.id * 1000 + d AS key, 'maintenance' AS source, 'visit' AS def_code, c.id AS customer_id, NULL::bigint AS opportunity_id,
             c.owner_id AS assignee_id, ${assigner('c.id * 1000 + d')} AS assigner_id, c.department_id,
             '客户拜访：' || c.name AS title, '[]'::jsonb AS requirements, NULL::bigint AS process_instance_id, NULL::text AS node_key, NULL::jsonb AS escalation,
             d - ${lead('c.id * 1000 + d')} AS cidx, 3 AS due_n, d AS vday, ${unit('c.id * 1000 + d', s, 167)} AS u, NULL::text AS story_hint
        FROM customers c JOIN users u ON u.id = c.owner_id
        JOIN seed_days b ON b.day = (c.became_active_at AT TIME ZONE 'Asia/Shanghai')::date
        CROSS JOIN p CROSS JOIN LATERAL generate_series(1, p.last + 8) d
       WHERE ${inScope(q)} AND (d + ${rhythm.phase}) % ${rhythm.period} = 0 AND d > b.idx + 1
         AND (${rhythm.silentFrom} IS NULL OR d < ${rhythm.silentFrom})`);

    // deals: 1–5 visits spread over the deal's life, as many as its effort says
    const deals = await planWork(ctx, () => `
      SELECT 2000000000 + o.id * 8 + j AS key, 'opportunity' AS source, 'visit' AS def_code, o.customer_id, o.id AS opportunity_id,
             o.owner_id AS assignee_id, ${assigner('o.id * 8 + j')} AS assigner_id, o.department_id,
             '客户拜访：' || c.name AS title, '[]'::jsonb AS requirements, NULL::bigint AS process_instance_id, NULL::text AS node_key, NULL::jsonb AS escalation,
             b.idx - ${lead('o.id * 8 + j')} AS cidx, 3 AS due_n, b.idx AS vday, ${unit('o.id * 8 + j', s, 168)} AS u, NULL::text AS story_hint
        FROM seed_opp_plan pl JOIN opportunities o ON o.id = pl.id JOIN customers c ON c.id = o.customer_id
        JOIN users u ON u.id = c.owner_id CROSS JOIN p
        CROSS JOIN LATERAL generate_series(1, 1 + floor(pl.ev * 4.99)::int) j
        JOIN seed_days b ON b.day = ((o.created_at + (coalesce(o.closed_at, p.now) - o.created_at)
                                      * ((j - 0.5) / (1 + floor(pl.ev * 4.99)))) AT TIME ZONE 'Asia/Shanghai')::date`);

    // each rep's 今日: two visits due today, one overdue, one filed today awaiting the manager
    const today = await planWork(ctx, (q) => `
      WITH own AS (
        SELECT c.*, u.manager_id, row_number() OVER (PARTITION BY c.owner_id ORDER BY ${unit('c.id', s, 169)}) AS n
          FROM customers c JOIN users u ON u.id = c.owner_id, p
         WHERE ${inScope(q)} AND ${rhythm.silentFrom} IS NULL)
      SELECT 3000000000 + c.id * 8 + c.n AS key, 'today' AS source, 'visit' AS def_code, c.id AS customer_id, NULL::bigint AS opportunity_id,
             c.owner_id AS assignee_id, CASE WHEN c.n IN (1, 3) THEN coalesce(c.manager_id, c.owner_id) ELSE c.owner_id END AS assigner_id,
             c.department_id, '客户拜访：' || c.name AS title, '[]'::jsonb AS requirements, NULL::bigint AS process_instance_id, NULL::text AS node_key, NULL::jsonb AS escalation,
             CASE c.n WHEN 3 THEN p.cur - 6 WHEN 4 THEN LEAST(p.cur - 2, p.last) ELSE p.cur - 3 END AS cidx, 3 AS due_n,
             CASE c.n WHEN 4 THEN p.last ELSE p.cur + 2 END AS vday, 0.5 AS u,
             CASE c.n WHEN 3 THEN 'overdue' WHEN 4 THEN 'submitted' ELSE 'open' END AS story_hint
        FROM own c, p WHERE c.n <= 4`);
    return { planned_visits: maintenance + deals + today };
  },
});
