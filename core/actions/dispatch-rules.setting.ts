/**
 * 派发规则: how many working days an action of each type gets when it is
 * dispatched to someone of a department, instead of the type's own default.
 * A manager sets it for their own subtree (the nearest department's rule
 * wins); a dispatch that names its own days still wins over both.
 *
 *   const days = await dispatchDueDays(db, def, assignee.departmentId); // null: the type's default applies
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { defineSetting } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';
import { readSetting } from '../settings/read.js';

export const DispatchRulesSchema = z.strictObject({
  dueDays: z.array(z.strictObject({
    definitionCode: z.string().min(1).meta({ title: '事项类型', optionsFrom: 'action-definitions' }),
    dueWorkingDays: wholeBetween(0, 120, { title: '办理时限', unit: '个工作日', description: '派发后第几个工作日结束前完成；0 表示当天' }),
  })).max(50).meta({ title: '各类事项的办理时限', description: '未列出的事项类型按其默认时限' }),
});
export type DispatchRules = z.output<typeof DispatchRulesSchema>;

export const dispatchRules = defineSetting({
  key: 'dispatch.due-days',
  topic: 'dispatch',
  label: '派发时限',
  help: '派发给本部门成员的事项默认几个工作日内完成。主管可为本部门及下级部门单独设置；派发时手动填写的时限优先。',
  schema: DispatchRulesSchema,
  default: { dueDays: [] },
  scopes: { department: true, customerType: 'none' },
  editors: { organisation: ['admin'], anyDepartment: ['admin'], ownDepartment: ['manager'] },
  notify: { roles: ['rep'] },
  check: async (db, value) => {
    const { rows } = await db.query('SELECT code FROM action_definitions WHERE active');
    const known = new Set(rows.map((r) => r.code));
    const seen = new Set<string>();
    return value.dueDays.flatMap((r, i) => {
      const path = `dueDays.${i}.definitionCode`;
      if (!known.has(r.definitionCode)) return [{ path, message: `事项类型「${r.definitionCode}」不存在` }];
      if (seen.has(r.definitionCode)) return [{ path, message: '同一事项类型只能设置一次' }];
      seen.add(r.definitionCode);
      return [];
    });
  },
});

/** The working days the assignee's department gives this type, or null when no rule names it. */
export async function dispatchDueDays(db: Db, definitionCode: string, departmentId: number | null): Promise<number | null> {
  const rules = await readSetting(db, dispatchRules, { departmentId });
  return rules.dueDays.find((r) => r.definitionCode === definitionCode)?.dueWorkingDays ?? null;
}
