/**
 * An action definition is configuration (versioned by the service): the rules
 * gating submission, a due policy in working days and an escalation policy.
 *
 *   const def = ActionDefinitionSchema.parse(json);
 */
import { z } from 'zod';
import { EscalationPolicySchema } from './escalation.js';
import { RuleSetSchema } from './rules/index.js';

export const ActionDefinitionSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/, '编码只能包含小写字母、数字和下划线'),
  name: z.string().min(1),
  description: z.string().optional(),
  rules: RuleSetSchema,
  /** Due at 23:59:59 Shanghai of the Nth working day after dispatch. */
  dueWorkingDays: z.number().int().min(0).max(120),
  escalation: EscalationPolicySchema,
});
export type ActionDefinition = z.output<typeof ActionDefinitionSchema>;
