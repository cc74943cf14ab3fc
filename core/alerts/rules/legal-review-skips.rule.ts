/**
 * 跳过法务审核: a rep whose stage moves in the last `windowDays` skipped the
 * legal-review sub-stage at least `minSkips` times. One alert per rep per
 * week (the dedupe key names the Monday), listing the opportunities and the
 * reasons given; critical at twice the threshold.
 */
import { shanghaiDate } from '../../flow/time.js';
import type { WarningFact } from '../../wecom/template-cards.js';
import { cardDate } from '../alert-cards.js';
import { LegalReviewSkipsParamsSchema } from '../rule-params.js';
import { defineAlertRule, type CandidateRecipient } from './alert-rule.js';

interface Person { id: number; name: string; userid: string }

/** A rep's skips of the sub-stage in the window, as the detection selects them. */
export interface LegalReviewSkipsCandidate {
  rep: Person & { departmentId: number | null };
  manager: Person | null;
  skips: Array<{ opportunityId: number; name: string; customer: string; customerId: number; amount: number; at: string; reason: string | null }>;
  lastAt: Date;
  /** The window: its start, and the Monday of the week the alert is for. */
  windowFrom: Date;
  week: Date;
  /** 「法务审核」, as the default pipeline names the sub-stage. */
  stageName: string;
  recipients: CandidateRecipient[];
}

export const legalReviewSkipsRule = defineAlertRule({
  kind: 'legal_review_skips',
  label: '跳过法务审核',
  schema: LegalReviewSkipsParamsSchema,
  check({ row }: { row: LegalReviewSkipsCandidate; now: Date }, { minSkips, windowDays }) {
    const n = row.skips.length;
    if (n < minSkips) return null;
    return {
      dedupeKey: `legal_review_skips:${row.rep.id}:${shanghaiDate(row.week)}`,
      subject: { type: 'user', id: row.rep.id },
      ownerId: row.rep.id,
      departmentId: row.rep.departmentId,
      windowStart: row.week,
      severity: n >= 2 * minSkips ? 'critical' : 'warning',
      title: `${row.rep.name}近${windowDays}天${n}次跳过${row.stageName}`,
      summary: `涉及商机：${row.skips.map((s) => s.name).join('、')}（规则：${windowDays}天内跳过${minSkips}次及以上即预警）`,
      data: {
        rep: { id: row.rep.id, name: row.rep.name, userid: row.rep.userid }, manager: row.manager,
        skips: n, minSkips, windowDays, windowFrom: row.windowFrom, lastAt: row.lastAt, stageName: row.stageName,
        why: `${n}次跳过${row.stageName}，达到规则阈值${minSkips}次`, opportunities: row.skips,
      },
      recipients: row.recipients,
    };
  },
  /** 业务员 / 跳过次数 / 统计区间 / 涉及商机 / 最近一次. */
  cardFacts(data): WarningFact[] {
    const opps: Array<{ name: string; customer: string }> = data.opportunities ?? [];
    return [
      { label: '业务员', value: data.rep?.name ?? '', userid: data.rep?.userid },
      { label: '跳过次数', value: `${data.skips}次（阈值${data.minSkips}次）` },
      { label: '统计区间', value: `近${data.windowDays}天` },
      { label: '涉及商机', value: opps.slice(0, 3).map((o) => o.name).join('、') + (opps.length > 3 ? `等${opps.length}个` : '') },
      { label: '最近一次', value: cardDate(data.lastAt) },
    ];
  },
});
