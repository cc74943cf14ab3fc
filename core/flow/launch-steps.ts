/**
 * 新品上架 as data: four steps, each an action definition with its own gate
 * rules, chained by the engine's state lock (`prerequisite.verified`, here
 * satisfied once the previous step was submitted with its checks passed), and
 * the 'shelf_launch' process template that creates the four actions with
 * deadlines counted from the launch date. Installed with the template
 * (core/seed/install-template.ts); admins edit both like any other. Pure
 * data, so it lives in core/flow: the action engine's installer and settings
 * know it without depending on core/retail, which builds on the engine.
 */
import type { ActionDefinition } from './action-definition.js';
import type { EscalationPolicy } from './escalation.js';
import type { GateRuleConfig } from './rules/index.js';

export const LAUNCH_TEMPLATE_CODE = 'shelf_launch';

/** The photo tag step ② asks for. */
export const PANORAMA_TAG = '陈列全景';

export const LAUNCH_STEPS = [
  { key: 'bind', no: 1, definitionCode: 'shelf_bind', title: '扫码绑定货架位', dueWorkingDays: 1 },
  { key: 'display', no: 2, definitionCode: 'shelf_display', title: '拍摄陈列全景', dueWorkingDays: 1 },
  { key: 'first_day_sales', no: 3, definitionCode: 'shelf_first_day_sales', title: '录入首日销量', dueWorkingDays: 2 },
  { key: 'enquiries', no: 4, definitionCode: 'shelf_enquiries', title: '上传消费者咨询记录', dueWorkingDays: 5 },
] as const;
export type LaunchStep = (typeof LAUNCH_STEPS)[number];
export type LaunchStepKey = LaunchStep['key'];
export const LAUNCH_STEP_KEYS = LAUNCH_STEPS.map((s) => s.key) as [LaunchStepKey, ...LaunchStepKey[]];

export const stepLabel = (s: LaunchStep): string => `${'①②③④'[s.no - 1]}${s.title}`;

// a launch is a store's shelf today: the clerk is told at once, the brand's manager the next working day
const LAUNCH_ESCALATION: EscalationPolicy = {
  steps: [
    { afterWorkingDaysOverdue: 0, notify: ['assignee'] },
    { afterWorkingDaysOverdue: 1, notify: ['manager'] },
    { afterWorkingDaysOverdue: 3, notify: ['director'], cc: true },
  ],
};

const after = (s: LaunchStep): GateRuleConfig =>
  ({ id: `${s.definitionCode}.done`, kind: 'prerequisite.verified', definitionCode: s.definitionCode, label: stepLabel(s), onceSubmitted: true });

const [BIND, DISPLAY, SALES, ENQUIRIES] = LAUNCH_STEPS;

export const LAUNCH_ACTION_DEFINITIONS: ActionDefinition[] = [
  { code: BIND.definitionCode, name: `新品上架${stepLabel(BIND)}`, description: '扫描货架位码和商品条码，确认新品上到本店指定的货架位',
    dueWorkingDays: BIND.dueWorkingDays, escalation: LAUNCH_ESCALATION, rules: [
      { id: 'shelf_bind.fields', kind: 'fields.required', fields: [{ key: 'shelfCode', label: '货架位码' }, { key: 'barcode', label: '商品条码' }] },
    ] },
  { code: DISPLAY.definitionCode, name: `新品上架${stepLabel(DISPLAY)}`, description: '现场拍摄新品陈列全景照片（与拜访照片同样的真实性检查）',
    dueWorkingDays: DISPLAY.dueWorkingDays, escalation: LAUNCH_ESCALATION, rules: [
      after(BIND),
      { id: 'shelf_display.photo', kind: 'attachments.min', attachmentKind: 'photo', min: 1, label: '陈列全景照片', requireTags: [PANORAMA_TAG] },
      { id: 'shelf_display.photo_unique', kind: 'photo.unique', mode: 'review' },
      { id: 'shelf_display.photo_camera', kind: 'photo.camera', mode: 'review' },
    ] },
  { code: SALES.definitionCode, name: `新品上架${stepLabel(SALES)}`, description: '录入新品上架首日的销量（件）',
    dueWorkingDays: SALES.dueWorkingDays, escalation: LAUNCH_ESCALATION, rules: [
      after(DISPLAY),
      { id: 'shelf_first_day_sales.fields', kind: 'fields.required', fields: [{ key: 'firstDaySales', label: '首日销量' }] },
    ] },
  { code: ENQUIRIES.definitionCode, name: `新品上架${stepLabel(ENQUIRIES)}`, description: '记录消费者对新品的咨询（问了什么、几次）',
    dueWorkingDays: ENQUIRIES.dueWorkingDays, escalation: LAUNCH_ESCALATION, rules: [
      after(SALES),
      { id: 'shelf_enquiries.fields', kind: 'fields.required', fields: [{ key: 'enquiries', label: '消费者咨询记录' }] },
    ] },
];

export const LAUNCH_PROCESS_TEMPLATE = {
  code: LAUNCH_TEMPLATE_CODE,
  name: '新品上架',
  nodes: LAUNCH_STEPS.map((s) => ({
    key: s.key, title: stepLabel(s), definitionCode: s.definitionCode, dueWorkingDays: s.dueWorkingDays, escalation: LAUNCH_ESCALATION,
  })),
};
