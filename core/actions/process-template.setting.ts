/**
 * Mandatory process templates (强制流程, e.g. 入院准入) as settings, one per
 * code: the nodes, each an action of a type with its own deadline in working
 * days from the start, the evidence it requires and its escalation steps.
 * Written through to `process_templates` (its version goes up), so processes
 * already started keep the version they were started with.
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { defineSetting, ITEM_CODE, itemCodeHint, type Issue } from '../settings/define.js';
import { DEFAULT_PROCESS_TEMPLATES, ProcessNodesSchema } from './process-templates.js';

export const ProcessTemplateSchema = z.strictObject({
  name: z.string().trim().min(1, '请填写名称').max(50, '名称不能超过50个字').meta({ title: '名称' }),
  nodes: ProcessNodesSchema.meta({ title: '流程节点' }),
});
export type ProcessTemplate = z.output<typeof ProcessTemplateSchema>;

async function nodeIssues(db: Db, t: ProcessTemplate): Promise<Issue[]> {
  const { rows } = await db.query('SELECT code FROM action_definitions WHERE active');
  const known = new Set(rows.map((r) => r.code));
  return t.nodes.flatMap((n, i) => (known.has(n.definitionCode) ? []
    : [{ path: `nodes.${i}.definitionCode`, message: `事项类型「${n.definitionCode}」不存在，可选：${[...known].join('、')}` }]));
}

export const processTemplate = defineSetting({
  key: 'flow.process-template',
  topic: 'flow',
  label: '强制流程模板',
  help: '如入院准入：一次启动为客户生成全部节点事项，每个节点有自己的期限（从启动起第几个工作日）、要上传的材料和逾期升级步骤。已启动的流程不受修改影响。',
  schema: ProcessTemplateSchema,
  default: ({ item }) => {
    const t = DEFAULT_PROCESS_TEMPLATES.find((x) => x.code === item);
    return t ? ProcessTemplateSchema.parse({ name: t.name, nodes: t.nodes }) : undefined;
  },
  editor: 'process-template',
  items: {
    noun: '流程模板',
    list: async (db) => (await db.query('SELECT code, name FROM process_templates ORDER BY id')).rows.map((r) => ({ code: r.code, label: r.name })),
    create: { pattern: ITEM_CODE, hint: itemCodeHint('dealer_onboarding') },
  },
  check: (db, value) => nodeIssues(db, value),
  apply: async (db, value, { item }) => {
    await db.query(
      `INSERT INTO process_templates (code, name, nodes) VALUES ($1, $2, $3)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, nodes = EXCLUDED.nodes,
         version = process_templates.version + 1, updated_at = now()`,
      [item, value.name, JSON.stringify(value.nodes)]);
  },
});
