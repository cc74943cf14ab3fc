/**
 * The daily rollup (dash_daily) behind 事项按时完成率 and 有效跟进率, and the
 * stage-exit facts (dash_stage_facts) behind 阶段停留 and 跨阶段跳转率, are
 * kept current by triggers on actions, followups, stage_moves, customers,
 * opportunities and users (migrations 006, 007). The action and follow-up
 * triggers only append signed deltas (dash_daily_delta) so that writers never
 * wait on a shared rollup row; foldDashboardDeltas moves them into dash_daily
 * and its monthly sums dash_monthly (migration 008), and readers see both
 * with the unfolded deltas through dash_daily_current / dash_monthly_current.
 * dash_stage_monthly (forward and skipped exits per month) follows
 * dash_stage_facts through triggers on it. These functions fold, rebuild
 * from the base tables — after a bulk load without the triggers — and
 * compare.
 *
 *   await withoutRollupTriggers(pool, () => bulkLoad());   // rebuilds after
 *   expect(await diffDashboardRollups(pool)).to.deep.equal([]);
 */
import type pg from 'pg';
import type { Db } from '../db/pool.js';

const ACTIONS = `
  SELECT 'action' AS kind, dash_day(a.due_at) AS day, a.department_id, a.assignee_id AS owner_id, c.product_line_id,
         count(*)::bigint AS total, count(*) FILTER (WHERE dash_action_on_time(a.status, a.submitted_at, a.due_at))::bigint AS hits
    FROM actions a LEFT JOIN customers c ON c.id = a.customer_id
   WHERE a.due_at IS NOT NULL
   GROUP BY 2, 3, 4, 5`;

const FOLLOWUPS = `
  SELECT 'followup' AS kind, dash_day(f.at) AS day, f.department_id, f.user_id AS owner_id, c.product_line_id,
         count(*)::bigint AS total, count(*) FILTER (WHERE f.effective)::bigint AS hits
    FROM followups f LEFT JOIN customers c ON c.id = f.customer_id
   GROUP BY 2, 3, 4, 5`;

/** Every stage exit as dash_stage_facts computes it (same expressions as the insert trigger, set-based). */
const STAGE_FACTS_SET = `
  SELECT n.id AS move_id, n.at, CASE WHEN h.id IS NOT NULL THEN h.department_id ELSE u.department_id END AS department_id,
         n.owner_id, o.product_line_id, n.from_stage AS stage, n.from_stage || COALESCE('/' || n.from_sub_stage, '') AS position,
         n.kind IN ('advance','skip') AS forward, n.kind = 'skip' OR jsonb_array_length(n.skipped) > 0 AS skip,
         COALESCE(n.dwell_seconds::float8,
                  EXTRACT(EPOCH FROM n.at - (SELECT max(p.at) FROM stage_moves p WHERE p.opportunity_id = n.opportunity_id AND p.at < n.at))::float8)
           / 86400.0 AS dwell_days
    FROM stage_moves n
    LEFT JOIN opportunities o ON o.id = n.opportunity_id
    LEFT JOIN users u ON u.id = n.owner_id
    LEFT JOIN user_department_history h ON h.user_id = n.owner_id AND n.at >= h.valid_from AND n.at < h.valid_to
   WHERE n.kind <> 'create' AND n.from_stage IS NOT NULL`;

/** Daily rollup rows (of `source`, with a `day` column) summed into the monthly level's rows. */
const MONTHLY_OF_DAILY = (source: string) => `
  SELECT kind, date_trunc('month', day)::date AS month, department_id, owner_id, product_line_id,
         sum(total)::bigint AS total, sum(hits)::bigint AS hits
    FROM ${source} GROUP BY 1, 2, 3, 4, 5`;

/**
 * Recomputes the whole rollup in one transaction (readers see the old one until
 * commit). Locks actions and followups against writes meanwhile, so no write
 * slips between the recount and the commit.
 */
