/**
 * Out-of-the-box action definitions and keyword libraries. They are data, the
 * same shape admins edit, and are validated by ActionDefinitionSchema in tests.
 */
import type { ActionDefinition } from './action-definition.js';
import { BUYING_ROLE_OPTIONS } from './buying-centre.js';
import type { EscalationPolicy } from './escalation.js';
import type { GateRuleConfig } from './rules/index.js';

/** Pain points reps hear in KA, hospital, store and dealer visits. */
export const DEFAULT_PAIN_POINT_KEYWORDS: string[] = [
  '价格偏高', '价格倒挂', '毛利低', '账期', '回款慢', '付款周期', '预算不足', '竞品',
  '库存积压', '压货', '窜货', '动销慢', '临期', '保质期', '断货', '缺货',
  '物流慢', '配送', '破损', '退换货', '质量问题', '售后响应慢', '最低起订量', '返利',
  '条码费', '进场费', '堆头费', '陈列位', '地堆', '促销费用', '耗材编码', '医保备案',
  '挂网', '集采', '带量采购', '招标', '入库', '准入', '资质', '发票',
];

/** Obstacles that stall an opportunity; used to cluster lost/slow deals. */
export const DEFAULT_OBSTACLE_KEYWORDS: string[] = [
  '决策人未见', '关键人变动', '领导换届', '预算冻结', '采购冻结', '审批流程', '招标延期', '需求不明确',
  '竞品低价', '竞品关系', '价格分歧', '付款条件', '合同条款', '法务卡点', '资质不全', '样品未通过',
  '技术不达标', '交期太长', '库存充足', '内部反对', '售后顾虑', '试用期',
];

export const DEFAULT_KEYWORD_LIBRARIES: Record<string, string[]> = {
  pain_points: DEFAULT_PAIN_POINT_KEYWORDS,
  obstacles: DEFAULT_OBSTACLE_KEYWORDS,
};

/** The template's libraries' names (the 'keywords.library' setting's defaults, as installed). */
export const DEFAULT_KEYWORD_LIBRARY_NAMES: Record<string, string> = {
  pain_points: '客户痛点关键词',
  obstacles: '协同堵点关键词',
};

export const VISIT_RULES: GateRuleConfig[] = [
  { id: 'visit.photos', kind: 'attachments.min', attachmentKind: 'photo', min: 2, label: '现场照片', requireTags: ['门头照', '合影'] },
  { id: 'visit.voice', kind: 'attachments.min', attachmentKind: 'voice', min: 1, label: '语音纪要' },
  { id: 'visit.fields', kind: 'fields.required', fields: [
    { key: 'decisionRole', label: '决策链角色', type: 'enum', options: BUYING_ROLE_OPTIONS },
    { key: 'nextContactAt', label: '下次接触时间', type: 'datetime_future' },
  ] },
  { id: 'visit.orders', kind: 'orders.linked', latest: 3 },
  { id: 'visit.geofence', kind: 'geofence.within_km', km: 3 },
  { id: 'visit.pain_points', kind: 'voice.keywords.min', library: 'pain_points', min: 2 },
  // evidence checks (core/flow/evidence): findings route the report to the supervisor's review queue
  { id: 'visit.photo_time', kind: 'photo.captured_within', missingExif: 'warn', mode: 'review' },
  { id: 'visit.photo_place', kind: 'photo.located', mode: 'review' },
  { id: 'visit.photo_unique', kind: 'photo.unique', mode: 'review' },
  { id: 'visit.photo_camera', kind: 'photo.camera', mode: 'review' },
  { id: 'visit.checkin', kind: 'checkin.plausible', mode: 'review' },
  { id: 'visit.voice_speech', kind: 'voice.speech', mode: 'review' },
];

const visitDone: GateRuleConfig = { id: 'prerequisite.visit', kind: 'prerequisite.verified', definitionCode: 'visit', label: '客户拜访' };

// day 0: the rep; day 1: the manager; day 3: director with compliance, copying the chain below
const STANDARD_ESCALATION: EscalationPolicy = {
  steps: [
    { afterWorkingDaysOverdue: 0, notify: ['assignee'] },
    { afterWorkingDaysOverdue: 1, notify: ['manager'] },
    { afterWorkingDaysOverdue: 3, notify: ['director', 'compliance'], cc: true },
  ],
};

// contracts block revenue: the director hears after one day
const URGENT_ESCALATION: EscalationPolicy = {
  steps: [
    { afterWorkingDaysOverdue: 0, notify: ['assignee', 'manager'] },
    { afterWorkingDaysOverdue: 1, notify: ['director'], cc: true },
    { afterWorkingDaysOverdue: 2, notify: ['compliance'], cc: true },
  ],
};

export const DEFAULT_ACTION_DEFINITIONS: ActionDefinition[] = [
  { code: 'visit', name: '客户拜访', description: '到客户现场拜访并提交拜访报告（照片、语音纪要、决策链、下次接触时间）', rules: VISIT_RULES, dueWorkingDays: 3, escalation: STANDARD_ESCALATION },
  { code: 'followup', name: '有效跟进', description: '电话、微信或上门跟进，须有明确的下一步', dueWorkingDays: 2, escalation: STANDARD_ESCALATION, rules: [
    { id: 'followup.fields', kind: 'fields.required', fields: [
      { key: 'summary', label: '跟进小结' },
      { key: 'nextStep', label: '下一步行动' },
      { key: 'nextContactAt', label: '下次接触时间', type: 'datetime_future' },
    ] },
  ] },
  { code: 'quote', name: '报价单生成', description: '根据拜访结论生成报价单并经主管审批', dueWorkingDays: 2, escalation: STANDARD_ESCALATION, rules: [
    visitDone,
    { id: 'quote.document', kind: 'attachments.min', attachmentKind: 'document', min: 1, label: '报价单' },
    { id: 'quote.fields', kind: 'fields.required', fields: [
      { key: 'amount', label: '报价金额' },
      { key: 'validUntil', label: '报价有效期', type: 'date' },
    ] },
  ] },
  { code: 'sample', name: '样品寄送', description: '向客户寄送样品并登记快递单号', dueWorkingDays: 3, escalation: STANDARD_ESCALATION, rules: [
    visitDone,
    { id: 'sample.fields', kind: 'fields.required', fields: [
      { key: 'sku', label: '样品型号' },
      { key: 'quantity', label: '样品数量' },
      { key: 'recipient', label: '收件人' },
      { key: 'trackingNo', label: '快递单号' },
    ] },
  ] },
  { code: 'contract_approval', name: '合同审批', description: '提交合同文本走内部审批', dueWorkingDays: 5, escalation: URGENT_ESCALATION, rules: [
    visitDone,
    { id: 'contract.document', kind: 'attachments.min', attachmentKind: 'document', min: 1, label: '合同文本' },
    { id: 'contract.checklist', kind: 'checklist.complete', items: [
      { key: 'price_approved', label: '价格与折扣已审批' },
      { key: 'payment_terms_reviewed', label: '付款条款已审核' },
      { key: 'legal_reviewed', label: '法务已审核或已说明免审原因' },
    ] },
  ] },
];

export function defaultDefinition(code: string): ActionDefinition | undefined {
  return DEFAULT_ACTION_DEFINITIONS.find((d) => d.code === code);
}
