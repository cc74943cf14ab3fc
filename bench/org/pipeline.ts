import type { Pipeline } from '../../core/flow/pipeline.js';
import { OPPORTUNITY_TOPICS } from '../../core/seed/china.js';
import { days, pick, runBatches, unit, type BatchOpts, type IdRange } from '../../core/seed/sql-random.js';

/** The pipeline's stages flattened into arrays the SQL can index (1-based). */
function stageArrays(p: Pipeline) {
  const keys: string[] = [];
  const subStart: number[] = [];
  const subCount: number[] = [];
  const subKeys: string[] = [];
  // the sub-stage reps jump over most (法务审核): the one that may be skipped with a reason
  const skipSub: string[] = [];
  const skipName: string[] = [];
  for (const st of p.stages) {
    keys.push(st.key);
    subStart.push(subKeys.length + 1);
    subCount.push(st.subStages?.length ?? 0);
    for (const sub of st.subStages ?? []) subKeys.push(sub.key);
    const skippable = st.subStages?.find((x) => x.allowSkipWithReason || x.skippable);
    skipSub.push(skippable?.key ?? '');
    skipName.push(skippable ? `${st.name}·${skippable.name}` : '');
  }
  if (subKeys.length === 0) subKeys.push('');
  return { keys, subStart, subCount, subKeys, skipSub, skipName };
}

/**
 * One opportunity per block of `every` customers (a random one in the block),
 * on the default pipeline. Later stages are rarer; the last two stages are
 * won, 12% of the others lost. Owner, department and product line are the
 * customer's.
 */
export async function insertOpportunities(
  customers: IdRange, every: number, pipeline: { id: number; definition: Pipeline }, o: BatchOpts,
): Promise<number> {
  const s = o.seed;
  const a = stageArrays(pipeline.definition);
  const n = a.keys.length;
  const sql = `
    INSERT INTO opportunities (name, customer_id, owner_id, department_id, product_line_id, pipeline_id, stage_code,
                               sub_stage_code, amount, status, expected_close_at, stage_entered_at, closed_at,
                               created_at, updated_at)
    SELECT c.name || '·' || ($6::text[])[1 + ${pick('c.id', s, 40, OPPORTUNITY_TOPICS.length)}],
           c.id, c.owner_id, c.department_id, c.product_line_id, $7, ($1::text[])[x.idx + 1],
           CASE WHEN ($3::int[])[x.idx + 1] > 0
                THEN ($4::text[])[($2::int[])[x.idx + 1] + ${pick('c.id', s, 41, 1000)} % ($3::int[])[x.idx + 1]] END,
           round((10000 + power(${unit('c.id', s, 42)}, 2) * 2000000)::numeric, 2),
           x.status,
           ($5::timestamptz + interval '15 days' + ${days(unit('c.id', s, 43), 120)})::date,
           x.entered,
           CASE WHEN x.status <> 'open' THEN x.entered + interval '1 day' END,
           x.created, x.entered
      FROM customers c
     CROSS JOIN LATERAL (SELECT floor(power(${unit('c.id', s, 44)}, 1.4) * ${n})::int AS idx,
                                $5::timestamptz - interval '10 days' - ${days(unit('c.id', s, 45), 170)} AS created) b
     CROSS JOIN LATERAL (SELECT b.idx,
                                b.created,
                                b.created + ($5::timestamptz - b.created) * (b.idx::float8 / (b.idx + 1)) AS entered,
                                CASE WHEN b.idx >= ${n - 2} THEN 'won' WHEN ${unit('c.id', s, 46)} < 0.12 THEN 'lost'
                                     ELSE 'open' END AS status) x
     WHERE c.id BETWEEN $8 AND $9
       AND (c.id - ${customers.min}) % ${every} = ${pick(`(c.id - ${customers.min}) / ${every}`, s, 47, every)}`;
  const params = [a.keys, a.subStart, a.subCount, a.subKeys, o.now, OPPORTUNITY_TOPICS, pipeline.id];
  const perBatch = o.batch * every;
  return runBatches(customers.max - customers.min + 1, perBatch, o.concurrency, (from, to) =>
    o.exec(sql, [...params, customers.min + from - 1, customers.min + to - 1]));
}

