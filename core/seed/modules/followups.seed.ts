/**
 * 跟进 between visits: a phone call or WeChat exchange with each customer in
 * the middle of its visiting rhythm (visits.seed.ts customerRhythm), judged by
 * the customer type's standard of 有效跟进 with the real classifier
 * (core/flow/followup.ts): some with a dated next step, the documents and the
 * decision-chain update the standard asks for (effective), others with "继续跟
 * 进", a four-character summary or a next step six weeks out (not). Customers
 * gone silent still get the odd non-effective call — a 伪跟进 — but nothing
 * effective. Each names the contact it was with (payload.contactIds, the
 * 对接人 the relationship graph counts), mostly the first one. Then every
 * customer's follow-up clocks are set from what was recorded, as the service
 * keeps them.
 */
import { followUpStandardFor } from '../../actions/followup-standard.setting.js';
import { classifyFollowUp, type FollowUpStandards } from '../../flow/followup.js';
import { addCalendarDays, shanghaiDate } from '../../flow/time.js';
import { CUSTOMER_TYPES, type CustomerType } from '../../flow/types.js';
import { workingDayIndex, workTime } from '../history-window.js';
import { createDayIndex } from '../work-plan.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { pick, unit } from '../sql-random.js';
import { customerRhythm, visitsSeed } from './visits.seed.js';

interface Template {
  type: CustomerType;
  channel: 'phone' | 'wechat';
  summary: string;
  item: string;
  /** Days from the follow-up to its next step; null: no date. */
  dueIn: number | null;
  newDocuments: number;
  chain: boolean;
  effective: boolean;
  /** The classifier's reasons, with the next step's date as {day}. */
  reasons: string[];
  unmet: string[];
}

const GOOD = [
  { summary: '与采购经理电话沟通下月进货计划，对方确认促销档期，要求补充陈列方案', item: '周五前发送陈列方案和修订报价单' },
  { summary: '微信确认客户已收到样品，技术负责人反馈规格符合，下一步走内部审批', item: '下周二前提交试用评价表并约设备科复核' },
  { summary: '财务对账完成，客户同意本月回款安排，新增采购部副经理为联系人', item: '月底前跟进回款并确认下批订单数量' },
];
const WEAK = [
  { summary: '客户在忙', item: '下周约时间', dueIn: 5 },
  { summary: '电话沟通了近期合作情况，客户表示再考虑一下价格', item: '继续跟进', dueIn: null },
  { summary: '客户说预算要等下季度，先保持联系，届时再谈具体合作', item: '下季度再联系客户确认预算', dueIn: 45 },
];

/** Every template judged by the real classifier, the dated next step written as {day}. */
export function followupTemplates(standards: FollowUpStandards): Template[] {
  const ref = new Date('2026-06-01T02:00:00Z');
  const out: Template[] = [];
  for (const type of CUSTOMER_TYPES) {
    const std = standards[type];
    const add = (channel: Template['channel'], summary: string, item: string, dueIn: number | null, docs: number, chain: boolean) => {
      const due = dueIn === null ? null : addCalendarDays(shanghaiDate(ref), dueIn);
      const v = classifyFollowUp({ customerType: type, actionItems: [{ text: item, dueDate: due }], newDocuments: docs,
        decisionChainUpdated: chain, summary, attachments: 0 }, std, ref);
      out.push({ type, channel, summary, item, dueIn, newDocuments: docs, chain, effective: v.effective,
        reasons: v.reasons.map((r) => (due ? r.replaceAll(due, '{day}') : r)), unmet: v.unmet });
    };
    for (const g of GOOD) add('phone', g.summary, g.item, 3 + (g.item.length % 5), std.minNewDocuments, std.requireDecisionChainUpdate);
    for (const w of WEAK) add('wechat', w.summary, w.item, w.dueIn, 0, false);
  }
  return out;
}

/** The company-wide standard per customer type (a demo has no department's own yet). */
async function loadStandards(ctx: { pool: import('pg').Pool }): Promise<FollowUpStandards> {
  const entries = await Promise.all(CUSTOMER_TYPES.map(async (t) => [t, await followUpStandardFor(ctx.pool, t, null)] as const));
  return Object.fromEntries(entries) as FollowUpStandards;
}

