/**
 * What the fulfilment and licence rules share: their candidates are about one
 * customer and reach that customer's owner side (recipients resolved in SQL
 * from the owner, as every detection does), and they word days in Chinese.
 */
import { chineseDay as chineseDayOf, DAY_MS, shanghaiDate } from '../../flow/time.js';
import type { AlertDraft, CandidateRecipient } from './alert-rule.js';

export interface CustomerCandidate {
  customerId: number;
  customerName: string;
  ownerId: number | null;
  ownerName: string | null;
  departmentId: number | null;
  recipients: CandidateRecipient[];
}

/** The columns every customer candidate's SQL selects, as the rule reads them. */
export function customerCandidate(r: any): CustomerCandidate {
  return {
    customerId: r.customer_id, customerName: r.customer_name, ownerId: r.owner_id, ownerName: r.owner_name,
    departmentId: r.department_id, recipients: r.recipients ?? [],
  };
}

/** The draft's routing: who owns it and who hears of it. */
export const routing = (c: CustomerCandidate): Pick<AlertDraft, 'ownerId' | 'departmentId' | 'recipients'> =>
  ({ ownerId: c.ownerId, departmentId: c.departmentId, recipients: c.recipients });

/** '2026年12月1日': a day as the alert's reader sees it. */
export const chineseDay = (d: Date | string) => chineseDayOf(typeof d === 'string' ? d : shanghaiDate(d), true);
export const daysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / DAY_MS);

/** The card lines stored with the alert (data.facts). */
export const storedFacts = (data: { facts?: Array<{ label: string; value: string }> }) => data.facts ?? [];
