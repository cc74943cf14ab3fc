/**
 * What an action still needs: each rule of its definition plus each of the
 * dispatcher's requirements, checked against the saved draft with
 * evaluateRules, one rule at a time so every line says satisfied or not.
 */
import type { Db } from '../db/pool.js';
import { evaluateRules } from '../flow/evaluate-rules.js';
import type { GateRuleConfig } from '../flow/rules/index.js';
import type { RuleFailure, VisitFacts } from '../flow/types.js';
import type { ActionRow } from './action-repo.js';
import type { VisitDraftInput } from './action-schemas.js';
import { loadDefinitionForAction, rulesForAction } from './definitions.js';
import { loadVisitFacts } from './visit-facts.js';

export interface ChecklistItem {
  ruleId: string | null;
  kind: string;
  label: string;
  satisfied: boolean;
  missing: RuleFailure[];
}

const KIND_NOUN = { photo: '照片', voice: '语音', document: '文件' } as const;

/** A short Chinese name for a rule, for the checklist line. */
export function ruleLabel(r: GateRuleConfig): string {
  switch (r.kind) {
    case 'attachments.min': {
      const noun = r.label ?? r.tag ?? (r.attachmentKind ? KIND_NOUN[r.attachmentKind] : '附件');
      const tags = r.requireTags?.length ? `（含${r.requireTags.join('、')}）` : '';
      return `${noun} ≥ ${r.min}${tags}`;
    }
    case 'fields.required': return `填写${r.fields.map((f) => `「${f.label}」`).join('、')}`;
    case 'orders.linked': return `关联最近${r.latest}笔订单`;
    case 'geofence.within_km': return `在客户${r.km}公里范围内签到`;
    case 'voice.keywords.min': return `语音纪要提到至少${r.min}个${r.label ?? '客户痛点'}`;
    case 'photo.captured_within': return '照片在拜访期间现场拍摄';
    case 'checklist.complete': return `完成检查项：${r.items.map((i) => i.label).join('、')}`;
    case 'prerequisite.verified': return `「${r.label}」已通过主管核验`;
    case 'photo.located': return '照片拍摄地点与签到一致';
    case 'photo.unique': return '照片不是重复使用的旧照片';
    case 'photo.camera': return '照片为相机原图（非截图、未修图）';
    case 'checkin.plausible': return '签到位置和时间真实可信';
    case 'voice.speech': return '语音纪要有真实的说话内容';
    case 'followup.evidence': return '新文件和决策链变动有记录可查';
  }
}

export async function computeChecklist(db: Db, a: ActionRow, draft: VisitDraftInput | null, now: Date): Promise<ChecklistItem[]> {
  const def = await loadDefinitionForAction(db, a);
  const rules = rulesForAction(def, a.requirements);
  const d = draft ?? {};
  const facts = await loadVisitFacts(db, { actionId: a.id, customerId: a.customerId, opportunityId: a.opportunityId }, d,
    { ids: d.attachmentIds ?? [], uploadedBy: a.assigneeId, lenient: true }, rules, now);
  return checklistOf(facts, rules);
}

/** One line per rule, each evaluated on its own against facts already loaded (also the live checklist's, on a draft not saved). */
export function checklistOf(facts: VisitFacts, rules: readonly GateRuleConfig[]): ChecklistItem[] {
  return rules.map((rule) => {
    const { failures } = evaluateRules(facts, [rule]);
    return {
      ruleId: rule.id ?? null, kind: rule.kind, label: ruleLabel(rule),
      satisfied: !failures.some((f) => f.severity === 'error'), missing: failures,
    };
  });
}
