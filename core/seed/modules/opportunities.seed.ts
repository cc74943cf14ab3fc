/**
 * 商机: one for every converted lead (from its conversion) and one or two on
 * existing customers, walking the default pipeline position by position with
 * dwell times that depend on how hard the deal is worked. Whether a deal is
 * won or lost is decided by what is done in it — how intensively it is visited,
 * whether the decision maker is reached, whether the quote goes out fast, and
 * whether 法务审核 is jumped over — plus a little chance, so a win score has a
 * signal to learn (opportunityEffort gives the same factors to the modules
 * that generate that work). Won deals are signed at 合同签约; a few signed
 * deals are not marked won yet and go on to 交付实施 and 回款. Lost deals stop
 * where they were lost.
 */
import type { Pipeline } from '../../flow/pipeline.js';
import { officeHours } from '../history-window.js';
import { pipelineSlots } from '../pipeline-slots.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { OPPORTUNITY_TOPICS } from '../china.js';
import { pick, unit } from '../sql-random.js';

export interface OpportunityKnobs {
  /** Chance an existing customer has an opportunity during the history (a second one at three quarters of it). */
  perCustomer: number;
  /** Chance a rep jumps over 法务审核 on the way to the contract, per rep (cycled over the reps by id). */
  legalSkip: number[];
  /** Deals start up to this many days before the history, so some are mid-way when it begins. */
  startBeforeDays: number;
}

/** Days spent at each position for an average deal (by position; the last value repeats). */
const BASE_DWELL = [3, 6, 7, 4, 5, 3, 6, 10, 15, 20];
const SKIP_REASONS = ['客户法务已线下确认，赶月底签约', '标准合同模板，无修改条款', '框架协议续签，法务去年已审', '客户要求本周内签约'];
const LOSS_REASONS = ['竞品低价中标', '预算冻结，项目搁置', '决策人变动，需求取消', '价格分歧未能达成一致', '资质不全，未通过准入'];

/**
 * SQL for the factors a deal's outcome depends on, over its `key` column:
 * visits (0–1, how intensively it is worked), decision maker reached, quote fast.
 */
export function opportunityEffort(key: string, seed: number) {
  return {
    visits: unit(key, seed, 140),
    decisionMaker: `(${unit(key, seed, 141)} < 0.6)`,
    quoteFast: `(${unit(key, seed, 142)} < 0.55)`,
  };
}