export async function rebuildDashboardRollups(pool: pg.Pool): Promise<{ rows: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE actions, followups, stage_moves IN SHARE MODE');
    await client.query('LOCK TABLE dash_daily, dash_monthly, dash_daily_delta, dash_stage_facts IN EXCLUSIVE MODE');
    await client.query('DELETE FROM dash_daily_delta');
    await client.query('DELETE FROM dash_daily');
    await client.query('DELETE FROM dash_monthly');
    const r = await client.query(`INSERT INTO dash_daily (kind, day, department_id, owner_id, product_line_id, total, hits)
                                  ${ACTIONS} UNION ALL ${FOLLOWUPS}`);
    await client.query(`INSERT INTO dash_monthly (kind, month, department_id, owner_id, product_line_id, total, hits)
                        ${MONTHLY_OF_DAILY('dash_daily')}`);
    await client.query('TRUNCATE dash_stage_facts');
    // dash_stage_monthly follows through its triggers on dash_stage_facts (emptied, then refilled)
    const f = await client.query(`INSERT INTO dash_stage_facts ${STAGE_FACTS_SET}`);
    await client.query('COMMIT');
    // every row was rewritten: fresh statistics, and a visibility map so period reads stay index-only
    await client.query('VACUUM ANALYZE dash_daily, dash_monthly, dash_stage_facts, dash_stage_monthly');
    return { rows: (r.rowCount ?? 0) + (f.rowCount ?? 0) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Moves the committed deltas into dash_daily (one folder at a time; a
 * concurrent call folds nothing). Returns how many delta rows it folded.
 */
export async function foldDashboardDeltas(db: Db): Promise<number> {
  const { rows } = await db.query('SELECT dash_fold_deltas()::int AS n');
  return rows[0].n;
}

/** One rollup level's rows that differ from `truth` (same columns, `time` the day or month), at most 100. */
async function diffLevel(db: Db, truth: string, stored: string, time: 'day' | 'month', label: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await db.query(`
    WITH truth AS (${truth}),
         stored AS (SELECT kind, ${time}, department_id, owner_id, product_line_id, sum(total)::bigint AS total, sum(hits)::bigint AS hits
                      FROM ${stored} GROUP BY 1, 2, 3, 4, 5 HAVING sum(total) <> 0 OR sum(hits) <> 0)
    SELECT '${label}' || coalesce(t.kind, s.kind) AS kind, coalesce(t.${time}, s.${time})::text AS ${time},
           coalesce(t.department_id, s.department_id) AS department_id, coalesce(t.owner_id, s.owner_id) AS owner_id,
           coalesce(t.product_line_id, s.product_line_id) AS product_line_id,
           t.total AS expected_total, s.total AS stored_total, t.hits AS expected_hits, s.hits AS stored_hits
      FROM truth t FULL JOIN stored s
        ON s.kind = t.kind AND s.${time} = t.${time} AND s.department_id IS NOT DISTINCT FROM t.department_id
       AND s.owner_id IS NOT DISTINCT FROM t.owner_id AND s.product_line_id IS NOT DISTINCT FROM t.product_line_id
     WHERE t.total IS DISTINCT FROM s.total OR t.hits IS DISTINCT FROM s.hits
     LIMIT 100`);
  return rows;
}

/**
 * Rollup rows that differ from the base tables (empty when consistent): the
 * daily and monthly levels (kind 'monthly:action' etc. for the monthly one),
 * the stage facts and their monthly counts (kind 'stage_monthly'); zero rows
 * count as absent.
 */
export async function diffDashboardRollups(db: Db): Promise<Array<Record<string, unknown>>> {
  const rows = await diffLevel(db, `${ACTIONS} UNION ALL ${FOLLOWUPS}`, 'dash_daily_current', 'day', '');
  const monthly = await diffLevel(db, MONTHLY_OF_DAILY(`(${ACTIONS} UNION ALL ${FOLLOWUPS}) t`), 'dash_monthly_current', 'month', 'monthly:');
  const facts = await db.query(`
    WITH truth AS (${STAGE_FACTS_SET})
    SELECT 'stage_fact' AS kind, coalesce(t.move_id, s.move_id) AS move_id, to_jsonb(t) AS expected, to_jsonb(s) AS stored
      FROM truth t FULL JOIN dash_stage_facts s ON s.move_id = t.move_id
     WHERE (t.move_id, t.at, t.department_id, t.owner_id, t.product_line_id, t.stage, t.position, t.forward, t.skip, t.dwell_days)
           IS DISTINCT FROM (s.move_id, s.at, s.department_id, s.owner_id, s.product_line_id, s.stage, s.position, s.forward, s.skip, s.dwell_days)
     LIMIT 100`);
  const stageMonthly = await db.query(`
    WITH truth AS (SELECT dash_month(t.at) AS month, t.department_id, t.owner_id, t.product_line_id, t.stage,
                          count(*)::bigint AS forward, count(*) FILTER (WHERE t.skip)::bigint AS skips
                     FROM (${STAGE_FACTS_SET}) t WHERE t.forward GROUP BY 1, 2, 3, 4, 5),
         stored AS (SELECT * FROM dash_stage_monthly WHERE forward <> 0 OR skips <> 0)
    SELECT 'stage_monthly' AS kind, coalesce(t.month, s.month)::text AS month, coalesce(t.stage, s.stage) AS stage,
           coalesce(t.department_id, s.department_id) AS department_id, coalesce(t.owner_id, s.owner_id) AS owner_id,
           coalesce(t.product_line_id, s.product_line_id) AS product_line_id,
           t.forward AS expected_forward, s.forward AS stored_forward, t.skips AS expected_skips, s.skips AS stored_skips
      FROM truth t FULL JOIN stored s
        ON s.month = t.month AND s.stage = t.stage AND s.department_id IS NOT DISTINCT FROM t.department_id
       AND s.owner_id IS NOT DISTINCT FROM t.owner_id AND s.product_line_id IS NOT DISTINCT FROM t.product_line_id
     WHERE t.forward IS DISTINCT FROM s.forward OR t.skips IS DISTINCT FROM s.skips
     LIMIT 100`);
  return [...rows, ...monthly, ...facts.rows, ...stageMonthly.rows];
}

const ROLLUP_TRIGGERS = ['dash_actions_insert', 'dash_actions_delete', 'dash_actions_update', 'dash_actions_truncate',
  'dash_followups_insert', 'dash_followups_delete', 'dash_followups_update', 'dash_followups_truncate', 'dash_customer_product_line',
  'dash_stage_moves_insert', 'dash_stage_moves_change', 'dash_stage_moves_truncate', 'dash_opportunity_product_line'];

/**
 * Runs a bulk load without the rollup triggers, then rebuilds the rollup. The
 * triggers are dropped (not disabled) so bench/generate-org.ts may load the
 * tables trusted (it refuses a table with any INSERT trigger), and recreated
 * from their own definitions afterwards. For benchmarks and data repair with
 * no other writers, never in request paths.
 */
export async function withoutRollupTriggers<T>(pool: pg.Pool, load: () => Promise<T>): Promise<T> {
  const { rows } = await pool.query(
    `SELECT t.tgname AS name, t.tgrelid::regclass::text AS tbl, pg_get_triggerdef(t.oid) AS def
       FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgname = ANY($1::text[])`, [ROLLUP_TRIGGERS]);
  for (const r of rows) await pool.query(`DROP TRIGGER ${r.name} ON ${r.tbl}`);
  try {
    return await load();
  } finally {
    for (const r of rows) await pool.query(r.def);
    await rebuildDashboardRollups(pool);
  }
}
