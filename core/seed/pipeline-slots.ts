/**
 * A pipeline as the positions an opportunity walks through in order (a stage
 * with sub-stages is walked through its sub-stages, as core/flow/pipeline.ts
 * does), as SQL arrays indexed by position + 1: stage keys, sub-stage keys,
 * names, whether a position may be jumped over (with a reason), and the
 * checklist an opportunity carries when it stands there (every required item
 * of every position before it ticked, as a move forward requires).
 */
import type { Pipeline } from '../flow/pipeline.js';

export interface PipelineSlots {
  stages: string[];
  subs: Array<string | null>;
  names: string[];
  /** True where the position may be skipped (with a reason): 法务审核 in the template. */
  skippable: boolean[];
  /** JSON text: the checklist state of an opportunity standing at each position. */
  ticked: string[];
  /** Index of the contract stage (won deals are signed there), or the last position. */
  contract: number;
}

export function pipelineSlots(p: Pipeline): PipelineSlots {
  const slots: Array<{ stage: Pipeline['stages'][number]; sub: NonNullable<Pipeline['stages'][number]['subStages']>[number] | null }> = [];
  for (const stage of p.stages) {
    if (!stage.subStages) slots.push({ stage, sub: null });
    for (const sub of stage.subStages ?? []) slots.push({ stage, sub });
  }
  const ticks: Record<string, Record<string, boolean>> = {};
  const ticked: string[] = [];
  slots.forEach((s, i) => {
    ticked.push(JSON.stringify(ticks));
    const tick = (id: string, items: Array<{ key: string; required: boolean }>) => {
      ticks[id] = Object.fromEntries(items.filter((x) => x.required).map((x) => [x.key, true]));
    };
    tick(s.sub ? `${s.stage.key}/${s.sub.key}` : s.stage.key, (s.sub ?? s.stage).checklist);
    // leaving the last sub-stage leaves the stage: its own items must be done too
    if (s.sub && slots[i + 1]?.stage !== s.stage) tick(s.stage.key, s.stage.checklist);
  });
  const contract = slots.findIndex((s) => s.stage.key === 'contract');
  return {
    stages: slots.map((s) => s.stage.key),
    subs: slots.map((s) => s.sub?.key ?? null),
    names: slots.map((s) => (s.sub ? `${s.stage.name}·${s.sub.name}` : s.stage.name)),
    skippable: slots.map((s) => Boolean((s.sub ?? s.stage).allowSkipWithReason || (s.sub ?? s.stage).skippable)),
    ticked,
    contract: contract >= 0 ? contract : slots.length - 1,
  };
}
