/**
 * Sales pipelines as settings, one per code: stages, sub-stages and their
 * checklists (PipelineSchema), so going from 5 to 8 stages is a settings
 * change. A change may not strand an open opportunity: removing a (sub-)stage
 * open opportunities sit in is refused, naming them; the preview says which
 * stages come and go and how many open opportunities each holds.
 */
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { DEFAULT_PIPELINE } from '../flow/pipeline-template.js';
import { PipelineSchema, type Pipeline } from '../flow/pipeline.js';
import { defineSetting, type PreviewResult } from '../settings/define.js';
import { strandedPositions } from './pipelines.js';

async function pipelineRow(db: Db, item: string): Promise<{ id: number; code: string; definitionCode: string } | null> {
  const { rows: [r] } = await db.query(`SELECT id, code, definition->>'code' AS dcode FROM pipelines WHERE code = $1`, [item]);
  return r ? { id: Number(r.id), code: r.code, definitionCode: r.dcode } : null;
}

const positions = (p: Pipeline) => p.stages.flatMap((s) => [
  { key: s.key, name: s.name }, ...(s.subStages ?? []).map((x) => ({ key: `${s.key}/${x.key}`, name: `${s.name}·${x.name}` })),
]);

async function previewPipeline(db: Db, c: { item: string; before: Pipeline; after: Pipeline }): Promise<PreviewResult> {
  const row = await pipelineRow(db, c.item);
  const { rows } = row ? await db.query(
    `SELECT stage_code, count(*)::int AS n FROM opportunities WHERE pipeline_id = $1 AND status = 'open' GROUP BY 1`, [row.id]) : { rows: [] };
  const open = new Map(rows.map((r) => [r.stage_code as string, r.n as number]));
  const before = new Map(positions(c.before).map((p) => [p.key, p.name]));
  const after = new Map(positions(c.after).map((p) => [p.key, p.name]));
  const added = [...after].filter(([k]) => !before.has(k)).map(([, n]) => `新增：${n}`);
  const removed = [...before].filter(([k]) => !after.has(k)).map(([k, n]) => `删除：${n}（进行中商机 ${open.get(k) ?? 0} 个）`);
  const renamed = [...after].filter(([k, n]) => before.has(k) && before.get(k) !== n).map(([k, n]) => `改名：${before.get(k)} → ${n}`);
  const lines = [...added, ...removed, ...renamed];
  return {
    summary: lines.length ? `阶段变化 ${lines.length} 处；进行中的商机 ${[...open.values()].reduce((a, b) => a + b, 0)} 个。` : '阶段没有增减，只改了检查清单或跳过规则。',
    lines,
  };
}

export const salesPipeline = defineSetting({
  key: 'flow.pipeline',
  topic: 'flow',
  label: '销售流程',
  help: '商机经过的阶段、子阶段和每个阶段的检查清单，哪些阶段可以跳过。有进行中商机的阶段不能删除。',
  schema: PipelineSchema,
  default: ({ item }) => (item === 'sales' ? structuredClone(DEFAULT_PIPELINE) : undefined),
  items: {
    noun: '销售流程',
    list: async (db) => (await db.query('SELECT code, name FROM pipelines ORDER BY is_default DESC, id')).rows
      .map((r) => ({ code: r.code, label: r.name })),
  },
  editor: 'pipeline',
  check: async (db, value, { item }) => {
    const row = await pipelineRow(db, item);
    if (row && value.code !== row.code && value.code !== row.definitionCode) {
      return [{ path: 'code', message: `编码必须与流程「${row.code}」一致（${row.definitionCode}）` }];
    }
    return [];
  },
  apply: async (db, value, { item }) => {
    const { rows: [row] } = await db.query('SELECT id, definition FROM pipelines WHERE code = $1 FOR UPDATE', [item]);
    const current = PipelineSchema.parse(row.definition);
    const stranded = await strandedPositions(db, row.id, current, value);
    if (stranded.length > 0) {
      const total = stranded.reduce((s, x) => s + x.openOpportunities, 0);
      throw new AppError('PIPELINE_STAGE_IN_USE', { stages: stranded },
        `不能删除${stranded.map((s) => `「${s.name}」（${s.openOpportunities}个）`).join('、')}：共有${total}个进行中的商机处于这些阶段。请先把这些商机移到保留的阶段，再修改流程。`);
    }
    await db.query('UPDATE pipelines SET name = $2, definition = $3, version = version + 1, updated_at = now() WHERE id = $1',
      [row.id, value.name, JSON.stringify(value)]);
  },
  preview: previewPipeline,
});