export const followupsSeed = defineSeedModule<{ effectiveShare: number }>({
  name: 'followups',
  label: '电话与微信跟进',
  after: ['reports'],
  knobs: { demo: { effectiveShare: 0.7 }, bench: { effectiveShare: 0.6 } },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    const templates = followupTemplates(await loadStandards(ctx));
    await createDayIndex(ctx.pool, workingDayIndex(ctx.window).all);
    const rhythm = customerRhythm('c.id', s, { ...visitsSeed.knobs[ctx.scale], ...(ctx.knobOverrides?.visits ?? {}) }, 'p.last');
    const before = Number((await ctx.pool.query('SELECT coalesce(max(id), 0) AS m FROM followups')).rows[0].m);
    const col = <K extends keyof Template>(key: K) => templates.map((t) => t[key]);
    const inserted = await ctx.exec(`
      WITH p AS (SELECT $1::date[] AS days, $2::int AS last, $3::timestamptz AS now, $4::date AS today, $5::bigint[] AS reps,
                        $6::text[] AS t_type, $7::boolean[] AS t_effective, $8::text[] AS t_channel, $9::text[] AS t_summary,
                        $10::text[] AS t_item, $11::int[] AS t_due, $12::int[] AS t_docs, $13::boolean[] AS t_chain,
                        $14::text[] AS t_reasons, $15::text[] AS t_unmet, $16::float8 AS share),
      f AS (
        SELECT c.id AS customer_id, c.type, c.owner_id, c.department_id, d, ${rhythm.silentFrom} AS silent_from,
               ${unit('c.id * 1000 + d', s, 230)} AS u, ${pick('c.id * 1000 + d', s, 231, 3)} AS variant
          FROM customers c JOIN seed_days b ON b.day = (c.became_active_at AT TIME ZONE 'Asia/Shanghai')::date
          CROSS JOIN p CROSS JOIN LATERAL generate_series(1, p.last) d
         WHERE c.owner_id = ANY(p.reps) AND c.status = 'active' AND d > b.idx + 1
           AND (d + ${rhythm.phase} + ${rhythm.period} / 2) % ${rhythm.period} = 0),
      g AS (
        SELECT f.*, t.i AS tpl, ${workTime('p.days[f.d]', unit('f.customer_id * 1000 + f.d', s, 232), 'p.now', 'p.today')} AS at
          FROM f CROSS JOIN p
          CROSS JOIN LATERAL (
            SELECT i FROM generate_subscripts(p.t_type, 1) i
             WHERE p.t_type[i] = f.type
               AND p.t_effective[i] = (f.u < p.share AND (f.silent_from IS NULL OR f.d < f.silent_from))
             ORDER BY i OFFSET f.variant % GREATEST(1, (SELECT count(*) FROM generate_subscripts(p.t_type, 1) j
                                                          WHERE p.t_type[j] = f.type
                                                            AND p.t_effective[j] = (f.u < p.share AND (f.silent_from IS NULL OR f.d < f.silent_from))))
             LIMIT 1) t
         WHERE f.silent_from IS NULL OR f.d < f.silent_from OR f.u < 0.5)
      INSERT INTO followups (customer_id, action_id, user_id, department_id, channel, summary, payload, effective, has_evidence, reasons, unmet, at)
      SELECT g.customer_id, NULL, g.owner_id, g.department_id, p.t_channel[g.tpl], p.t_summary[g.tpl],
             jsonb_build_object('actionItems', jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('text', p.t_item[g.tpl],
                                  'dueDate', to_char((g.at AT TIME ZONE 'Asia/Shanghai')::date + p.t_due[g.tpl], 'YYYY-MM-DD')))),
                                'newDocumentIds', '[]'::jsonb, 'newDocuments', p.t_docs[g.tpl], 'attachmentIds', '[]'::jsonb,
                                'contactIds', CASE WHEN k.id IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(k.id) END,
                                'contactUpdates', '[]'::jsonb, 'decisionChainUpdated', p.t_chain[g.tpl]),
             p.t_effective[g.tpl], p.t_docs[g.tpl] > 0 OR p.t_chain[g.tpl],
             replace(p.t_reasons[g.tpl], '{day}', coalesce(to_char((g.at AT TIME ZONE 'Asia/Shanghai')::date + p.t_due[g.tpl], 'YYYY-MM-DD'), ''))::jsonb,
             string_to_array(p.t_unmet[g.tpl], ','), g.at
        FROM g CROSS JOIN p
        -- the 对接人: mostly the first contact (the buyer or 设备科), sometimes another; the odd pseudo call names nobody
        LEFT JOIN LATERAL (
          SELECT id FROM contacts WHERE customer_id = g.customer_id AND (p.t_effective[g.tpl] OR g.u < 0.8)
           ORDER BY id OFFSET CASE WHEN ${unit('g.customer_id * 1000 + g.d', s, 233)} < 0.6 THEN 0
                                   ELSE ${pick('g.customer_id * 1000 + g.d', s, 234, 3)} END
                  % GREATEST(1, (SELECT count(*) FROM contacts WHERE customer_id = g.customer_id)) LIMIT 1) k ON true
       ORDER BY g.at`,
      [ctx.window.days, ctx.window.days.length, ctx.window.now, ctx.window.today, ctx.scope.repIds,
        col('type'), col('effective'), col('channel'), col('summary'), col('item'), col('dueIn'), col('newDocuments'), col('chain'),
        templates.map((t) => JSON.stringify(t.reasons)), templates.map((t) => t.unmet.join(',')), k.effectiveShare]);
    const events = await ctx.exec(`
      INSERT INTO events (at, actor_id, entity_type, entity_id, type, data)
      SELECT f.at, f.user_id, 'customer', f.customer_id, 'followup.recorded',
             jsonb_build_object('followupId', f.id, 'actionId', f.action_id, 'channel', f.channel, 'effective', f.effective, 'unmet', to_jsonb(f.unmet))
        FROM followups f WHERE f.id > $1`, [before]);
    // the clocks the silence check reads, as recordFollowUpCte keeps them
    const clocks = await ctx.exec(`
      UPDATE customers c SET last_followup_at = x.last, last_effective_followup_at = x.last_effective, updated_at = greatest(c.updated_at, x.last)
        FROM (SELECT f.customer_id, max(f.at) AS last, max(f.at) FILTER (WHERE f.effective) AS last_effective
                FROM followups f JOIN customers cc ON cc.id = f.customer_id WHERE cc.owner_id = ANY($1::bigint[]) GROUP BY f.customer_id) x
       WHERE x.customer_id = c.id`, [ctx.scope.repIds]);
    return { followups: inserted, events, customer_clocks: clocks };
  },
});
