/**
 * What counts as an EFFECTIVE follow-up (有效跟进), per customer type, as data
 * admins can edit. The valid/total ratio is a first-class metric, so every
 * verdict carries Chinese reasons: why it counts, or everything it lacks.
 *
 *   classifyFollowUp(followUp, DEFAULT_FOLLOWUP_STANDARDS.ka, now)
 */
import { z } from 'zod';
import { parseBusinessDateTime, shanghaiDate, addCalendarDays } from './time.js';
import { CUSTOMER_TYPES, CUSTOMER_TYPE_LABELS, type CustomerType } from './types.js';

export const FollowUpStandardSchema = z.strictObject({
  /** 'dated': a concrete next step with a date; 'any': a concrete next step; 'none': not required. */
  actionItem: z.enum(['dated', 'any', 'none']).meta({
    title: '下一步行动', labels: { dated: '须写明具体行动和日期', any: '须写明具体行动', none: '不要求' },
  }),
  /** A dated next step further out than this is a postponement, not a plan. */
  actionItemMaxDaysAhead: z.number().int().min(1, '应在1–365天之间').max(365, '应在1–365天之间')
    .meta({ title: '下一步最远安排', unit: '天', description: '下一步的日期超过这么多天，视为拖延而不是计划' }),
  minNewDocuments: z.number().int().min(0, '应在0–20份之间').max(20, '应在0–20份之间')
    .meta({ title: '新业务文件下限', unit: '份', description: '报价单、方案、会议纪要、进货计划等；0 表示不要求' }),
  requireDecisionChainUpdate: z.boolean().meta({ title: '须更新决策链', description: '新增或确认关键人及其角色' }),
  minSummaryChars: z.number().int().min(0, '应在0–500字之间').max(500, '应在0–500字之间')
    .meta({ title: '跟进小结最少字数', unit: '字' }),
  minAttachments: z.number().int().min(0, '应在0–20个之间').max(20, '应在0–20个之间')
    .meta({ title: '附件下限', unit: '个', description: '如门店陈列照片；0 表示不要求' }),
});
export type FollowUpStandard = z.output<typeof FollowUpStandardSchema>;

/** Exhaustive: every customer type must have a standard. */
export const FollowUpStandardsSchema = z.record(z.enum(CUSTOMER_TYPES), FollowUpStandardSchema);
export type FollowUpStandards = Record<CustomerType, FollowUpStandard>;

export const DEFAULT_FOLLOWUP_STANDARDS: FollowUpStandards = {
  // KA buying is committee work: without a new document and a decision-chain update nothing moved
  ka: { actionItem: 'dated', actionItemMaxDaysAhead: 30, minNewDocuments: 1, requireDecisionChainUpdate: true, minSummaryChars: 20, minAttachments: 0 },
  // hospitals decide through 科室、设备科、采购 and 院办: the chain matters more than paperwork
  hospital: { actionItem: 'dated', actionItemMaxDaysAhead: 30, minNewDocuments: 0, requireDecisionChainUpdate: true, minSummaryChars: 20, minAttachments: 0 },
  // a store follow-up is about the shelf: short cycle, photo evidence
  store: { actionItem: 'dated', actionItemMaxDaysAhead: 14, minNewDocuments: 0, requireDecisionChainUpdate: false, minSummaryChars: 10, minAttachments: 1 },
  // dealers move on paper: 进货计划、对账单、订单
  dealer: { actionItem: 'dated', actionItemMaxDaysAhead: 30, minNewDocuments: 1, requireDecisionChainUpdate: false, minSummaryChars: 15, minAttachments: 0 },
};

export interface FollowUpInput {
  customerType?: CustomerType;
  actionItems: Array<{ text: string; dueDate?: Date | string | null }>;
  newDocuments: number;
  decisionChainUpdated: boolean;
  summary: string;
  attachments: number;
}

export interface FollowUpVerdict {
  effective: boolean;
  /** Chinese: what it lacks when not effective, what made it count otherwise. */
  reasons: string[];
  /** Stable codes of unmet criteria, for metrics. */
  unmet: string[];
}

// "keep in touch" is not a next step
const VAGUE_ITEMS = new Set(['跟进', '继续跟进', '持续跟进', '保持联系', '再联系', '电话联系', '待定', '再说', '再约', '回访']);

function isConcrete(text: string): boolean {
  const t = text.replace(/[\s，。,.!！、]/g, '');
  return [...t].length >= 4 && !VAGUE_ITEMS.has(t);
}

interface Check { code: string; met: boolean; yes: string; no: string }

