/**
 * Pure validation of an opportunity's stage move. Stages may have sub-stages;
 * (sub-)stages carry checklists. Advancing needs the current (sub-)stage's
 * required items ticked; jumping over (sub-)stages needs them to be skippable
 * (or skippable with a reason); moving back is always allowed. The result
 * lists what was skipped so the service records it in the event log.
 *
 *   const r = validateStageMove(DEFAULT_PIPELINE, { current, target, checklist, reason });
 */
import { z } from 'zod';

const ChecklistItemSchema = z.strictObject({
  key: z.string().min(1).meta({ title: '编码' }), label: z.string().min(1).meta({ title: '内容' }), required: z.boolean().meta({ title: '必须完成' }),
});
const stageFields = {
  key: z.string().min(1).meta({ title: '编码' }),
  name: z.string().min(1).meta({ title: '名称' }),
  checklist: z.array(ChecklistItemSchema).meta({ title: '检查清单' }),
  /** May be jumped over freely. */
  skippable: z.boolean().optional().meta({ title: '可跳过' }),
  /** May be jumped over when the user gives a reason. */
  allowSkipWithReason: z.boolean().optional().meta({ title: '填写原因后可跳过' }),
};
const SubStageSchema = z.strictObject(stageFields);
const StageSchema = z.strictObject({ ...stageFields, subStages: z.array(SubStageSchema).min(1).optional().meta({ title: '子阶段' }) });

export const PipelineSchema = z
  .strictObject({
    code: z.string().min(1).meta({ title: '编码' }), name: z.string().min(1).meta({ title: '名称' }),
    stages: z.array(StageSchema).min(1).meta({ title: '阶段' }),
  })
  .refine((p) => new Set(p.stages.map((s) => s.key)).size === p.stages.length, { message: '阶段的 key 不能重复', path: ['stages'] })
  .refine((p) => p.stages.every((s) => !s.subStages || new Set(s.subStages.map((x) => x.key)).size === s.subStages.length), {
    message: '同一阶段内子阶段的 key 不能重复', path: ['stages'],
  });
export type Pipeline = z.output<typeof PipelineSchema>;
export type Stage = Pipeline['stages'][number];
export type ChecklistItem = Stage['checklist'][number];

export interface StagePosition {
  stageKey: string;
  subStageKey?: string | null;
}

export interface StageMoveInput {
  current: StagePosition;
  target: StagePosition;
  /** Ticked items per (sub-)stage, keyed by positionId(): 'negotiation' or 'negotiation/legal_review'. */
  checklist: Record<string, Record<string, boolean>>;
  reason?: string;
}

export type StageMoveKind = 'advance' | 'back' | 'skip';
export interface SkippedStage { stageKey: string; subStageKey: string | null; name: string }
export interface StageMoveFailure { code: string; message: string; details?: Record<string, unknown> }

export type StageMoveResult =
  | { ok: true; kind: StageMoveKind; from: StagePosition; to: StagePosition; skipped: SkippedStage[] }
  | { ok: false; failures: StageMoveFailure[] };

interface Slot {
  index: number;
  stage: Stage;
  sub: Stage | null;
  name: string;
}

export function positionId(p: StagePosition): string {
  return p.subStageKey ? `${p.stageKey}/${p.subStageKey}` : p.stageKey;
}

/** Walk order: a stage with sub-stages is walked through its sub-stages. */
function flatten(pipeline: Pipeline): Slot[] {
  const slots: Slot[] = [];
  for (const stage of pipeline.stages) {
    if (!stage.subStages) slots.push({ index: slots.length, stage, sub: null, name: stage.name });
    for (const sub of stage.subStages ?? []) slots.push({ index: slots.length, stage, sub, name: `${stage.name}·${sub.name}` });
  }
  return slots;
}

/** A stage named without a sub-stage means its first sub-stage. */
function findSlot(slots: Slot[], p: StagePosition): Slot | undefined {
  return slots.find((s) => s.stage.key === p.stageKey && (p.subStageKey ? s.sub?.key === p.subStageKey : s.sub === null || s.sub === s.stage.subStages![0]));
}

function slotPosition(s: Slot): StagePosition {
  return { stageKey: s.stage.key, subStageKey: s.sub?.key ?? null };
}

function notFound(p: StagePosition, which: string): StageMoveResult {
  return { ok: false, failures: [{ code: 'STAGE_NOT_FOUND', message: `${which}阶段「${positionId(p)}」不存在，请刷新后重试。`, details: { position: p } }] };
}

