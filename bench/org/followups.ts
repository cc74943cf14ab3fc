import { days, pick, runBatches, unit, type BatchOpts, type IdRange } from '../../core/seed/sql-random.js';

const UNMET: Array<[string, string]> = [
  ['ACTION_ITEM_MISSING', '没有写下一步行动，请写清楚具体要做什么、什么时候做。'],
  ['SUMMARY_TOO_SHORT', '跟进小结只有8个字，至少需要20个字，请写清楚客户的反馈和顾虑。'],
  ['ATTACHMENTS_MISSING', '需要至少1个附件（如门店陈列照片），本次没有。'],
  ['NEW_DOCUMENTS_MISSING', '有效跟进需要至少1份新产生的业务文件（报价单、方案、会议纪要、进货计划等），本次没有。'],
  ['DECISION_CHAIN_NOT_UPDATED', '有效跟进需要更新决策链：新增或确认关键人及其角色（如采购、使用部门、审批人）。'],
];

/**
 * 跟进 records that agree with each customer's clocks: the latest is at
 * last_followup_at, an effective one at last_effective_followup_at, nothing
 * effective in between, older ones (60% effective) before it; customers never
 * followed up effectively get only non-effective ones. 2–10 per customer
 * (6 on average).
 */
export async function insertFollowups(customers: IdRange, o: BatchOpts): Promise<number> {
  const s = o.seed;
  const sql = `
    INSERT INTO followups (customer_id, user_id, department_id, channel, summary, payload, effective, has_evidence, reasons, unmet, at)
    SELECT f.customer_id, f.owner_id, f.department_id,
           (ARRAY['visit','phone','wechat'])[1 + ${pick('f.customer_id * 16 + f.k', s, 90, 3)}],
           CASE WHEN f.effective THEN '客户确认下月进货计划，约定' || (1 + ${pick('f.customer_id * 16 + f.k', s, 91, 28)}) || '日前发送报价单并安排样品测试'
                ELSE '电话沟通，客户在忙' END,
           '{}'::jsonb, f.effective,
           f.effective OR ${unit('f.customer_id * 16 + f.k', s, 92)} < 0.3,
           CASE WHEN f.effective THEN '["有明确的下一步：「发送报价单」。"]'::jsonb ELSE jsonb_build_array(($2::text[])[f.u]) END,
           CASE WHEN f.effective THEN '{}'::text[] ELSE ARRAY[($1::text[])[f.u]] END,
           f.at
      FROM (SELECT c.id AS customer_id, c.owner_id, c.department_id, k,
                   1 + ${pick('c.id * 16 + k', s, 93, UNMET.length)} AS u,
                   CASE WHEN k = 1 THEN c.last_followup_at
                        WHEN k = 2 THEN CASE WHEN c.last_effective_followup_at IS DISTINCT FROM c.last_followup_at
                                             THEN c.last_effective_followup_at END
                        ELSE coalesce(c.last_effective_followup_at, c.last_followup_at) - ${days(unit('c.id * 16 + k', s, 94), 60)}
                   END AS at,
                   CASE WHEN k = 1 THEN c.last_effective_followup_at IS NOT NULL AND c.last_followup_at = c.last_effective_followup_at
                        WHEN k = 2 THEN true
                        ELSE c.last_effective_followup_at IS NOT NULL AND ${unit('c.id * 16 + k', s, 95)} < 0.6
                   END AS effective
              FROM customers c
             CROSS JOIN LATERAL generate_series(1, 2 + ${pick('c.id', s, 96, 9)}::int) k
             WHERE c.id BETWEEN $3 AND $4) f
     WHERE f.at IS NOT NULL`;
  const params = [UNMET.map((u) => u[0]), UNMET.map((u) => u[1])];
  const perBatch = Math.max(1, Math.floor(o.batch / 6));
  return runBatches(customers.max - customers.min + 1, perBatch, o.concurrency, (from, to) =>
    o.exec(sql, [...params, customers.min + from - 1, customers.min + to - 1]));
}