function actionItemCheck(f: FollowUpInput, s: FollowUpStandard, now: Date): Check {
  const concrete = f.actionItems.filter((i) => isConcrete(i.text));
  const code = 'ACTION_ITEM_MISSING';
  if (concrete.length === 0) {
    const vague = f.actionItems[0]?.text;
    const no = vague ? `下一步「${vague}」太笼统，请写清楚具体要做什么、什么时候做（例如“5月10日前发送报价单”）。` : '没有写下一步行动，请写清楚具体要做什么、什么时候做。';
    return { code, met: false, yes: '', no };
  }
  if (s.actionItem !== 'dated') return { code, met: true, yes: `有明确的下一步：「${concrete[0].text}」。`, no: '' };
  return datedItemCheck(concrete, s, now);
}

function datedItemCheck(items: FollowUpInput['actionItems'], s: FollowUpStandard, now: Date): Check {
  const today = shanghaiDate(now);
  const latest = addCalendarDays(today, s.actionItemMaxDaysAhead);
  const dated = items.map((i) => ({ text: i.text, day: i.dueDate ? shanghaiDateOf(i.dueDate) : null }));
  const good = dated.find((i) => i.day !== null && i.day >= today && i.day <= latest);
  const code = 'ACTION_ITEM_UNDATED';
  if (good) return { code, met: true, yes: `有明确的下一步：「${good.text}」（${good.day}前）。`, no: '' };
  const withDay = dated.find((i) => i.day !== null);
  if (!withDay) return { code, met: false, yes: '', no: `下一步「${dated[0].text}」没有日期，请填写计划完成日期。` };
  const no = withDay.day! < today
    ? `下一步「${withDay.text}」的日期 ${withDay.day} 已经过去，请填写今天或之后的日期。`
    : `下一步「${withDay.text}」安排在 ${withDay.day}，超过${s.actionItemMaxDaysAhead}天，请安排更近的具体动作。`;
  return { code, met: false, yes: '', no };
}

function shanghaiDateOf(v: Date | string): string | null {
  const d = parseBusinessDateTime(v);
  return d ? shanghaiDate(d) : null;
}

function countChecks(f: FollowUpInput, s: FollowUpStandard, who: string): Check[] {
  const chars = [...f.summary.replace(/\s/g, '')].length;
  return [
    { code: 'NEW_DOCUMENTS_MISSING', met: f.newDocuments >= s.minNewDocuments,
      yes: `新产生业务文件${f.newDocuments}份。`,
      no: `${who}的有效跟进需要至少${s.minNewDocuments}份新产生的业务文件（报价单、方案、会议纪要、进货计划等），本次${f.newDocuments === 0 ? '没有' : `只有${f.newDocuments}份`}。` },
    { code: 'DECISION_CHAIN_NOT_UPDATED', met: !s.requireDecisionChainUpdate || f.decisionChainUpdated,
      yes: '已更新客户决策链。',
      no: `${who}的有效跟进需要更新决策链：新增或确认关键人及其角色（如采购、使用部门、审批人）。` },
    { code: 'SUMMARY_TOO_SHORT', met: chars >= s.minSummaryChars,
      yes: `跟进小结${chars}字。`,
      no: `跟进小结只有${chars}个字，至少需要${s.minSummaryChars}个字，请写清楚客户的反馈和顾虑。` },
    { code: 'ATTACHMENTS_MISSING', met: f.attachments >= s.minAttachments,
      yes: `附件${f.attachments}个。`,
      no: `需要至少${s.minAttachments}个附件（如门店陈列照片），本次${f.attachments === 0 ? '没有' : `只有${f.attachments}个`}。` },
  ];
}

/** Criteria a standard does not ask for (minimum 0, not required) are not mentioned. */
function isAsked(c: Check, s: FollowUpStandard): boolean {
  if (c.code === 'NEW_DOCUMENTS_MISSING') return s.minNewDocuments > 0;
  if (c.code === 'DECISION_CHAIN_NOT_UPDATED') return s.requireDecisionChainUpdate;
  if (c.code === 'SUMMARY_TOO_SHORT') return s.minSummaryChars > 0;
  if (c.code === 'ATTACHMENTS_MISSING') return s.minAttachments > 0;
  return true;
}

export function classifyFollowUp(followUp: FollowUpInput, standard: FollowUpStandard, now: Date): FollowUpVerdict {
  const who = followUp.customerType ? `${CUSTOMER_TYPE_LABELS[followUp.customerType]}客户` : '该类客户';
  const checks = [
    ...(standard.actionItem === 'none' ? [] : [actionItemCheck(followUp, standard, now)]),
    ...countChecks(followUp, standard, who).filter((c) => isAsked(c, standard)),
  ];
  const failed = checks.filter((c) => !c.met);
  if (failed.length > 0) return { effective: false, reasons: failed.map((c) => c.no), unmet: failed.map((c) => c.code) };
  return { effective: true, reasons: checks.map((c) => c.yes), unmet: [] };
}