export const opportunitiesSeed = defineSeedModule<OpportunityKnobs>({
  name: 'opportunities',
  label: '商机与阶段推进',
  after: ['leads'],
  knobs: {
    // rep.zhou (4th rep) jumps 法务审核 on most deals: the skip alert has a case
    demo: { perCustomer: 1, legalSkip: [0.08, 0.1, 0.05, 0.85, 0.1, 0.08], startBeforeDays: 75 },
    bench: { perCustomer: 0.2, legalSkip: [0.08], startBeforeDays: 60 },
  },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    const pipe = (await ctx.pool.query(`SELECT id, definition FROM pipelines ORDER BY is_default DESC, id LIMIT 1`)).rows[0];
    if (!pipe || ctx.scope.repIds.length === 0) return {};
    const slots = pipelineSlots(pipe.definition as Pipeline);
    const n = slots.stages.length;
    const start = new Date(`${ctx.window.days[0]}T00:00:00+08:00`);
    const effort = opportunityEffort('o.key', s);
    await ctx.pool.query('DROP TABLE IF EXISTS seed_opp_plan, seed_opp_steps');
    // the plan: which deals, their factors, outcome and path (ids drawn now, so later statements join on them)
    await ctx.pool.query(`
      CREATE UNLOGGED TABLE seed_opp_plan AS
      WITH p AS (SELECT $1::bigint[] AS reps, $2::float8[] AS skip_rate, $3::timestamptz AS now, $4::timestamptz AS start,
                        $5::float8 AS per_customer, $6::int AS contract, $7::int AS before_days),
      src AS (
        SELECT l.customer_id, l.id AS lead_id, l.converted_at + LEAST(interval '90 minutes', (p.now - l.converted_at) / 2) AS created_at,
               1000000000 + l.id AS key
          FROM leads l, p
         WHERE l.status = 'converted' AND l.customer_id IS NOT NULL AND l.assignee_id = ANY(p.reps) AND l.converted_at >= p.start
        UNION ALL
        SELECT c.id, NULL::bigint,
               ${officeHours(`greatest(c.became_active_at, p.start - p.before_days * interval '1 day')
                 + (p.now - interval '3 days' - greatest(c.became_active_at, p.start - p.before_days * interval '1 day')) * ${unit('c.id * 4 + k', s, 131)}`)},
               c.id * 4 + k
          FROM customers c CROSS JOIN generate_series(1, 2) k, p
         WHERE c.owner_id = ANY(p.reps) AND c.status = 'active' AND c.became_active_at < p.now - interval '14 days'
           AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.customer_id = c.id)
           AND ${unit('c.id * 4 + k', s, 130)} < CASE WHEN k = 1 THEN p.per_customer ELSE p.per_customer * 0.75 END),
      o AS (SELECT src.*, c.owner_id, c.department_id, c.product_line_id, c.type, c.name AS customer_name,
                   array_position(p.reps, c.owner_id) AS r
              FROM src JOIN customers c ON c.id = src.customer_id, p),
      f AS (SELECT o.*, ${effort.visits} AS ev, ${effort.decisionMaker} AS dm, ${effort.quoteFast} AS qf,
                   ${unit('o.key', s, 143)} < p.skip_rate[1 + (o.r - 1) % cardinality(p.skip_rate)] AS skip_wanted,
                   ${unit('o.key', s, 144)} AS noise, ${unit('o.key', s, 146)} AS cont_u
              FROM o, p),
      w AS (SELECT f.*, 0.45 * f.ev + 0.3 * f.dm::int + 0.2 * f.qf::int - 0.15 * f.skip_wanted::int + 0.3 * (f.noise - 0.5) AS score FROM f)
      SELECT nextval(pg_get_serial_sequence('opportunities', 'id')) AS id, w.*,
             w.score >= 0.43 AS wins,
             CASE WHEN w.score >= 0.43 THEN p.contract + CASE WHEN w.cont_u < 0.15 THEN 2 ELSE 0 END
                  ELSE 1 + ${pick('w.key', s, 145, 'p.contract')} END AS last_slot,
             w.score >= 0.43 AND w.cont_u < 0.15 AS continues
        FROM w, p
       ORDER BY w.created_at, w.key`,
      [ctx.scope.repIds, k.legalSkip, ctx.window.now, start, k.perCustomer, slots.contract, k.startBeforeDays]);

    // the path: positions walked (the skippable one jumped when wanted), arrival times, only what happened before now
    await ctx.pool.query(`
      CREATE UNLOGGED TABLE seed_opp_steps AS
      WITH p AS (SELECT $1::timestamptz AS now, $2::float8[] AS base, $3::boolean[] AS skippable, $4::int AS contract),
      path AS (
        SELECT o.id, o.created_at, o.last_slot, i,
               ($2::float8[])[LEAST(i + 1, cardinality(p.base))] * (1.5 - o.ev) * (0.6 + 0.8 * ${unit('o.key * 16 + i', s, 147)}) AS dwell_days,
               o.skip_wanted AND o.last_slot >= p.contract AS skipping
          FROM seed_opp_plan o, p, generate_series(0, o.last_slot) i
         WHERE NOT (o.skip_wanted AND o.last_slot >= p.contract AND p.skippable[i + 1] AND i < p.contract)),
      timed AS (
        SELECT path.*, created_at + coalesce(sum(dwell_days) OVER w, 0) * interval '1 day' AS raw_at,
               lag(i) OVER (PARTITION BY id ORDER BY i) AS from_slot
          FROM path WINDOW w AS (PARTITION BY id ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
      SELECT id, i, from_slot, dwell_days, CASE WHEN i = 0 THEN raw_at ELSE ${officeHours('raw_at')} END AS at
        FROM timed, p WHERE ${officeHours('raw_at')} < p.now OR i = 0`,
      [ctx.window.now, BASE_DWELL, slots.skippable, slots.contract]);

    const opportunities = await ctx.exec(`
      WITH p AS (SELECT $1::timestamptz AS now, $2::text[] AS stages, $3::text[] AS subs, $4::text[] AS ticked, $5::int AS contract,
                        $6::bigint AS pipeline, $7::text[] AS topics),
      last AS (SELECT DISTINCT ON (id) id, i, at FROM seed_opp_steps ORDER BY id, i DESC),
      loss AS (SELECT s.id, s.at + s.dwell_days * 0.6 * interval '1 day' AS at
                 FROM seed_opp_steps s JOIN seed_opp_plan o ON o.id = s.id WHERE NOT o.wins AND s.i = o.last_slot),
      x AS (SELECT o.*, last.i AS at_slot, last.at AS entered_at,
                   CASE WHEN o.wins AND NOT o.continues AND last.i = p.contract THEN last.at + interval '2 hours'
                        WHEN NOT o.wins AND loss.at IS NOT NULL AND ${officeHours('loss.at')} < p.now THEN ${officeHours('loss.at')} END AS closed
              FROM seed_opp_plan o JOIN last ON last.id = o.id LEFT JOIN loss ON loss.id = o.id, p)
      INSERT INTO opportunities (id, name, customer_id, lead_id, owner_id, department_id, product_line_id, pipeline_id, stage_code,
                                 sub_stage_code, checklist, amount, status, expected_close_at, stage_entered_at, closed_at, version,
                                 created_at, updated_at)
      SELECT x.id, x.customer_name || '·' || p.topics[1 + ${pick('x.key', s, 148, OPPORTUNITY_TOPICS.length)}], x.customer_id, x.lead_id,
             x.owner_id, x.department_id, x.product_line_id, p.pipeline, p.stages[x.at_slot + 1], p.subs[x.at_slot + 1],
             p.ticked[x.at_slot + 1]::jsonb,
             round((CASE x.type WHEN 'ka' THEN 300000 + ${unit('x.key', s, 149)} * 1200000 WHEN 'hospital' THEN 200000 + ${unit('x.key', s, 149)} * 700000
                                WHEN 'store' THEN 20000 + ${unit('x.key', s, 149)} * 100000 ELSE 100000 + ${unit('x.key', s, 149)} * 500000 END)::numeric, -3),
             CASE WHEN x.closed IS NULL THEN 'open' WHEN x.wins THEN 'won' ELSE 'lost' END,
             (x.created_at + interval '1 day' * (30 + ${pick('x.key', s, 150, 60)}))::date,
             x.entered_at, x.closed, 1 + x.at_slot + (x.closed IS NOT NULL)::int,
             x.created_at, coalesce(x.closed, x.entered_at)
        FROM x, p`,
      [ctx.window.now, slots.stages, slots.subs, slots.ticked, slots.contract, pipe.id, OPPORTUNITY_TOPICS]);

    const moves = await ctx.exec(`
      WITH p AS (SELECT $1::text[] AS stages, $2::text[] AS subs, $3::text[] AS names, $4::text[] AS reasons)
      INSERT INTO stage_moves (opportunity_id, from_stage, from_sub_stage, to_stage, to_sub_stage, kind, skipped, reason,
                               by_user_id, owner_id, dwell_seconds, at)
      SELECT s.id, p.stages[s.from_slot + 1], p.subs[s.from_slot + 1], p.stages[s.i + 1], p.subs[s.i + 1],
             CASE WHEN s.from_slot IS NULL THEN 'create' WHEN s.i - s.from_slot > 1 THEN 'skip' ELSE 'advance' END,
             CASE WHEN s.i - s.from_slot > 1
                  THEN (SELECT jsonb_agg(jsonb_build_object('stageKey', p.stages[j + 1], 'subStageKey', p.subs[j + 1], 'name', p.names[j + 1]) ORDER BY j)
                          FROM generate_series(s.from_slot + 1, s.i - 1) j)
                  ELSE '[]'::jsonb END,
             CASE WHEN s.i - s.from_slot > 1 THEN p.reasons[1 + ${pick('s.id', ctx.seed, 151, SKIP_REASONS.length)}] END,
             o.owner_id, o.owner_id,
             CASE WHEN s.from_slot IS NOT NULL THEN extract(epoch FROM s.at - lag(s.at) OVER (PARTITION BY s.id ORDER BY s.i))::bigint END,
             s.at
        FROM seed_opp_steps s JOIN opportunities o ON o.id = s.id, p
       WHERE o.closed_at IS NULL OR s.at <= o.closed_at
       ORDER BY s.at, s.id`,
      [slots.stages, slots.subs, slots.names, SKIP_REASONS]);

    const events = await ctx.exec(`
      INSERT INTO events (at, actor_id, entity_type, entity_id, type, data)
      SELECT m.at, m.by_user_id, 'opportunity', m.opportunity_id,
             CASE m.kind WHEN 'create' THEN 'opportunity.created' ELSE 'opportunity.stage_moved' END,
             CASE m.kind WHEN 'create' THEN jsonb_build_object('stage', m.to_stage, 'leadId', o.lead_id)
                  ELSE jsonb_build_object('kind', m.kind, 'fromStage', m.from_stage, 'fromSubStage', m.from_sub_stage, 'toStage', m.to_stage,
                                          'toSubStage', m.to_sub_stage, 'skipped', m.skipped, 'reason', m.reason, 'ownerId', m.owner_id) END
        FROM stage_moves m JOIN seed_opp_plan o ON o.id = m.opportunity_id
      UNION ALL
      SELECT o.closed_at, o.owner_id, 'opportunity', o.id, 'opportunity.status_changed',
             jsonb_build_object('from', 'open', 'to', o.status, 'amount', o.amount, 'stage', o.stage_code,
                                'reason', CASE WHEN o.status = 'lost' THEN ($1::text[])[1 + ${pick('o.id', s, 152, LOSS_REASONS.length)}] ELSE '合同已签订' END)
        FROM opportunities o JOIN seed_opp_plan x ON x.id = o.id WHERE o.closed_at IS NOT NULL`, [LOSS_REASONS]);
    await ctx.pool.query(`SELECT setval(pg_get_serial_sequence('opportunities', 'id'), (SELECT max(id) FROM opportunities))`);
    await ctx.pool.query('DROP TABLE IF EXISTS seed_opp_steps');
    return { opportunities, stage_moves: moves, events };
  },
});
