import { expect } from 'chai';
import { z } from 'zod';
import { describeDiff, diffValues, type FieldSchema } from '../../../core/settings/diff.js';

const schema = z.toJSONSchema(z.strictObject({
  minAttachments: z.number().int().meta({ title: '附件下限', unit: '个' }),
  actionItem: z.enum(['dated', 'any']).meta({ title: '下一步行动', labels: { dated: '须有日期', any: '须有行动' } }),
  words: z.array(z.string()).meta({ title: '关键词' }),
  quietHours: z.strictObject({ from: z.string().meta({ title: '开始' }), to: z.string().meta({ title: '结束' }) }).optional().meta({ title: '免打扰时段' }),
  steps: z.array(z.strictObject({ days: z.number().meta({ title: '逾期天数', unit: '天' }) })).meta({ title: '升级步骤' }),
}), { io: 'input' }) as FieldSchema;

describe('settings: what changed, in Chinese', () => {
  const before = { minAttachments: 1, actionItem: 'dated', words: ['账期', '回款慢'], steps: [{ days: 0 }, { days: 1 }] };

  it('lists only the leaves that changed, labelled with title and unit', () => {
    const after = { ...before, minAttachments: 2, actionItem: 'any' };
    const diff = diffValues(before, after);
    expect(diff.map((d) => d.path)).to.deep.equal([['minAttachments'], ['actionItem']]);
    expect(describeDiff(schema, diff)).to.deep.equal(['附件下限：1 个 → 2 个', '下一步行动：须有日期 → 须有行动']);
  });

  it('summarises a word list as words added and removed instead of copying it', () => {
    const diff = diffValues(before, { ...before, words: ['账期', '结算周期'] });
    expect(diff).to.deep.equal([{ path: ['words'], added: ['结算周期'], removed: ['回款慢'] }]);
    expect(describeDiff(schema, diff)).to.deep.equal(['关键词：新增 结算周期；删除 回款慢']);
  });

  it('compares lists of objects item by item, or by size when it changed', () => {
    expect(describeDiff(schema, diffValues(before, { ...before, steps: [{ days: 0 }, { days: 2 }] }))).to.deep.equal(['升级步骤 · 第2项 · 逾期天数：1 天 → 2 天']);
    expect(describeDiff(schema, diffValues(before, { ...before, steps: [{ days: 0 }] }))).to.deep.equal(['升级步骤：2 项 → 1 项']);
  });

  it('reads an optional part that appears as each of its fields going from 未设置', () => {
    const lines = describeDiff(schema, diffValues(before, { ...before, quietHours: { from: '21:00', to: '08:00' } }));
    expect(lines).to.deep.equal(['免打扰时段 · 开始：未设置 → 21:00', '免打扰时段 · 结束：未设置 → 08:00']);
  });

  it('finds nothing when only the key order differs', () => {
    expect(diffValues({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).to.deep.equal([]);
  });
});
