/**
 * The paperwork of a deal: a 报价单 when it reaches 方案报价 — sent on time
 * when the deal's quote goes out fast (opportunityEffort), late otherwise —
 * and a 合同审批 as it reaches 合同签约. Both are locked until a visit of the
 * customer has been verified (their prerequisite.verified rule), so each is
 * planned no earlier than the working day after the first verified visit.
 */
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { pick, unit } from '../sql-random.js';
import { planWork } from '../work-plan.js';

export const dealTasksSeed = defineSeedModule<Record<string, never>>({
  name: 'deal-tasks',
  label: '报价与合同审批',
  after: ['visits'],
  knobs: { demo: {}, bench: {} },
  async run(ctx): Promise<SeedCounts> {
    const s = ctx.seed;
    const task = (code: 'quote' | 'contract_approval', stage: string, dueN: number, offset: number, keyBase: number) => planWork(ctx, (q) => `
      SELECT ${keyBase} + o.id AS key, 'deal' AS source, '${code}' AS def_code, o.customer_id, o.id AS opportunity_id,
             o.owner_id AS assignee_id, o.owner_id AS assigner_id, o.department_id,
             ${code === 'quote' ? `'报价单生成：'` : `'合同审批：'`} || c.name AS title, '[]'::jsonb AS requirements, NULL::bigint AS process_instance_id, NULL::text AS node_key, NULL::jsonb AS escalation,
             GREATEST(b.idx + ${offset}, v.idx + 1) AS cidx, ${dueN} AS due_n,
             GREATEST(b.idx + ${offset}, v.idx + 1) + CASE WHEN ${code === 'quote' ? 'pl.qf' : 'true'} THEN ${pick('o.id', s, 170, 2)} ELSE ${dueN} + 1 + ${pick('o.id', s, 171, 3)} END AS vday,
             ${unit('o.id', s, 172)} AS u,
             CASE WHEN ${code === 'quote' ? 'NOT pl.qf' : 'false'} AND GREATEST(b.idx + ${offset}, v.idx + 1) + ${dueN} + 1 <= p.last THEN 'late' END AS story_hint
        FROM seed_opp_plan pl JOIN opportunities o ON o.id = pl.id JOIN customers c ON c.id = o.customer_id
        JOIN stage_moves m ON m.opportunity_id = o.id AND m.to_stage = ${q.param(stage)} AND m.to_sub_stage IS NULL
        JOIN seed_days b ON b.day = (m.at AT TIME ZONE 'Asia/Shanghai')::date
        CROSS JOIN LATERAL (SELECT min(x.idx) AS idx FROM seed_work w
                              JOIN seed_days x ON x.day = (w.verify_at AT TIME ZONE 'Asia/Shanghai')::date
                             WHERE w.customer_id = o.customer_id AND w.def_code = 'visit' AND w.verify_at IS NOT NULL
                               AND (w.opportunity_id IS NULL OR w.opportunity_id = o.id)) v
        CROSS JOIN p
       WHERE v.idx IS NOT NULL`);
    const quotes = await task('quote', 'solution_quote', 2, 0, 4_000_000_000);
    // the contract is approved in the days before it is signed
    const contracts = await task('contract_approval', 'contract', 5, -3, 5_000_000_000);
    return { planned_quotes: quotes, planned_contract_approvals: contracts };
  },
});