/** Required items left open when leaving `from` towards slot index `toIndex`. */
function missingItems(slots: Slot[], from: Slot, toIndex: number, ticked: StageMoveInput['checklist']) {
  const owners: Array<{ id: string; name: string; list: ChecklistItem[] }> = [];
  const pos = slotPosition(from);
  owners.push({ id: positionId(pos), name: from.name, list: (from.sub ?? from.stage).checklist });
  const leavesStage = slots[toIndex].stage.key !== from.stage.key;
  if (from.sub && leavesStage) owners.push({ id: from.stage.key, name: from.stage.name, list: from.stage.checklist });
  return owners.flatMap((o) =>
    o.list.filter((i) => i.required && ticked[o.id]?.[i.key] !== true).map((i) => ({ positionId: o.id, stage: o.name, key: i.key, label: i.label })),
  );
}

type SkipRule = 'free' | 'reason' | 'forbidden';

function ruleOf(s: { skippable?: boolean; allowSkipWithReason?: boolean }): SkipRule | null {
  if (s.skippable) return 'free';
  if (s.allowSkipWithReason) return 'reason';
  return null;
}

/** A wholly skipped stage is judged by its own flags when it has any; otherwise each sub-stage by its own. */
function skipRuleOf(slot: Slot, skipped: Slot[]): SkipRule {
  if (slot.sub) {
    const whole = slot.stage.subStages!.every((sub) => skipped.some((s) => s.sub === sub));
    const stageRule = whole ? ruleOf(slot.stage) : null;
    return stageRule ?? ruleOf(slot.sub) ?? 'forbidden';
  }
  return ruleOf(slot.stage) ?? 'forbidden';
}

function skipFailures(skipped: Slot[], reason: string | undefined): StageMoveFailure[] {
  const rules = skipped.map((s) => ({ s, rule: skipRuleOf(s, skipped) }));
  const forbidden = rules.filter((r) => r.rule === 'forbidden').map((r) => r.s.name);
  const needReason = rules.filter((r) => r.rule === 'reason').map((r) => r.s.name);
  const failures: StageMoveFailure[] = [];
  if (forbidden.length > 0) {
    failures.push({ code: 'STAGE_SKIP_NOT_ALLOWED', message: `不能跳过「${forbidden.join('」「')}」，请按顺序推进。`, details: { stages: forbidden } });
  }
  // asking for a reason is noise when the move is refused anyway
  if (forbidden.length === 0 && needReason.length > 0 && !reason?.trim()) {
    failures.push({ code: 'STAGE_SKIP_REASON_REQUIRED', message: `跳过「${needReason.join('」「')}」需要填写原因。`, details: { stages: needReason } });
  }
  return failures;
}

export function validateStageMove(pipeline: Pipeline, input: StageMoveInput): StageMoveResult {
  const slots = flatten(pipeline);
  const from = findSlot(slots, input.current);
  const to = findSlot(slots, input.target);
  if (!from) return notFound(input.current, '当前');
  if (!to) return notFound(input.target, '目标');
  if (to.index === from.index) {
    return { ok: false, failures: [{ code: 'STAGE_UNCHANGED', message: `商机已经处于「${to.name}」阶段。` }] };
  }
  const move = { from: slotPosition(from), to: slotPosition(to) };
  if (to.index < from.index) return { ok: true, kind: 'back', ...move, skipped: [] };
  const skipped = slots.slice(from.index + 1, to.index);
  const missing = missingItems(slots, from, to.index, input.checklist);
  const failures: StageMoveFailure[] = [];
  if (missing.length > 0) {
    failures.push({
      code: 'STAGE_CHECKLIST_INCOMPLETE',
      message: `「${from.name}」还有检查项未完成：${missing.map((m) => `「${m.label}」`).join('、')}。请完成后再推进。`,
      details: { missing },
    });
  }
  failures.push(...skipFailures(skipped, input.reason));
  if (failures.length > 0) return { ok: false, failures };
  const skippedOut = skipped.map((s) => ({ stageKey: s.stage.key, subStageKey: s.sub?.key ?? null, name: s.name }));
  return { ok: true, kind: skipped.length > 0 ? 'skip' : 'advance', ...move, skipped: skippedOut };
}

export { DEFAULT_PIPELINE } from './pipeline-template.js';
