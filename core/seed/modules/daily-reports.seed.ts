/**
 * 日报: every rep and manager files one most working days — what they did
 * (the visits they filed that day), 今日关键障碍 and tomorrow's plan. The
 * obstacles come from a pool of the trade's recurring blockages (耗材编码 and
 * 医保备案, 法务 and 合同条款, 预算冻结, 竞品压价, 配送断货, 进场费): each day a
 * team's members run into two of them and the next day two others, so every
 * week's heatmap — today's reports alone on a Monday — shows several topics
 * across departments; some days there is none (“无”).
 */
import { workTime } from '../history-window.js';
import { createWorkPlan } from '../work-plan.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { pick, unit } from '../sql-random.js';

/** Obstacle sentences by topic; a region's reports lean to the topics listed for its index. */
export const OBSTACLES: string[][] = [
  ['设备科要求先有耗材编码，医保备案还没下来', '医保编码没批下来，入库手续卡在采购中心', '入院准入会议推迟，耗材编码资料还要补'],
  ['客户法务对合同条款有意见，付款条件还在谈', '合同盖章流程慢，法务卡在违约条款', '法务审核排队两周，合同条款还没定'],
  ['客户预算冻结，采购审批流程暂停', '财务审批要等季度预算，采购冻结到月底', '预算冻结导致审批流程延后'],
  ['竞品低价抢单，价格分歧很大', '竞品给了更长账期，我们价格没有优势', '客户拿竞品报价压价，议价空间小'],
  ['物流配送延迟，门店断货三天', '仓库发货慢，配送不及时导致断货', '临期品多，物流退货流程慢'],
  ['进场费和条码费太高，陈列位谈不下来', '堆头费用超预算，陈列位被竞品占了', '条码费没谈妥，进场费还要审批'],
];

export const dailyReportsSeed = defineSeedModule<{ filed: number; none: number }>({
  name: 'daily-reports',
  label: '日报',
  after: ['reports'],
  knobs: { demo: { filed: 0.92, none: 0.06 }, bench: { filed: 0.8, none: 0.2 } },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    await createWorkPlan(ctx.pool); // the visits' plan, empty when no work was planned
    const flat = OBSTACLES.flatMap((list, topic) => list.map((text) => ({ topic, text })));
    const before = Number((await ctx.pool.query('SELECT coalesce(max(id), 0) AS m FROM daily_reports')).rows[0].m);
    // writers: the reps in scope and their managers; a region (the team's parent department) leans to three topics
    const reports = await ctx.exec(`
      WITH p AS (SELECT $1::date[] AS days, $2::timestamptz AS now, $3::date AS today, $4::bigint[] AS reps, $5::text[] AS texts,
                        $6::int[] AS topics, $7::float8 AS filed, $8::float8 AS none),
      writers AS (
        SELECT u.id, u.department_id, dense_rank() OVER (ORDER BY u.department_id) AS team,
               row_number() OVER (PARTITION BY u.department_id ORDER BY u.id) AS member
          FROM users u, p
         WHERE u.active AND (u.id = ANY(p.reps) OR u.id IN (SELECT manager_id FROM users WHERE id = ANY(p.reps)))),
      visits AS (
        SELECT w.assignee_id, (w.done_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS n
          FROM seed_work w WHERE w.def_code = 'visit' AND w.done_at IS NOT NULL GROUP BY 1, 2),
      x AS (
        SELECT w.*, i, p.days[i] AS day, ${unit('w.id * 1000 + i', s, 240)} AS u,
               -- each day a team's members share two of the topics (two reports each), and the pair moves on day by day
               (w.team * 3 + i + (w.member % 2)::int) % 6 AS topic, ${pick('w.id * 1000 + i', s, 242, 3)} AS variant,
               ${workTime('p.days[i]', `0.85 + 0.15 * ${unit('w.id * 1000 + i', s, 243)}`, 'p.now', 'p.today')} AS at
          FROM writers w, p, generate_series(1, cardinality(p.days)) i)
      INSERT INTO daily_reports (user_id, department_id, day, summary, obstacles, plan, support, created_at, updated_at)
      SELECT x.id, x.department_id, x.day,
             '拜访客户' || coalesce(v.n, 0) || '家，整理客户需求并更新商机',
             CASE WHEN x.u < p.none THEN '无'
                  ELSE p.texts[(SELECT min(j) FROM generate_subscripts(p.topics, 1) j WHERE p.topics[j] = x.topic) + x.variant] END,
             '继续拜访重点客户，跟进报价和回款', CASE WHEN x.topic IN (1, 2) AND x.u > 0.7 THEN '需要法务和财务协助' END, x.at, x.at
        FROM x CROSS JOIN p LEFT JOIN visits v ON v.assignee_id = x.id AND v.day = x.day
       WHERE ${unit('x.id * 1000 + x.i', s, 244)} < p.filed AND x.at < p.now
       ORDER BY x.id, x.day
      ON CONFLICT (user_id, day) DO NOTHING`,
      [ctx.window.days, ctx.window.now, ctx.window.today, ctx.scope.repIds, flat.map((f) => f.text), flat.map((f) => f.topic), k.filed, k.none]);
    const events = await ctx.exec(`
      INSERT INTO events (at, actor_id, entity_type, entity_id, type, data)
      SELECT r.created_at, r.user_id, 'daily_report', r.id, 'daily_report.submitted',
             jsonb_build_object('day', r.day, 'departmentId', r.department_id, 'obstaclesChars', length(r.obstacles))
        FROM daily_reports r WHERE r.id > $1`, [before]);
    return { daily_reports: reports, events };
  },
});