/**
 * Every opportunity's history: a `create` move, then one move per stage up to
 * the current one, evenly spaced in time. 8% of the moves out of a stage with
 * a skippable sub-stage jump over it (kind `skip`, with the reason), which is
 * what the legal-review alert counts.
 */
export async function insertStageMoves(
  opps: IdRange, pipeline: { definition: Pipeline }, o: BatchOpts,
): Promise<number> {
  const s = o.seed;
  const a = stageArrays(pipeline.definition);
  const sql = `
    INSERT INTO stage_moves (opportunity_id, from_stage, from_sub_stage, to_stage, to_sub_stage, kind, skipped, reason,
                             by_user_id, owner_id, dwell_seconds, at)
    SELECT o.id,
           CASE WHEN m.k > 0 THEN ($1::text[])[m.k] END,
           CASE WHEN m.k > 0 AND ($3::int[])[m.k] > 0
                THEN ($4::text[])[($2::int[])[m.k] + ($3::int[])[m.k] - CASE WHEN m.skip AND ($3::int[])[m.k] > 1 THEN 2 ELSE 1 END] END,
           ($1::text[])[m.k + 1],
           CASE WHEN ($3::int[])[m.k + 1] > 0 THEN ($4::text[])[($2::int[])[m.k + 1]] END,
           CASE WHEN m.k = 0 THEN 'create' WHEN m.skip THEN 'skip' ELSE 'advance' END,
           CASE WHEN m.skip THEN jsonb_build_array(jsonb_build_object('stageKey', ($1::text[])[m.k],
                                                   'subStageKey', ($5::text[])[m.k], 'name', ($6::text[])[m.k]))
                ELSE '[]'::jsonb END,
           CASE WHEN m.skip THEN '客户法务已线下确认，赶月底签约' END,
           o.owner_id, o.owner_id,
           CASE WHEN m.k > 0 THEN extract(epoch FROM m.step)::bigint END,
           o.created_at + m.step * m.k
      FROM opportunities o
     CROSS JOIN LATERAL (SELECT array_position($1::text[], o.stage_code) - 1 AS idx) p
     CROSS JOIN LATERAL generate_series(0, p.idx) k
     CROSS JOIN LATERAL (SELECT k AS k,
                                CASE WHEN p.idx > 0 THEN (o.stage_entered_at - o.created_at) / p.idx ELSE interval '0' END AS step,
                                k > 0 AND ($5::text[])[k] <> '' AND ${unit('o.id * 16 + k', s, 50)} < 0.08 AS skip) m
     WHERE o.id BETWEEN $7 AND $8`;
  const params = [a.keys, a.subStart, a.subCount, a.subKeys, a.skipSub, a.skipName];
  const perBatch = Math.max(1, Math.floor(o.batch / 3));
  return runBatches(opps.max - opps.min + 1, perBatch, o.concurrency, (from, to) =>
    o.exec(sql, [...params, opps.min + from - 1, opps.min + to - 1]));
}

/** A signed contract (orders.kind = 'contract') for every won opportunity: the attribution link. */
export async function insertContracts(opps: IdRange, o: BatchOpts): Promise<number> {
  const sql = `
    INSERT INTO orders (order_no, kind, customer_id, opportunity_id, owner_id, amount, status, ordered_at, due_at, created_at)
    SELECT 'BC' || o.id, 'contract', o.customer_id, o.id, o.owner_id, o.amount, 'confirmed',
           o.closed_at, o.closed_at + interval '30 days', o.closed_at
      FROM opportunities o
     WHERE o.id BETWEEN $1 AND $2 AND o.status = 'won'`;
  return runBatches(opps.max - opps.min + 1, o.batch, o.concurrency, (from, to) =>
    o.exec(sql, [opps.min + from - 1, opps.min + to - 1]));
}
