/**
 * Which of our contacts a WeCom external contact (客户联系) is — pure. By a
 * mobile the member noted on them (remark_mobiles) first; then by name (the
 * external name or the member's remark) within the customer their company
 * names (corp_name, corp_full_name, remark_corp_name against the customer's
 * name); one sure match is bound, anything less is asked of the rep: each
 * candidate of that name, or — when nobody fits but the company names one
 * customer — whether to add them there as a new contact.
 *
 *   decideMatch(external, candidates, customers)
 *   // { kind: 'bind', contactId: 12, by: 'mobile' } | { kind: 'ask', options: [{ contactId: 12, customerId: 3 }] } | { kind: 'none' }
 */
import type { ExternalContactOfMember } from '../wecom/wecom-client.js';

/** An external contact with everything its followers noted, merged. */
export interface ExternalContact {
  externalUserid: string;
  name: string;
  /** The external name and the members' remarks: the names a contact of ours may carry. */
  names: string[];
  /** corp_full_name, corp_name and remark_corp_name, as given. */
  corpNames: string[];
  mobiles: string[];
  followers: string[];
}

export interface CandidateContact {
  id: number;
  name: string;
  phone: string | null;
  customerId: number;
  customerName: string;
}

export interface CustomerName { id: number; name: string }

export type MatchDecision =
  | { kind: 'bind'; contactId: number; by: 'mobile' | 'name_and_customer' }
  | { kind: 'ask'; options: Array<{ contactId: number | null; customerId: number }> }
  | { kind: 'none' };

/** WeCom lists one row per (contact, following member): one contact with all they noted. */
export function mergeByContact(rows: readonly ExternalContactOfMember[]): ExternalContact[] {
  const out = new Map<string, ExternalContact>();
  const add = (list: string[], v: string | null) => { if (v && !list.includes(v)) list.push(v); };
  for (const r of rows) {
    const c = out.get(r.externalUserid) ?? { externalUserid: r.externalUserid, name: r.name, names: [], corpNames: [], mobiles: [], followers: [] };
    add(c.names, r.name.trim() || null);
    add(c.names, r.remark);
    for (const corp of [r.corpFullName, r.corpName, r.remarkCorpName]) add(c.corpNames, corp);
    for (const m of r.remarkMobiles) add(c.mobiles, mobileDigits(m));
    add(c.followers, r.followUserid);
    out.set(r.externalUserid, c);
  }
  return [...out.values()];
}

/** The last 11 digits of a Chinese mobile (+86, spaces and dashes dropped); null when it is not one. */
export function mobileDigits(raw: string | null): string | null {
  const digits = (raw ?? '').replace(/\D/g, '');
  const m = /(1\d{10})$/.exec(digits);
  return m ? m[1] : null;
}

/** A company name as compared: without spaces, brackets and the usual legal suffixes. */
const companyKey = (s: string) => s.replace(/[\s()（）]/g, '').replace(/(股份)?有限(责任)?公司$|集团$/, '');

/** The customer a company name names: either contains the other (上海市第六人民医院 ⊃ 第六人民医院). */
export function sameCompany(customerName: string, corpName: string): boolean {
  const a = companyKey(customerName);
  const b = companyKey(corpName);
  return a.length >= 2 && b.length >= 2 && (a.includes(b) || b.includes(a));
}

/** A remark often adds the post or company to the name (王建国-院长, 王建国 六院): the name is its first word. */
const nameOf = (s: string) => s.split(/[\s\-—_·/（(]/)[0];

export function decideMatch(ext: ExternalContact, candidates: readonly CandidateContact[], customers: readonly CustomerName[]): MatchDecision {
  const byMobile = candidates.filter((c) => { const m = mobileDigits(c.phone); return m !== null && ext.mobiles.includes(m); });
  if (byMobile.length === 1) return { kind: 'bind', contactId: byMobile[0].id, by: 'mobile' };
  if (byMobile.length > 1) return { kind: 'ask', options: byMobile.map((c) => ({ contactId: c.id, customerId: c.customerId })) };

  const names = new Set(ext.names.map(nameOf).filter((n) => n.length >= 2));
  const named = candidates.filter((c) => names.has(c.name));
  const ofCompany = named.filter((c) => ext.corpNames.some((corp) => sameCompany(c.customerName, corp)));
  if (ofCompany.length === 1) return { kind: 'bind', contactId: ofCompany[0].id, by: 'name_and_customer' };
  const ask = ofCompany.length > 1 ? ofCompany : named;
  if (ask.length > 0) return { kind: 'ask', options: ask.slice(0, 5).map((c) => ({ contactId: c.id, customerId: c.customerId })) };

  const companies = customers.filter((cu) => ext.corpNames.some((corp) => sameCompany(cu.name, corp)));
  if (companies.length === 1) return { kind: 'ask', options: [{ contactId: null, customerId: companies[0].id }] };
  return { kind: 'none' };
}
