import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { PipelineSchema, positionId, type ChecklistItem, type Pipeline, type StagePosition } from '../flow/pipeline.js';

/**
 * Reading an opportunity against its pipeline definition (table `pipelines`):
 * where it stands, and how much of the current (sub-)stage's checklist is done.
 */
export type ChecklistState = Record<string, Record<string, boolean>>;

export async function loadPipelines(db: Db, ids: number[]): Promise<Map<number, Pipeline>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const { rows } = await db.query('SELECT id, definition FROM pipelines WHERE id = ANY($1::bigint[])', [unique]);
  return new Map(rows.map((r) => [r.id as number, PipelineSchema.parse(r.definition)]));
}

export async function loadPipeline(db: Db, id: number): Promise<Pipeline> {
  const p = (await loadPipelines(db, [id])).get(id);
  if (!p) throw new AppError('PIPELINE_NOT_FOUND', { pipelineId: id });
  return p;
}

/** The pipeline a new opportunity runs on: the one asked for, else the default. */
export async function resolvePipeline(db: Db, id: number | undefined): Promise<{ id: number; pipeline: Pipeline }> {
  const { rows } = await db.query(
    id === undefined ? 'SELECT id, definition FROM pipelines WHERE is_default LIMIT 1' : 'SELECT id, definition FROM pipelines WHERE id = $1',
    id === undefined ? [] : [id],
  );
  if (!rows[0]) throw new AppError('PIPELINE_NOT_FOUND', { pipelineId: id ?? null });
  return { id: rows[0].id, pipeline: PipelineSchema.parse(rows[0].definition) };
}

/** Where every opportunity starts: the first stage (and its first sub-stage). */
export function firstPosition(p: Pipeline): { stageKey: string; subStageKey: string | null } {
  const s = p.stages[0];
  return { stageKey: s.key, subStageKey: s.subStages?.[0]?.key ?? null };
}

/**
 * The checklists that apply at a position: the sub-stage's own, then its
 * stage's (which must also be done before leaving the stage).
 */
export function checklistsAt(p: Pipeline | undefined, pos: StagePosition): Array<{ positionId: string; name: string; items: ChecklistItem[] }> {
  const stage = p?.stages.find((s) => s.key === pos.stageKey);
  if (!stage) return [];
  const sub = pos.subStageKey ? stage.subStages?.find((s) => s.key === pos.subStageKey) : undefined;
  const lists = [];
  if (sub) lists.push({ positionId: positionId(pos), name: `${stage.name}·${sub.name}`, items: sub.checklist });
  lists.push({ positionId: stage.key, name: stage.name, items: stage.checklist });
  return lists;
}

export function positionName(p: Pipeline | undefined, stageKey: string, subStageKey: string | null): string {
  const stage = p?.stages.find((s) => s.key === stageKey);
  const sub = subStageKey ? stage?.subStages?.find((s) => s.key === subStageKey) : undefined;
  if (!stage) return subStageKey ? `${stageKey}/${subStageKey}` : stageKey;
  return sub ? `${stage.name}·${sub.name}` : stage.name;
}

const StageRef = z.object({ key: z.string(), name: z.string(), index: z.number(), count: z.number() });
export const StageViewSchema = z.object({
  stage: StageRef,
  subStage: StageRef.nullable(),
  checklistProgress: z.object({
    items: z.array(z.object({
      positionId: z.string(), key: z.string(), label: z.string(), required: z.boolean(), done: z.boolean(),
    })),
    done: z.number(),
    total: z.number(),
    requiredDone: z.number(),
    requiredTotal: z.number(),
    /** Every required item ticked: the opportunity may advance. */
    complete: z.boolean(),
  }),
});
export type StageView = z.infer<typeof StageViewSchema>;

export function stageView(p: Pipeline | undefined, pos: { stageKey: string; subStageKey: string | null }, state: ChecklistState): StageView {
  const stages = p?.stages ?? [];
  const si = stages.findIndex((s) => s.key === pos.stageKey);
  const stage = stages[si];
  const subs = stage?.subStages ?? [];
  const ui = pos.subStageKey ? subs.findIndex((s) => s.key === pos.subStageKey) : -1;
  const items = checklistsAt(p, pos).flatMap((list) => list.items.map((i) => ({
    positionId: list.positionId, key: i.key, label: i.label, required: i.required, done: state[list.positionId]?.[i.key] === true,
  })));
  const required = items.filter((i) => i.required);
  return {
    stage: { key: pos.stageKey, name: stage?.name ?? pos.stageKey, index: si + 1, count: stages.length },
    subStage: pos.subStageKey
      ? { key: pos.subStageKey, name: subs[ui]?.name ?? pos.subStageKey, index: ui + 1, count: subs.length }
      : null,
    checklistProgress: {
      items,
      done: items.filter((i) => i.done).length,
      total: items.length,
      requiredDone: required.filter((i) => i.done).length,
      requiredTotal: required.length,
      complete: required.every((i) => i.done),
    },
  };
}

/**
 * Applies `{ itemKey: true|false }` ticks to the checklists of the current
 * position; a key that is not on them is refused with the keys that are.
 */
export function applyTicks(p: Pipeline, pos: StagePosition, state: ChecklistState, ticks: Record<string, boolean>): ChecklistState {
  const lists = checklistsAt(p, pos);
  const next: ChecklistState = structuredClone(state);
  const unknown: string[] = [];
  for (const [key, done] of Object.entries(ticks)) {
    const list = lists.find((l) => l.items.some((i) => i.key === key));
    if (!list) { unknown.push(key); continue; }
    next[list.positionId] = { ...next[list.positionId], [key]: done };
  }
  if (unknown.length > 0) {
    throw new AppError('CHECKLIST_ITEM_UNKNOWN', {
      unknown, allowed: lists.flatMap((l) => l.items.map((i) => i.key)),
    }, `「${unknown.join('」「')}」不是「${lists[0]?.name ?? pos.stageKey}」阶段的检查项`);
  }
  return next;
}
