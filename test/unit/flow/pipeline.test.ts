import { expect } from 'chai';
import { DEFAULT_PIPELINE, PipelineSchema, validateStageMove, type Pipeline, type StageMoveInput } from '../../../core/flow/pipeline.js';

const move = (current: StageMoveInput['current'], target: StageMoveInput['target'], extra: Partial<StageMoveInput> = {}) =>
  validateStageMove(DEFAULT_PIPELINE, { current, target, checklist: {}, ...extra });
const codesOf = (r: ReturnType<typeof move>) => (r.ok ? [] : r.failures.map((f) => f.code));

const allTicked = (id: string, keys: string[]) => ({ [id]: Object.fromEntries(keys.map((k) => [k, true])) });

describe('validateStageMove', () => {
  it('advances when the current stage checklist is complete', () => {
    const checklist = allTicked('lead_qualified', ['contact_confirmed', 'intent_confirmed', 'profile_complete']);
    const r = move({ stageKey: 'lead_qualified' }, { stageKey: 'needs_analysis' }, { checklist });
    expect(r).to.deep.include({ ok: true, kind: 'advance', skipped: [] });
  });

  it('names the unticked required items', () => {
    const r = move({ stageKey: 'lead_qualified' }, { stageKey: 'needs_analysis' }, { checklist: allTicked('lead_qualified', ['contact_confirmed']) });
    if (r.ok) throw new Error('expected failure');
    expect(r.failures[0].code).to.equal('STAGE_CHECKLIST_INCOMPLETE');
    expect(r.failures[0].message).to.equal('「线索确认」还有检查项未完成：「确认采购意向与预算范围」、「完善客户类型、区域与归属」。请完成后再推进。');
  });

  it('ignores optional checklist items', () => {
    const checklist = allTicked('negotiation/commercial_terms', ['price_agreed', 'payment_terms', 'delivery_terms']);
    const r = move({ stageKey: 'negotiation', subStageKey: 'commercial_terms' }, { stageKey: 'negotiation', subStageKey: 'legal_review' }, { checklist });
    expect(r.ok).to.equal(true);
  });

  it('enters a stage with sub-stages at its first sub-stage', () => {
    const checklist = allTicked('solution_quote', ['solution_sent', 'quote_approved', 'quote_received']);
    const r = move({ stageKey: 'solution_quote' }, { stageKey: 'negotiation' }, { checklist });
    expect(r).to.deep.include({ ok: true, to: { stageKey: 'negotiation', subStageKey: 'tech_confirm' } });
  });

  it('moves back without any checklist', () => {
    expect(move({ stageKey: 'contract' }, { stageKey: 'needs_analysis' })).to.deep.include({ ok: true, kind: 'back' });
  });

  it('refuses to skip stages that are not skippable, together with the open checklist', () => {
    expect(codesOf(move({ stageKey: 'solution_quote' }, { stageKey: 'contract' }))).to.deep.equal(['STAGE_CHECKLIST_INCOMPLETE', 'STAGE_SKIP_NOT_ALLOWED']);
  });

  it('skips 法务审核 only with a reason, and records the skip', () => {
    const checklist = allTicked('negotiation/commercial_terms', ['price_agreed', 'payment_terms', 'delivery_terms']);
    const from = { stageKey: 'negotiation', subStageKey: 'commercial_terms' };
    expect(codesOf(move(from, { stageKey: 'contract' }, { checklist }))).to.deep.equal(['STAGE_SKIP_REASON_REQUIRED']);
    const r = move(from, { stageKey: 'contract' }, { checklist, reason: '标准合同模板，客户法务免审' });
    expect(r).to.deep.include({ ok: true, kind: 'skip', skipped: [{ stageKey: 'negotiation', subStageKey: 'legal_review', name: '商务谈判·法务审核' }] });
  });

  it("requires a parent stage's own checklist when leaving it", () => {
    const p: Pipeline = { code: 'p', name: 'p', stages: [
      { key: 'a', name: '谈判', checklist: [{ key: 'minutes', label: '上传谈判纪要', required: true }], subStages: [{ key: 'x', name: '技术', checklist: [] }] },
      { key: 'b', name: '签约', checklist: [] },
    ] };
    const r = validateStageMove(p, { current: { stageKey: 'a', subStageKey: 'x' }, target: { stageKey: 'b' }, checklist: {} });
    if (r.ok) throw new Error('expected failure');
    expect(r.failures[0].message).to.contain('上传谈判纪要');
  });

  it('reports unknown and unchanged targets', () => {
    expect(codesOf(move({ stageKey: 'contract' }, { stageKey: 'nope' }))).to.deep.equal(['STAGE_NOT_FOUND']);
    expect(codesOf(move({ stageKey: 'negotiation' }, { stageKey: 'negotiation', subStageKey: 'tech_confirm' }))).to.deep.equal(['STAGE_UNCHANGED']);
  });
});

describe('DEFAULT_PIPELINE', () => {
  it('is a valid pipeline of 8 stages with 3 negotiation sub-stages', () => {
    expect(PipelineSchema.safeParse(DEFAULT_PIPELINE).success).to.equal(true);
    expect(DEFAULT_PIPELINE.stages.map((s) => s.name)).to.deep.equal(['线索确认', '需求分析', '方案报价', '商务谈判', '合同签约', '交付实施', '回款', '售后服务']);
    expect(DEFAULT_PIPELINE.stages[3].subStages?.map((s) => s.name)).to.deep.equal(['技术方案确认', '商务条款磋商', '法务审核']);
  });

  it('rejects a pipeline with duplicate stage keys', () => {
    const dup = { ...DEFAULT_PIPELINE, stages: [...DEFAULT_PIPELINE.stages, DEFAULT_PIPELINE.stages[0]] };
    expect(PipelineSchema.safeParse(dup).success).to.equal(false);
  });
});
