import { expect } from 'chai';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { getDashboardOverview } from '../../../core/dashboards/service.js';
import { DEFAULT_DASHBOARD_SETTINGS } from '../../../core/dashboards/settings.js';
import { addCalendarDays, shanghaiDate } from '../../../core/flow/time.js';
import { demoAtFixedNow, type GeneratedDemo } from './seed-helpers.js';

type Plain = Record<string, { num: number; den: number } | { mean: number }>;

/** Every ratio and mean of the overview, counted plainly from the base tables over [from, to) for a department subtree (null: all). */
async function plainCounts(demo: GeneratedDemo, from: string, to: string, deptId: number | null): Promise<Plain> {
  const q = (sql: string) => demo.pool.query(sql, [from, to, deptId, ...(sql.includes('$4') ? [demo.now] : [])]).then((r) => r.rows[0]);
  const inTree = (col: string) => `($3::bigint IS NULL OR ${col} IN (SELECT id FROM departments WHERE path LIKE (SELECT path FROM departments WHERE id = $3) || '%'))`;
  const inPeriod = (col: string) => `${col} >= ($1::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND ${col} < ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`;
  // 线索→商机 (#18): a lead counts once an opportunity names it, made before the period's end
  const leads = await q(`SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM opportunities o WHERE o.lead_id = l.id
                                  AND o.created_at < ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai'))::int AS num, count(*)::int AS den
                           FROM leads l WHERE ${inPeriod('l.created_at')} AND ${inTree('l.department_id')}`);
  const wins = await q(`SELECT count(*) FILTER (WHERE status = 'won')::int AS num, count(*)::int AS den FROM opportunities
                         WHERE status IN ('won','lost') AND ${inPeriod('closed_at')} AND ${inTree('department_at(owner_id, closed_at)')}`);
  const skips = await q(`SELECT count(*) FILTER (WHERE kind = 'skip' OR jsonb_array_length(skipped) > 0)::int AS num, count(*)::int AS den FROM stage_moves
                          WHERE kind IN ('advance','skip') AND from_stage IS NOT NULL AND ${inPeriod('at')} AND ${inTree('department_at(owner_id, at)')}`);
  // a move without its dwell recorded (the demo organisation's hand-placed ones) dwelt since the move before it
  const dwell = await q(`SELECT avg(coalesce(m.dwell_seconds, extract(epoch FROM m.at - (SELECT max(p.at) FROM stage_moves p
                                  WHERE p.opportunity_id = m.opportunity_id AND p.at < m.at))) / 86400.0)::float8 AS mean
                           FROM stage_moves m
                          WHERE m.kind <> 'create' AND m.from_stage IS NOT NULL AND ${inPeriod('m.at')} AND ${inTree('department_at(m.owner_id, m.at)')}`);
  const onTime = await q(`SELECT count(*) FILTER (WHERE status IN ('submitted','verified','archived') AND submitted_at <= due_at)::int AS num, count(*)::int AS den
                           FROM actions WHERE ${inPeriod('due_at')} AND due_at < $4 AND ${inTree('department_id')}`);
  const followups = await q(`SELECT count(*) FILTER (WHERE effective)::int AS num, count(*)::int AS den FROM followups WHERE ${inPeriod('at')} AND ${inTree('department_id')}`);
  return { lead_conversion: leads, opportunity_win: wins, stage_skip_rate: skips, stage_dwell: dwell, action_on_time: onTime, effective_followup: followups };
}

describe('seed: the dashboards over the generated history', function () {
  this.timeout(180_000);
  let demo: GeneratedDemo;
  before(async () => { demo = await demoAtFixedNow(); });

  const month = (d: string) => d.slice(0, 7);
  const monthRange = (m: string): [string, string] => {
    const from = `${m}-01`;
    const next = addCalendarDays(from, 32).slice(0, 7);
    return [from, `${next}-01`];
  };

  for (const who of ['director.wang', 'mgr.li', 'mgr.chen']) {
    it(`shows all seven metrics for the current and the previous month to ${who}, each equal to a plain count`, async () => {
      const actor = (await loadActiveActor(demo.pool, { wecomUserid: who }))!;
      const overview = await getDashboardOverview(demo.pool, actor, {}, demo.now);
      const current = month(shanghaiDate(demo.now));
      const previous = month(addCalendarDays(`${current}-01`, -1));
      expect(overview.items).to.have.length(7);
      for (const item of overview.items) {
        expect(item.value, `${who} ${item.metric} ${current}`).to.not.equal(null);
        expect(item.previous.value, `${who} ${item.metric} ${previous}`).to.not.equal(null);
      }
      const dept = who === 'director.wang' ? null : actor.departmentId;
      const [from, to] = monthRange(current);
      const plain = await plainCounts(demo, from, addCalendarDays(shanghaiDate(demo.now), 1) < to ? addCalendarDays(shanghaiDate(demo.now), 1) : to, dept);
      for (const item of overview.items) {
        const p = plain[item.metric];
        if (!p) continue;
        if ('mean' in p) expect(item.value!, `${who} ${item.metric}`).to.be.closeTo(p.mean, 0.01);
        else expect([item.numerator, item.denominator], `${who} ${item.metric}`).to.deep.equal([p.num, p.den]);
      }
      const [pFrom, pTo] = monthRange(previous);
      const before = await plainCounts(demo, pFrom, pTo, dept);
      const prevOverview = await getDashboardOverview(demo.pool, actor, { month: previous } as never, demo.now);
      for (const item of prevOverview.items) {
        const p = before[item.metric];
        if (!p) continue;
        if ('mean' in p) expect(item.value!, `${who} ${item.metric} ${previous}`).to.be.closeTo(p.mean, 0.01);
        else expect([item.numerator, item.denominator], `${who} ${item.metric} ${previous}`).to.deep.equal([p.num, p.den]);
      }
    });
  }

  it('puts the three water levels in three different bands for the director, so the thresholds are visible', async () => {
    const actor = (await loadActiveActor(demo.pool, { wecomUserid: 'director.wang' }))!;
    const overview = await getDashboardOverview(demo.pool, actor, {}, demo.now);
    const levels = overview.items.filter((i) => i.group === 'water_level');
    expect(levels.map((l) => l.metric).sort()).to.deep.equal(['lead_conversion', 'opportunity_win', 'profile_completeness']);
    expect(new Set(levels.map((l) => l.status)), JSON.stringify(levels.map((l) => [l.metric, l.value, l.status]))).to.deep.equal(new Set(['green', 'amber', 'red']));
    expect(DEFAULT_DASHBOARD_SETTINGS.thresholds.lead_conversion.red.below).to.be.a('number');
  });
});
