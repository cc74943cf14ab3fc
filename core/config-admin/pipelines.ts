/**
 * Pipelines as the screens read them. They are edited as the 'flow.pipeline'
 * setting (pipeline.setting.ts); what an edit may not do is strand an open
 * opportunity (strandedPositions below).
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { PipelineSchema, type Pipeline } from '../flow/pipeline.js';
import { assertCan } from '../auth/permissions.js';

export const PipelineCodeParams = z.object({ code: z.string().min(1).max(100) });

export const PipelineConfigSchema = z.object({
  id: z.number(),
  /** The code the API addresses it by (the table's code). */
  code: z.string(),
  name: z.string(),
  version: z.number(),
  isDefault: z.boolean(),
  definition: PipelineSchema,
  updatedAt: z.string(),
});
export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;

function toConfig(r: any): PipelineConfig {
  return {
    id: r.id, code: r.code, name: r.name, version: r.version, isDefault: r.is_default,
    definition: r.definition, updatedAt: r.updated_at.toISOString(),
  };
}

// the template's row is 'sales' while its definition calls itself 'sales_default': either finds it
async function loadRow(db: Db, code: string, lock = false): Promise<any> {
  const { rows } = await db.query(
    `SELECT * FROM pipelines WHERE code = $1 OR definition->>'code' = $1 ORDER BY (code = $1) DESC LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
    [code],
  );
  if (!rows[0]) throw new AppError('CONFIG_NOT_FOUND', { type: 'pipeline', code }, `销售流程「${code}」不存在`);
  return rows[0];
}

export async function listPipelines(db: Db, actor: Actor): Promise<{ items: PipelineConfig[] }> {
  assertCan(actor, 'config', 'read');
  const { rows } = await db.query('SELECT * FROM pipelines ORDER BY is_default DESC, id');
  return { items: rows.map(toConfig) };
}

export async function getPipelineOrThrow(db: Db, actor: Actor, code: string): Promise<PipelineConfig> {
  assertCan(actor, 'config', 'read');
  return toConfig(await loadRow(db, code));
}

export interface StrandedPosition {
  stageKey: string;
  subStageKey: string | null;
  name: string;
  openOpportunities: number;
}

/** Positions open opportunities occupy that the new definition no longer has. */
export async function strandedPositions(db: Db, pipelineId: number, current: Pipeline, next: Pipeline): Promise<StrandedPosition[]> {
  const { rows } = await db.query(
    `SELECT stage_code, sub_stage_code, count(*)::int AS n FROM opportunities
      WHERE pipeline_id = $1 AND status = 'open' GROUP BY 1, 2 ORDER BY 1, 2`,
    [pipelineId],
  );
  const nameOf = (stageKey: string, sub: string | null) => {
    const s = current.stages.find((x) => x.key === stageKey);
    const ss = sub ? s?.subStages?.find((x) => x.key === sub) : undefined;
    return ss ? `${s!.name}·${ss.name}` : s?.name ?? stageKey;
  };
  return rows.flatMap((r) => {
    const stage = next.stages.find((s) => s.key === r.stage_code);
    // an opportunity on a stage without sub-stages reads as its first sub-stage once some are added
    const kept = stage && (!r.sub_stage_code || !!stage.subStages?.some((x) => x.key === r.sub_stage_code));
    return kept ? [] : [{ stageKey: r.stage_code, subStageKey: r.sub_stage_code, name: nameOf(r.stage_code, r.sub_stage_code), openOpportunities: r.n }];
  });
}
