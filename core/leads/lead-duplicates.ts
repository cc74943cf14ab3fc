/**
 * 撞单: before a lead is saved, the leads and customers it may duplicate —
 * the same phone, or the same company under another spelling (华联超市 /
 * 华联超市股份有限公司 / 上海华联) — with who owns them. Searched across the
 * whole company, not the caller's scope (a duplicate in another team is the
 * point), and answered with no more than a name and an owner.
 *
 *   const hits = await findLeadDuplicates(db, actor, { company: '华联超市有限公司', phone: '13800000000' });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';

export const LeadDuplicateQuery = z.object({
  company: z.string().trim().max(200).optional(),
  phone: z.string().trim().max(40).optional(),
}).strict();

export const LeadDuplicateSchema = z.object({
  kind: z.enum(['lead', 'customer']),
  id: z.number(),
  name: z.string(),
  ownerName: z.string().nullable(),
  /** Why it matched: the same phone number, or a company name one contains the other's core of. */
  matchedBy: z.enum(['phone', 'company']),
  /** Whether the caller may open it (in their scope): else only the owner is named. */
  mine: z.boolean(),
});
export type LeadDuplicate = z.infer<typeof LeadDuplicateSchema>;

// what every company name carries and tells nothing apart; the same patterns serve JS and PostgreSQL
const NOISE = '(股份有限公司|有限责任公司|有限公司|集团|股份|分公司|公司|总部|区域|商贸|贸易|连锁|[（(][^）)]*[）)]|\\s)';
const PLACES = '^(北京|上海|天津|重庆|江苏|浙江|广东|山东|河北|南京|杭州|苏州|广州|深圳)(市|省)?';

/** The part of a company name that identifies it: 「上海华联超市股份有限公司」 → 「华联超市」. */
export function companyCore(name: string): string {
  return name.replace(new RegExp(NOISE, 'g'), '').replace(new RegExp(PLACES), '');
}

const digits = (s: string) => s.replace(/\D/g, '');
const CORE_SQL = (col: string) => `regexp_replace(regexp_replace(${col}, $4, '', 'g'), $5, '')`;
// either core inside the other: 华联 matches 华联超市 and the other way round
const SAME_COMPANY = (col: string) =>
  `(length(${CORE_SQL(col)}) >= 2 AND (${CORE_SQL(col)} LIKE '%' || $1 || '%' OR $1 LIKE '%' || ${CORE_SQL(col)} || '%'))`;

export async function findLeadDuplicates(db: Db, actor: Actor, q: z.infer<typeof LeadDuplicateQuery>): Promise<{ items: LeadDuplicate[] }> {
  assertCan(actor, 'leads', 'create');
  const core = q.company ? companyCore(q.company) : '';
  const phone = q.phone ? digits(q.phone) : '';
  if (core.length < 2 && phone.length < 7) return { items: [] };
  const samePhone = `($2 <> '' AND regexp_replace(coalesce(l.phone, ''), '\\D', '', 'g') = $2)`;
  const { rows } = await db.query(
    `SELECT 'lead' AS kind, l.id, l.company AS name, u.name AS owner_name,
            CASE WHEN ${samePhone} THEN 'phone' ELSE 'company' END AS matched_by, (l.assignee_id = $3) AS mine
       FROM leads l LEFT JOIN users u ON u.id = l.assignee_id
      WHERE l.status <> 'disqualified' AND (${samePhone} OR (length($1) >= 2 AND ${SAME_COMPANY('l.company')}))
     UNION ALL
     SELECT 'customer', c.id, c.name, u.name, 'company', (c.owner_id = $3)
       FROM customers c JOIN users u ON u.id = c.owner_id
      WHERE length($1) >= 2 AND ${SAME_COMPANY('c.name')}
      ORDER BY 5 DESC, 1, 2 LIMIT 20`,
    [core, phone, actor.id, NOISE, PLACES],
  );
  return {
    items: rows.map((r) => ({ kind: r.kind, id: r.id, name: r.name, ownerName: r.owner_name, matchedBy: r.matched_by, mine: r.mine })),
  };
}
