import type pg from 'pg';
import { DAY_MS } from '../flow/time.js';

/**
 * [customer, name, owner, stage, subStage, amount, daysInStage, skippedLegalReview]
 * rep.zhou skipped 法务审核 three times this month, so the skip alert has a case.
 */
const OPPORTUNITIES: Array<[string, string, string, string, string | null, number, number, boolean]> = [
  ['华联超市总部', '华联2027年度饮料框架合同', 'rep.zhao', 'negotiation', 'commercial_terms', 1_200_000, 6, false],
  ['上海市第六人民医院', '六院骨科耗材入院', 'rep.zhao', 'needs_analysis', null, 680_000, 12, false],
  ['浙江省人民医院', '省人医耗材二期', 'rep.qian', 'solution_quote', null, 450_000, 4, false],
  ['苏果超市南京总部', '苏果休闲食品新品进场', 'rep.sun', 'lead_qualified', null, 300_000, 2, false],
  ['物美超市北京总部', '物美饮料堆头合作', 'rep.zhou', 'contract', null, 900_000, 3, true],
  ['华润万家北京区域公司', '华润万家零食专区', 'rep.zhou', 'contract', null, 520_000, 8, true],
  ['北京京客隆商贸有限公司', '京客隆经销协议续签', 'rep.zhou', 'delivery', null, 260_000, 5, true],
  ['北京协和医院', '协和耗材编码备案', 'rep.zhou', 'negotiation', 'tech_confirm', 750_000, 9, false],
  ['北京大学第三医院', '北医三院试用采购', 'rep.wu', 'needs_analysis', null, 380_000, 15, false],
  ['天津家世界超市', '家世界夏季促销', 'rep.zheng', 'solution_quote', null, 210_000, 7, false],
];

/** The customer's own procurement so far, as days ago per step: hospitals go through budget and tender. */
const PROCUREMENT: Record<string, Array<[string, number]>> = {
  六院骨科耗材入院: [['budget_requested', 40], ['budget_approved', 18]],
  省人医耗材二期: [['budget_requested', 60], ['budget_approved', 35], ['tender_announced', 6]],
  协和耗材编码备案: [['budget_requested', 75], ['budget_approved', 50], ['tender_announced', 21], ['bid_opened', 3]],
};

async function seedProcurement(client: pg.PoolClient, oppId: number, ownerId: number, steps: Array<[string, number]>, now: Date): Promise<void> {
  for (const [stage, daysAgo] of steps) {
    await client.query(
      `INSERT INTO procurement_events (opportunity_id, stage, occurred_on, source, recorded_by, recorded_at)
       VALUES ($1, $2, ($3::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, 'app', $4, $3)`,
      [oppId, stage, new Date(now.getTime() - daysAgo * DAY_MS), ownerId]);
  }
}

export async function seedDemoOpportunities(
  client: pg.PoolClient,
  ctx: { now: Date; userIds: Map<string, number>; deptIds: Map<string, number>; rand: () => number },
): Promise<number> {
  const pipeline = (await client.query(`SELECT id FROM pipelines WHERE is_default`)).rows[0];
  if (!pipeline) return 0;
  let n = 0;
  for (const [customer, name, owner, stage, sub, amount, days, skipped] of OPPORTUNITIES) {
    const c = (await client.query('SELECT id, department_id FROM customers WHERE name = $1', [customer])).rows[0];
    if (!c) continue;
    const ownerId = ctx.userIds.get(owner)!;
    const enteredAt = new Date(ctx.now.getTime() - days * DAY_MS);
    const createdAt = new Date(enteredAt.getTime() - 20 * DAY_MS);
    const { rows } = await client.query(
      `INSERT INTO opportunities (name, customer_id, owner_id, department_id, pipeline_id, stage_code, sub_stage_code,
                                  amount, stage_entered_at, created_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$9) RETURNING id`,
      [name, c.id, ownerId, c.department_id, pipeline.id, stage, sub, amount, enteredAt, createdAt],
    );
    const oppId = rows[0].id;
    await seedProcurement(client, oppId, ownerId, PROCUREMENT[name] ?? [], ctx.now);
    await client.query(
      `INSERT INTO stage_moves (opportunity_id, to_stage, kind, by_user_id, owner_id, at) VALUES ($1,'lead_qualified','create',$2,$2,$3)`,
      [oppId, ownerId, createdAt],
    );
    if (skipped) {
      await client.query(
        `INSERT INTO stage_moves (opportunity_id, from_stage, from_sub_stage, to_stage, kind, skipped, reason, by_user_id, owner_id, at)
         VALUES ($1,'negotiation','commercial_terms','contract','skip',$2,'客户法务已线下确认，赶月底签约',$3,$3,$4)`,
        [oppId, JSON.stringify([{ stageKey: 'negotiation', subStageKey: 'legal_review', name: '商务谈判·法务审核' }]),
          ownerId, new Date(enteredAt.getTime() - Math.floor(ctx.rand() * 3) * DAY_MS)],
      );
    }
    n++;
  }
  return n;
}
