/**
 * The actions retail raises beside 新品上架: 门店整改 (a patrol item that
 * failed, for the store's clerk to fix with an after-photo) and 缺货处理 (a
 * clerk's one-tap stock-out, for the store's rep to answer). With the launch
 * steps they are the retail definitions the template installs.
 */
import type { ActionDefinition } from './action-definition.js';
import type { EscalationPolicy } from './escalation.js';
import { LAUNCH_ACTION_DEFINITIONS } from './launch-steps.js';

export const STORE_FIX_CODE = 'store_fix';
export const STOCKOUT_CODE = 'stockout_response';
export const FIX_PHOTO_TAG = '整改后照片';

const STORE_ESCALATION: EscalationPolicy = {
  steps: [
    { afterWorkingDaysOverdue: 0, notify: ['assignee'] },
    { afterWorkingDaysOverdue: 1, notify: ['manager'] },
  ],
};

export const RETAIL_ACTION_DEFINITIONS: ActionDefinition[] = [
  ...LAUNCH_ACTION_DEFINITIONS,
  { code: STORE_FIX_CODE, name: '门店整改', description: '巡店发现的问题：按检查项整改并拍摄整改后照片',
    dueWorkingDays: 2, escalation: STORE_ESCALATION, rules: [
      { id: 'store_fix.photo', kind: 'attachments.min', attachmentKind: 'photo', min: 1, label: FIX_PHOTO_TAG, requireTags: [FIX_PHOTO_TAG] },
      { id: 'store_fix.photo_unique', kind: 'photo.unique', mode: 'review' },
    ] },
  { code: STOCKOUT_CODE, name: '缺货处理', description: '门店店员报告缺货：安排补货并回复补货时间',
    dueWorkingDays: 1, escalation: STORE_ESCALATION, rules: [
      { id: 'stockout.fields', kind: 'fields.required', fields: [{ key: 'restockAt', label: '预计补货时间', type: 'datetime_future' }] },
    ] },
];
