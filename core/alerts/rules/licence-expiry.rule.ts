/**
 * 证照到期: a customer's licence (营业执照, 医疗器械/药品经营许可证) expiring
 * within N days (the setting profile.licence-expiry), or already expired.
 * One alert per licence and expiry date; a newer licence confirmed for the
 * customer resolves it.
 */
import { defineAlertRule } from './alert-rule.js';
import { chineseDay, routing, storedFacts, type CustomerCandidate } from './customer-candidate.js';
import { LicenceExpiryParamsSchema } from './fulfilment-params.js';

export interface ExpiringLicence extends CustomerCandidate {
  licenceId: number;
  kindLabel: string;
  licenceName: string | null;
  expiresOn: string;
  daysLeft: number;
  /** How many days ahead a licence is flagged (profile.licence-expiry). */
  daysAhead: number;
}

export const licenceExpiryRule = defineAlertRule({
  kind: 'licence_expiry',
  label: '证照到期',
  schema: LicenceExpiryParamsSchema,
  check({ row: c }: { row: ExpiringLicence; now: Date }) {
    if (c.daysLeft > c.daysAhead) return null;
    const when = c.daysLeft < 0 ? `已过期${-c.daysLeft}天` : c.daysLeft === 0 ? '今天到期' : `${c.daysLeft}天后到期`;
    return {
      dedupeKey: `licence_expiry:${c.licenceId}:${c.expiresOn}`, subject: { type: 'licence', id: c.licenceId }, ...routing(c),
      severity: c.daysLeft <= 7 ? 'critical' : 'warning',
      title: `「${c.customerName}」的${c.kindLabel}${when}`,
      summary: `到期日 ${chineseDay(c.expiresOn)}；请提醒客户换证并上传新证照。业务员：${c.ownerName ?? '未分配'}（提前${c.daysAhead}天提醒）`,
      windowStart: null,
      data: {
        customer: { id: c.customerId, name: c.customerName }, licenceId: c.licenceId, expiresOn: c.expiresOn, daysLeft: c.daysLeft,
        facts: [{ label: '证照', value: `${c.kindLabel}${c.licenceName ? `（${c.licenceName}）` : ''}` }, { label: '到期日', value: chineseDay(c.expiresOn) }, { label: '状态', value: when }],
      },
    };
  },
  /** 证照 / 到期日 / 状态. */
  cardFacts: storedFacts,
});
