/**
 * 'followup.evidence': no self-declared boxes. A follow-up that claims new
 * documents must name real ones (uploaded files or share links) the server
 * received within the follow-up's window; one that claims the decision chain
 * was updated must have a recorded change to the customer's contacts (a
 * contact event, a role change) in that window. A claim with nothing behind
 * it is FOLLOWUP_UNSUPPORTED and does not count toward 有效跟进.
 */
import { z } from 'zod';
import { chineseDateTime } from '../time.js';
import type { RuleFailure } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({});

const RULE = 'followup.evidence';

export const followupEvidenceRule = defineGateRule({
  kind: RULE,
  label: '跟进有凭证',
  schema,
  defaultMode: 'review',
  check(facts) {
    const f = facts.followUp;
    if (!f) return [];
    const out: RuleFailure[] = [];
    const inWindow = (d: Date) => d.getTime() >= f.window.start.getTime() && d.getTime() <= f.window.end.getTime();
    const fresh = f.documents.filter((d) => inWindow(d.createdAt));
    const stale = f.documents.filter((d) => !inWindow(d.createdAt));
    const claimed = Math.max(f.declaredDocuments, f.documents.length);
    if (claimed > fresh.length) {
      const old = stale.length ? `；「${stale[0].name}」是 ${chineseDateTime(stale[0].createdAt)} 上传的旧文件` : '';
      out.push(failure(RULE, {
        code: 'FOLLOWUP_UNSUPPORTED',
        target: 'newDocuments',
        message: `填写了 ${claimed} 份新文件，但本次跟进期间（${chineseDateTime(f.window.start)} 起）上传或分享的只有 ${fresh.length} 份${old}。请上传报价单、方案等文件本身，只计已上传的文件。`,
        details: { claimed, found: fresh.length, staleDocumentIds: stale.map((d) => d.id) },
      }));
    }
    if (f.declaredChainUpdate && f.contactChanges.length === 0) {
      out.push(failure(RULE, {
        code: 'FOLLOWUP_UNSUPPORTED',
        target: 'decisionChain',
        message: `勾选了“更新决策链”，但本次跟进期间（${chineseDateTime(f.window.start)} 起）没有记录任何联系人变动。请在客户页面新增联系人或修改其角色，系统会自动计入。`,
        details: { claimed: 'decisionChain', found: 0 },
      }));
    }
    return out;
  },
});
