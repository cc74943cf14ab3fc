/**
 * 证照到期: a customer's licence (营业执照, 医疗器械/药品经营许可证) expiring
 * within N days, or already expired. One alert per licence and expiry date;
 * a newer licence confirmed for the customer resolves it.
 */
import { chineseDay, type AlertDraft } from './alert-draft.js';

export interface ExpiringLicence {
  licenceId: number;
  kindLabel: string;
  customerId: number;
  customerName: string;
  ownerName: string | null;
  licenceName: string | null;
  expiresOn: string;
  daysLeft: number;
}

export function licenceExpiry(c: ExpiringLicence, daysAhead: number): AlertDraft {
  const when = c.daysLeft < 0 ? `已过期${-c.daysLeft}天` : c.daysLeft === 0 ? '今天到期' : `${c.daysLeft}天后到期`;
  return {
    dedupeKey: `licence_expiry:${c.licenceId}:${c.expiresOn}`, subjectType: 'licence', subjectId: c.licenceId,
    severity: c.daysLeft <= 7 ? 'critical' : 'warning',
    title: `「${c.customerName}」的${c.kindLabel}${when}`,
    summary: `到期日 ${chineseDay(c.expiresOn)}；请提醒客户换证并上传新证照。业务员：${c.ownerName ?? '未分配'}（提前${daysAhead}天提醒）`,
    windowStart: null,
    data: {
      customer: { id: c.customerId, name: c.customerName }, licenceId: c.licenceId, expiresOn: c.expiresOn, daysLeft: c.daysLeft,
      facts: [{ label: '证照', value: `${c.kindLabel}${c.licenceName ? `（${c.licenceName}）` : ''}` }, { label: '到期日', value: chineseDay(c.expiresOn) }, { label: '状态', value: when }],
    },
  };
}

