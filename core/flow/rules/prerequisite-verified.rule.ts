/**
 * 'prerequisite.verified': a state lock — e.g. no quote before a verified
 * customer visit. The message names the blocking action and what it still needs.
 */
import { z } from 'zod';
import { describeStatus } from '../action-machine.js';
import type { ActionStatus } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({
  definitionCode: z.string().min(1).meta({ title: '前置事项类型' }),
  label: z.string().min(1).meta({ title: '名称' }),
  // a gated step sequence (新品上架) moves on once the previous step's evidence passed its checks; a supervisor still verifies later
  onceSubmitted: z.boolean().optional().meta({ title: '前置事项提交通过即可', description: '不必等主管核验（如新品上架的逐步流程）' }),
});

const RULE = 'prerequisite.verified';
const VERIFIED: readonly ActionStatus[] = ['verified', 'archived'];
const SUBMITTED: readonly ActionStatus[] = ['submitted', ...VERIFIED];

function whatItNeeds(status: ActionStatus, onceSubmitted: boolean): string {
  if (onceSubmitted) return '完成并提交';
  if (status === 'submitted') return '等待主管核验通过';
  if (status === 'rejected') return '按驳回意见修改后重新提交，并通过主管核验';
  return '完成提交并通过主管核验';
}

export const prerequisiteVerifiedRule = defineGateRule({
  kind: RULE,
  label: '前置事项',
  schema,
  check(facts, { definitionCode, label, onceSubmitted = false }) {
    const candidates = facts.satisfiedPrerequisites.filter((p) => p.definitionCode === definitionCode);
    if (candidates.some((p) => (onceSubmitted ? SUBMITTED : VERIFIED).includes(p.status))) return [];
    const blocking = candidates[0];
    if (!blocking) {
      return [failure(RULE, {
        code: 'PREREQUISITE_MISSING',
        target: 'prerequisite',
        message: onceSubmitted ? `需要先完成「${label}」，才能办理此事项。` : `需要先完成一次「${label}」并通过主管核验，才能办理此事项。`,
        details: { definitionCode },
      })];
    }
    return [failure(RULE, {
      code: 'PREREQUISITE_NOT_VERIFIED',
      target: 'prerequisite',
      message: `前置事项「${label}」（编号 ${blocking.actionId}）当前为「${describeStatus(blocking.status)}」，需要${whatItNeeds(blocking.status, onceSubmitted)}后才能办理此事项。`,
      details: { definitionCode, blockingActionId: blocking.actionId, status: blocking.status },
    })];
  },
});
