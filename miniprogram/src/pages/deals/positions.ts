/**
 * A pipeline's positions in walk order — each stage, or each of its
 * sub-stages — as the deal pages list and move through them (the same order
 * core/flow/pipeline.ts validates moves in).
 */
import type { PipelineConfig } from '../../api/types';

export interface Position {
  stageKey: string;
  subStageKey: string | null;
  /** '商务谈判·商务条款磋商' or '合同签约'. */
  name: string;
  stageName: string;
  /** Jumping over it needs a reason (法务审核), or is not allowed at all. */
  skip: 'free' | 'reason' | 'forbidden';
}

type Def = PipelineConfig['definition'];
type Node = { key: string; name: string; skippable?: boolean; allowSkipWithReason?: boolean; subStages?: Node[] };

const skipOf = (s: Node): Position['skip'] => (s.skippable ? 'free' : s.allowSkipWithReason ? 'reason' : 'forbidden');

export function positionsOf(def: Def): Position[] {
  return (def.stages as Node[]).flatMap((s) => (s.subStages?.length
    ? s.subStages.map((sub) => ({ stageKey: s.key, subStageKey: sub.key, name: `${s.name}·${sub.name}`, stageName: s.name, skip: skipOf(sub) }))
    : [{ stageKey: s.key, subStageKey: null, name: s.name, stageName: s.name, skip: skipOf(s) }]));
}

export function indexOf(positions: Position[], stageKey: string, subStageKey: string | null): number {
  return positions.findIndex((p) => p.stageKey === stageKey && (p.subStageKey ?? null) === (subStageKey ?? null));
}

/** 「¥1,200,000」 → 「120万」 on the cards: amounts reps read at a glance. */
export function fmtAmount(n: number): string {
  if (n >= 10_000) return `${(n / 10_000).toFixed(n % 10_000 === 0 ? 0 : 1)}万`;
  return `${Math.round(n).toLocaleString('zh-CN')}元`;
}
