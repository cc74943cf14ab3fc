/**
 * An action definition is configuration (versioned by the service): the rules
 * gating submission, a due policy in working days and an escalation policy.
 *
 *   const def = ActionDefinitionSchema.parse(json);
 */
import { z } from 'zod';
import { EscalationPolicySchema } from './escalation.js';
import { RuleSetSchema, type GateRuleConfig } from './rules/index.js';

export const ActionDefinitionSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/, '编码只能包含小写字母、数字和下划线').meta({ title: '编码' }),
  name: z.string().min(1).meta({ title: '名称' }),
  description: z.string().optional().meta({ title: '说明' }),
  rules: RuleSetSchema.meta({ title: '提交规则' }),
  /** Due at 23:59:59 Shanghai of the Nth working day after dispatch. */
  dueWorkingDays: z.number().int().min(0, '应在0–120个工作日之间').max(120, '应在0–120个工作日之间')
    .meta({ title: '办理时限', unit: '个工作日' }),
  escalation: EscalationPolicySchema.meta({ title: '逾期升级' }),
});
export type ActionDefinition = z.output<typeof ActionDefinitionSchema>;

/** State locks are declared as `prerequisite.verified` rules; the definitions' prerequisites column indexes them. */
export function prerequisitesOf(rules: readonly GateRuleConfig[]): string[] {
  return rules.flatMap((r) => (r.kind === 'prerequisite.verified' ? [r.definitionCode] : []));
}
