import { expect } from 'chai';
import { loadActiveActor, type Actor } from '../../../core/auth/actor.js';
import { METRICS, type MetricKey } from '../../../core/dashboards/metrics.js';
import { makePeriod, type Period } from '../../../core/dashboards/period.js';
import { aggregateMetric, type AggregateRow } from '../../../core/dashboards/query.js';
import { diffDashboardRollups, foldDashboardDeltas, rebuildDashboardRollups } from '../../../core/dashboards/rollups.js';
import { loadDashboardSettings } from '../../../core/dashboards/dashboard.setting.js';
import type { DashboardSettings } from '../../../core/dashboards/settings.js';
import { at, buildFixture, NOW, type Fixture } from './fixture.js';

/**
 * The monthly levels of migration 008 (dash_monthly for actions and
 * follow-ups, dash_stage_monthly for forward and skipped stage exits) and the
 * ways periods are read from them. Every expectation is a plain count over the
 * base tables written here, independent of the rollups and their triggers.
 */
describe('dashboards: monthly levels equal the base tables, however a period is read', () => {
  let fx: Fixture;
  let director: Actor;
  let settings: DashboardSettings;

  before(async function () {
    this.timeout(120_000);
    fx = await buildFixture();
    director = (await loadActiveActor(fx.pool, { wecomUserid: 'director.wang' }))!;
    settings = await loadDashboardSettings(fx.pool);
  });

  // plain counts per Shanghai month and rep, straight from actions, followups and stage_moves
  const plainMonthly = async () => (await fx.pool.query(`
    SELECT 'action' AS kind, to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, assignee_id AS owner_id, count(*)::int AS total,
           count(*) FILTER (WHERE status IN ('submitted','verified','archived') AND submitted_at <= due_at)::int AS hits
      FROM actions WHERE due_at IS NOT NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT 'followup', to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), user_id, count(*)::int, count(*) FILTER (WHERE effective)::int
      FROM followups GROUP BY 1, 2, 3
    UNION ALL
    SELECT 'stage', to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), owner_id, count(*)::int,
           count(*) FILTER (WHERE kind = 'skip' OR jsonb_array_length(skipped) > 0)::int
      FROM stage_moves WHERE kind IN ('advance','skip') AND from_stage IS NOT NULL GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3`)).rows;
  const storedMonthly = async () => (await fx.pool.query(`
    SELECT * FROM (
      SELECT kind, to_char(month, 'YYYY-MM') AS month, owner_id, sum(total)::int AS total, sum(hits)::int AS hits
        FROM dash_monthly_current GROUP BY 1, 2, 3
      UNION ALL
      SELECT 'stage', to_char(month, 'YYYY-MM'), owner_id, sum(forward)::int, sum(skips)::int
        FROM dash_stage_monthly GROUP BY 1, 2, 3) s
     WHERE total <> 0 OR hits <> 0
     ORDER BY 1, 2, 3`)).rows;

  it('keeps the monthly levels equal to plain counts through updates, deletes, a fold and a rebuild', async () => {
    const { pool } = fx;
    expect(await storedMonthly()).to.deep.equal(await plainMonthly());
    // A2 resubmitted in time; A10 moved to April; F2 made effective; a follow-up added and one removed;
    // a stage move added, turned into a skip, and a rep's backdated department change
    await pool.query(`UPDATE actions SET submitted_at = '2026-03-06T12:00:00+08:00' WHERE id = $1`, [fx.action.A2]);
    await pool.query(`UPDATE actions SET due_at = '2026-04-02T18:00:00+08:00' WHERE id = $1`, [fx.action.A10]);
    await pool.query(`UPDATE followups SET effective = true WHERE id = $1`, [fx.followup.F2]);
    await pool.query(`INSERT INTO followups (customer_id, user_id, department_id, channel, effective, at)
                      VALUES ($1, $2, $3, 'phone', true, '2026-02-27T09:00:00+08:00')`, [fx.customer.C3, fx.user.zhou, fx.dept.north]);
    await pool.query('DELETE FROM followups WHERE id = $1', [fx.followup.F4]);
    const mv = await pool.query(`INSERT INTO stage_moves (opportunity_id, from_stage, to_stage, kind, owner_id, dwell_seconds, at)
                                 VALUES ($1, 'solution_quote', 'negotiation', 'advance', $2, 86400, '2026-03-19T09:00:00+08:00') RETURNING id`,
      [fx.opp.O1, fx.user.zhao]);
    await pool.query(`UPDATE stage_moves SET kind = 'skip' WHERE id = $1`, [mv.rows[0].id]);
    await pool.query(`UPDATE users SET department_id = $2, updated_at = '2026-03-07T00:00:00+08:00' WHERE id = $1`, [fx.user.qian, fx.dept.north]);
    expect((await pool.query('SELECT count(*)::int AS n FROM dash_daily_delta')).rows[0].n, 'unfolded deltas').to.be.greaterThan(0);
    expect(await storedMonthly(), 'before the fold').to.deep.equal(await plainMonthly());
    expect(await diffDashboardRollups(pool)).to.deep.equal([]);
    await foldDashboardDeltas(pool);
    expect(await storedMonthly(), 'after the fold').to.deep.equal(await plainMonthly());
    await pool.query('DELETE FROM stage_moves WHERE id = $1', [mv.rows[0].id]);
    expect(await storedMonthly(), 'after a deleted move').to.deep.equal(await plainMonthly());
    await rebuildDashboardRollups(pool);
    expect(await storedMonthly(), 'after a rebuild').to.deep.equal(await plainMonthly());
    expect(await diffDashboardRollups(pool)).to.deep.equal([]);
  });

  const aggregate = (key: MetricKey, period: Period, now: Date, groupBy: 'owner' | 'week' | null = null): Promise<AggregateRow[]> =>
    aggregateMetric(fx.pool, { metric: METRICS[key], actor: director, period, now, settings, filters: {}, groupBy });

  /** (num, den) per rep, or for everyone under key '', counted from the base tables. */
  async function plainRatio(key: 'action_on_time' | 'effective_followup' | 'stage_skip_rate', period: Period, now: Date, byOwner: boolean) {
    const to = key === 'action_on_time' && now < period.toTs ? now : period.toTs;
    const sql = {
      action_on_time: `SELECT assignee_id AS owner, (status IN ('submitted','verified','archived') AND submitted_at <= due_at) AS hit
                         FROM actions WHERE due_at >= $1 AND due_at < $2`,
      effective_followup: `SELECT user_id AS owner, effective AS hit FROM followups WHERE at >= $1 AND at < $2`,
      stage_skip_rate: `SELECT owner_id AS owner, (kind = 'skip' OR jsonb_array_length(skipped) > 0) AS hit
                          FROM stage_moves WHERE kind IN ('advance','skip') AND from_stage IS NOT NULL AND at >= $1 AND at < $2`,
    }[key];
    const { rows } = await fx.pool.query(`SELECT ${byOwner ? 'owner::text' : `''`} AS key, count(*) FILTER (WHERE hit)::int AS num, count(*)::int AS den
                                            FROM (${sql}) x GROUP BY 1 ORDER BY 1`, [period.fromTs, to]);
    return byOwner || rows.length ? rows : [{ key: '', num: 0, den: 0 }];
  }
  const ratioRows = (rows: AggregateRow[]) => rows.map((r) => ({ key: r.key, num: r.num, den: r.den })).sort((a, b) => a.key.localeCompare(b.key));

  // whole months (monthly level), a month minus 11 days, a week of days, a span over two partial months, and ones with no facts
  const periods: Array<[string, string]> = [
    ['2026-03-01', '2026-04-01'], ['2026-02-01', '2026-03-01'], ['2026-03-01', '2026-03-21'], ['2026-03-03', '2026-03-10'],
    ['2026-02-15', '2026-03-19'], ['2026-01-20', '2026-04-10'], ['2026-05-01', '2026-06-01'],
  ];
  for (const key of ['action_on_time', 'effective_followup', 'stage_skip_rate'] as const) {
    it(`${key}: every way a period is read gives the plain counts, in total and per rep (no empty groups)`, async () => {
      for (const [from, to] of periods) {
        const period = makePeriod(from, to);
        expect(ratioRows(await aggregate(key, period, NOW)), `${from}..${to}`).to.deep.equal(await plainRatio(key, period, NOW, false));
        expect(ratioRows(await aggregate(key, period, NOW, 'owner')), `${from}..${to} by rep`).to.deep.equal(await plainRatio(key, period, NOW, true));
        // by week reads days only: the same total
        const weeks = await aggregate(key, period, NOW, 'week');
        const total = (await plainRatio(key, period, NOW, false))[0];
        expect([weeks.reduce((a, r) => a + r.num, 0), weeks.reduce((a, r) => a + r.den, 0)], `${from}..${to} by week`).to.deep.equal([total.num, total.den]);
      }
    });
  }

  it("counts today's due actions the same whether read directly or as the rollup's day minus those due later today", async () => {
    const march = makePeriod('2026-03-01', '2026-04-01');
    // 08:00 (A8 at 10:00 and A9 at 18:00 not yet due), 11:00 (A8 due), 17:00 and 23:00 (read as the day minus later)
    for (const now of [at('2026-03-20T08:00'), at('2026-03-20T11:00'), at('2026-03-20T17:00'), at('2026-03-20T18:30'), at('2026-03-20T23:00')]) {
      expect(ratioRows(await aggregate('action_on_time', march, now)), now.toISOString()).to.deep.equal(await plainRatio('action_on_time', march, now, false));
      expect(ratioRows(await aggregate('action_on_time', march, now, 'owner')), `${now.toISOString()} by rep`)
        .to.deep.equal(await plainRatio('action_on_time', march, now, true));
    }
  });

  it('reads stage dwell per stage with exact medians, as the plain percentile over the stage moves', async () => {
    const march = makePeriod('2026-03-01', '2026-04-01');
    const rows = await aggregateMetric(fx.pool, {
      metric: METRICS.stage_dwell, actor: director, period: march, now: NOW, settings, filters: {}, groupBy: 'stage', withTotal: true,
    });
    const plain = await fx.pool.query(`
      WITH exits AS (
        SELECT m.from_stage || COALESCE('/' || m.from_sub_stage, '') AS position,
               COALESCE(m.dwell_seconds::float8, EXTRACT(EPOCH FROM m.at - (SELECT max(p.at) FROM stage_moves p
                          WHERE p.opportunity_id = m.opportunity_id AND p.at < m.at))::float8) / 86400.0 AS v
          FROM stage_moves m WHERE m.kind <> 'create' AND m.from_stage IS NOT NULL AND m.at >= $1 AND m.at < $2)
      SELECT COALESCE(position, '*total*') AS key, count(v)::int AS count, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median, avg(v) AS mean
        FROM exits GROUP BY GROUPING SETS ((position), ()) ORDER BY 1`, [march.fromTs, march.toTs]);
    const got = rows.map((r) => ({ key: r.key, count: r.count, median: r.median })).sort((a, b) => a.key.localeCompare(b.key));
    expect(got).to.deep.equal(plain.rows.map((r) => ({ key: r.key, count: r.count, median: r.median })));
    for (const r of plain.rows) {
      const mean = rows.find((x) => x.key === r.key)?.mean ?? null;
      if (r.mean === null) expect(mean).to.equal(null);
      else expect(mean).to.be.closeTo(r.mean, 1e-9);
    }
  });
});
