import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError, ERRORS, type ErrorCode } from '../errors.js';
import { validateStageMove } from '../flow/pipeline.js';
import { recordEvent } from './events.js';
import { getOpportunityOrThrow, lockOpportunity, type Opportunity } from './opportunities.js';
import { loadPipeline, positionName } from './pipeline-view.js';
import { OptionalText } from './schemas.js';

/**
 * Moving an opportunity through its pipeline. The pure validator in
 * core/flow/pipeline.ts decides; this records the move (stage_moves + event)
 * under the row lock, with optimistic concurrency on `version`.
 */
const StageKey = z.string().trim().min(1, '不能为空').max(100);

export const MoveStageSchema = z.object({
  toStage: StageKey,
  toSubStage: StageKey.nullish(),
  reason: OptionalText(500),
  expectedVersion: z.number().int().min(1).optional(),
}).strict();

const Skipped = z.object({ stageKey: z.string(), subStageKey: z.string().nullable(), name: z.string() });
export const StageMoveSchema = z.object({
  id: z.number(),
  opportunityId: z.number(),
  fromStage: z.string().nullable(),
  fromSubStage: z.string().nullable(),
  fromName: z.string().nullable(),
  toStage: z.string(),
  toSubStage: z.string().nullable(),
  toName: z.string(),
  kind: z.enum(['create', 'advance', 'back', 'skip']),
  skipped: z.array(Skipped),
  reason: z.string().nullable(),
  byUserId: z.number().nullable(),
  byUserName: z.string().nullable(),
  ownerId: z.number().nullable(),
  /** Seconds spent in the (sub-)stage that was left. */
  dwellSeconds: z.number().nullable(),
  at: z.string(),
});
export type StageMove = z.infer<typeof StageMoveSchema>;

export async function moveOpportunityStage(
  db: Db, actor: Actor, id: number, input: z.infer<typeof MoveStageSchema>,
): Promise<Opportunity> {
  const row = await lockOpportunity(db, actor, id, input.expectedVersion);
  if (row.status !== 'open') throw new AppError('OPPORTUNITY_CLOSED', { id, status: row.status });
  const pipeline = await loadPipeline(db, row.pipeline_id);
  const result = validateStageMove(pipeline, {
    current: { stageKey: row.stage_code, subStageKey: row.sub_stage_code },
    target: { stageKey: input.toStage, subStageKey: input.toSubStage ?? null },
    checklist: row.checklist,
    reason: input.reason ?? undefined,
  });
  if (!result.ok) {
    const code = (result.failures[0].code in ERRORS ? result.failures[0].code : 'STAGE_NOT_FOUND') as ErrorCode;
    throw new AppError(code, { failures: result.failures }, result.failures.map((f) => f.message).join(' '));
  }
  const to = { stage: result.to.stageKey, subStage: result.to.subStageKey ?? null };
  await db.query(
    `INSERT INTO stage_moves (opportunity_id, from_stage, from_sub_stage, to_stage, to_sub_stage, kind, skipped, reason,
                              by_user_id, owner_id, dwell_seconds)
     SELECT o.id, o.stage_code, o.sub_stage_code, $2, $3, $4, $5, $6, $7, o.owner_id,
            GREATEST(0, EXTRACT(EPOCH FROM now() - o.stage_entered_at))::bigint
       FROM opportunities o WHERE o.id = $1`,
    [id, to.stage, to.subStage, result.kind, JSON.stringify(result.skipped), input.reason ?? null, actor.id],
  );
  await db.query(
    `UPDATE opportunities SET stage_code = $2, sub_stage_code = $3, stage_entered_at = now(),
       version = version + 1, updated_at = now() WHERE id = $1`,
    [id, to.stage, to.subStage],
  );
  await recordEvent(db, {
    actorId: actor.id, entityType: 'opportunity', entityId: id, type: 'opportunity.stage_moved',
    data: {
      kind: result.kind, fromStage: row.stage_code, fromSubStage: row.sub_stage_code, toStage: to.stage, toSubStage: to.subStage,
      skipped: result.skipped, reason: input.reason ?? null, ownerId: row.owner_id,
    },
  });
  return getOpportunityOrThrow(db, actor, id);
}

/** The opportunity's stage history, oldest first. */
export async function listStageMoves(db: Db, actor: Actor, id: number): Promise<{ items: StageMove[] }> {
  const opp = await getOpportunityOrThrow(db, actor, id);
  const pipeline = await loadPipeline(db, opp.pipelineId);
  const { rows } = await db.query(
    `SELECT sm.*, u.name AS by_name FROM stage_moves sm LEFT JOIN users u ON u.id = sm.by_user_id
      WHERE sm.opportunity_id = $1 ORDER BY sm.at, sm.id`,
    [id],
  );
  return {
    items: rows.map((r) => ({
      id: r.id, opportunityId: r.opportunity_id,
      fromStage: r.from_stage, fromSubStage: r.from_sub_stage,
      fromName: r.from_stage ? positionName(pipeline, r.from_stage, r.from_sub_stage) : null,
      toStage: r.to_stage, toSubStage: r.to_sub_stage, toName: positionName(pipeline, r.to_stage, r.to_sub_stage),
      kind: r.kind, skipped: r.skipped, reason: r.reason, byUserId: r.by_user_id, byUserName: r.by_name ?? null,
      ownerId: r.owner_id, dwellSeconds: r.dwell_seconds, at: r.at.toISOString(),
    })),
  };
}
