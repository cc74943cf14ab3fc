/** 'checklist.complete': every listed item must be ticked; one failure per open item. */
import { z } from 'zod';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({
  items: z.array(z.strictObject({ key: z.string().min(1).meta({ title: '编码' }), label: z.string().min(1).meta({ title: '内容' }) })).min(1).meta({ title: '检查项' }),
});

export const checklistCompleteRule = defineGateRule({
  kind: 'checklist.complete',
  label: '检查清单',
  schema,
  check(facts, { items }) {
    const state = facts.report.checklist ?? {};
    return items
      .filter((item) => state[item.key] !== true)
      .map((item) =>
        failure('checklist.complete', {
          code: 'CHECKLIST_ITEM_INCOMPLETE',
          target: 'checklist',
          message: `检查项「${item.label}」还没有完成，请完成并勾选后再提交。`,
          details: { key: item.key },
        }),
      );
  },
});
