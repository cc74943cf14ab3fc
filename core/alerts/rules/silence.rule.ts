/**
 * 沉默客户: an active customer with no effective follow-up (有效跟进) for
 * `days` days. One alert per customer per silence episode — the episode
 * starts at the last effective follow-up (or when the customer became active)
 * — critical once the silence lasts twice the threshold.
 */
import { chineseDay, shanghaiDate } from '../../flow/time.js';
import type { CustomerType } from '../../flow/types.js';
import type { WarningFact } from '../../wecom/template-cards.js';
import { cardDate } from '../alert-cards.js';
import { SilenceParamsSchema } from '../rule-params.js';
import { defineAlertRule, type CandidateRecipient } from './alert-rule.js';

interface Person { id: number; name: string; userid: string }

/** A silent active customer without an alert for its current episode, as the detection selects it. */
export interface SilenceCandidate {
  customer: { id: number; name: string; type: CustomerType };
  departmentId: number | null;
  owner: Person | null;
  manager: Person | null;
  /** The last effective follow-up, or when the customer became active (neverFollowedUp). */
  since: Date;
  neverFollowedUp: boolean;
  /** Open opportunities, largest first (at most 5). */
  opportunities: Array<{ id: number; name: string; stage: string; amount: number }>;
  recipients: CandidateRecipient[];
}

const DAY_MS = 86_400_000;

export const silenceRule = defineAlertRule({
  kind: 'silence',
  label: '客户沉默',
  schema: SilenceParamsSchema,
  check({ row, now }: { row: SilenceCandidate; now: Date }, { days }) {
    const silentDays = Math.floor((now.getTime() - row.since.getTime()) / DAY_MS);
    if (silentDays < days) return null;
    const last = row.neverFollowedUp ? '成为有效客户后从未有效跟进' : `上次有效跟进：${chineseDay(shanghaiDate(row.since))}`;
    return {
      dedupeKey: `silence:${row.customer.id}:${shanghaiDate(row.since)}`,
      subject: { type: 'customer', id: row.customer.id },
      ownerId: row.owner?.id ?? null,
      departmentId: row.departmentId,
      windowStart: row.since,
      severity: silentDays >= 2 * days ? 'critical' : 'warning',
      title: `客户「${row.customer.name}」已${silentDays}天无有效跟进`,
      summary: `${last}；业务员：${row.owner?.name ?? '未分配'}（规则：连续${days}天无有效跟进即预警）`,
      data: {
        customer: row.customer, owner: row.owner, manager: row.manager, since: row.since, neverFollowedUp: row.neverFollowedUp,
        silentDays, thresholdDays: days, why: `连续${silentDays}天无有效跟进，超过规则阈值${days}天`, opportunities: row.opportunities,
      },
      recipients: row.recipients,
    };
  },
  /** 客户 / 业务员 / 上次有效跟进 / 沉默天数 / 进行中商机. */
  cardFacts(data) {
    const opps: Array<{ name: string; amount: number }> = data.opportunities ?? [];
    const total = opps.reduce((s, o) => s + Number(o.amount ?? 0), 0);
    const facts: WarningFact[] = [{ label: '客户', value: data.customer?.name ?? '' }];
    if (data.owner) facts.push({ label: '业务员', value: data.owner.name, userid: data.owner.userid });
    facts.push({ label: '上次有效跟进', value: data.neverFollowedUp ? '从未' : cardDate(data.since) });
    facts.push({ label: '沉默天数', value: `${data.silentDays}天（阈值${data.thresholdDays}天）` });
    facts.push({ label: '进行中商机', value: opps.length ? `${opps.length}个，共${formatYuan(total)}` : '无' });
    if (opps[0]) facts.push({ label: '最大商机', value: opps[0].name });
    return facts;
  },
});

export function formatYuan(amount: number): string {
  return amount >= 10_000 ? `${Math.round(amount / 1000) / 10}万元` : `${Math.round(amount)}元`;
}
