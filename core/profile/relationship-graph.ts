/**
 * The customer's relationship layer, measured: every contact with their
 * department, title, role, attitude and reporting line, how often and how
 * recently we were in touch (contact-touches.ts) and who on our side covers
 * them; per department, whether anyone reaches it; and the coverage gaps an
 * opportunity with this customer carries (coverage-gaps.ts).
 *
 *   const g = await getRelationshipGraph(db, actor, customerId, now);
 */
import { z } from 'zod';
import { DAY_MS } from '../flow/time.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import type { CustomerType } from '../flow/types.js';
import { ContactSchema, customerContacts, type Contact } from '../resources/contacts.js';
import { getCustomerOrThrow } from '../resources/customers.js';
import { measureContacts, type ContactMeasure } from './contact-touches.js';
import { coverageGaps, GAP_CODES, type CoverageGap, type MeasuredContact } from './coverage-gaps.js';
import { DEFAULT_RELATIONSHIP_SETTINGS, type RelationshipSettings } from './relationship-settings.js';

export const CoverageGapSchema = z.object({
  code: z.enum(GAP_CODES),
  severity: z.enum(['high', 'medium', 'low']),
  message: z.string(),
  contactId: z.number().optional(),
  department: z.string().optional(),
  role: z.string().optional(),
});

export const MeasuredContactSchema = ContactSchema.extend({
  lastContactAt: z.string().nullable(),
  /** Days with contact in the window. */
  touchDays: z.number(),
  /** 对接频次 in words: 每周 / 每两周 / 每月 / 偶尔 / 近90天未接触 / 从未接触. */
  frequencyLabel: z.string(),
  /** 1 (no contact) … 5 (weekly): how big to draw them. */
  weight: z.number(),
  coveredBy: z.array(z.object({ userId: z.number(), name: z.string(), touchDays: z.number() })),
});
export type MeasuredContactView = z.infer<typeof MeasuredContactSchema>;

export const RelationshipGraphSchema = z.object({
  customer: z.object({ id: z.number(), name: z.string(), type: z.string() }),
  windowDays: z.number(),
  contacts: z.array(MeasuredContactSchema),
  departments: z.array(z.object({ name: z.string(), contactIds: z.array(z.number()), touchDays: z.number() })),
  reportingLines: z.array(z.object({ from: z.number(), to: z.number() })),
  gaps: z.array(CoverageGapSchema),
});
export type RelationshipGraph = z.infer<typeof RelationshipGraphSchema>;

const NO_DEPARTMENT = '未填写部门';

/** 对接频次 in words, from the days with contact in the window (≈ once a week → 每周). */
export function frequencyOf(m: ContactMeasure | undefined, windowDays: number, now: Date): { label: string; weight: number } {
  const perWeek = (m?.touchDays ?? 0) / (windowDays / 7);
  if (perWeek >= 0.8) return { label: '每周', weight: 5 };
  if (perWeek >= 0.4) return { label: '每两周', weight: 4 };
  if (perWeek >= 0.2) return { label: '每月', weight: 3 };
  if (perWeek > 0) return { label: '偶尔', weight: 2 };
  if (m?.lastContactAt) return { label: `${Math.floor((now.getTime() - m.lastContactAt.getTime()) / DAY_MS)}天未接触`, weight: 1 };
  return { label: '从未接触', weight: 1 };
}

function measured(c: Contact, m: ContactMeasure | undefined, windowDays: number, now: Date): MeasuredContactView {
  const f = frequencyOf(m, windowDays, now);
  return {
    ...c, lastContactAt: m?.lastContactAt?.toISOString() ?? null, touchDays: m?.touchDays ?? 0,
    frequencyLabel: f.label, weight: f.weight, coveredBy: m?.byUser ?? [],
  };
}

/** The measured contacts and gaps of one customer the caller may read. */
export async function getRelationshipGraph(
  db: Db, actor: Actor, customerId: number, now: Date, settings: RelationshipSettings = DEFAULT_RELATIONSHIP_SETTINGS,
): Promise<RelationshipGraph> {
  assertCan(actor, 'contacts', 'read');
  const customer = await getCustomerOrThrow(db, actor, customerId);
  const all = await customerContacts(db, customerId);
  const measures = await measureContacts(db, [customerId], { now, windowDays: settings.windowDays });
  const contacts = all.filter((c) => c.status === 'active').map((c) => measured(c, measures.get(c.id), settings.windowDays, now));
  const byDept = new Map<string, MeasuredContactView[]>();
  for (const c of contacts) byDept.set(c.department ?? NO_DEPARTMENT, [...(byDept.get(c.department ?? NO_DEPARTMENT) ?? []), c]);
  const activeIds = new Set(contacts.map((c) => c.id));
  return {
    customer: { id: customer.id, name: customer.name, type: customer.type },
    windowDays: settings.windowDays,
    contacts,
    departments: [...byDept].map(([name, cs]) => ({ name, contactIds: cs.map((c) => c.id), touchDays: cs.reduce((n, c) => n + c.touchDays, 0) })),
    reportingLines: contacts.filter((c) => c.reportsToId && activeIds.has(c.reportsToId)).map((c) => ({ from: c.id, to: c.reportsToId! })),
    gaps: gapsOf(customer.type, all, measures, now, settings),
  };
}

type ChainMember = Omit<MeasuredContact, 'lastContactAt' | 'touchDays'>;

function gapsOf(
  type: CustomerType, contacts: ChainMember[], measures: Map<number, ContactMeasure>, now: Date, settings: RelationshipSettings,
): CoverageGap[] {
  return coverageGaps({
    customerType: type, now,
    contacts: contacts.map((c) => ({ ...c, lastContactAt: measures.get(c.id)?.lastContactAt ?? null, touchDays: measures.get(c.id)?.touchDays ?? 0 })),
  }, settings);
}

/**
 * The coverage gaps of several customers at once (an opportunity list, the
 * win score): one measuring query for all of them.
 */
export async function coverageGapsOf(
  db: Db, customers: ReadonlyArray<{ id: number; type: CustomerType }>, now: Date,
  settings: RelationshipSettings = DEFAULT_RELATIONSHIP_SETTINGS,
): Promise<Map<number, CoverageGap[]>> {
  const ids = customers.map((c) => c.id);
  const measures = await measureContacts(db, ids, { now, windowDays: settings.windowDays });
  const { rows } = await db.query(
    `SELECT id, customer_id, name, department, buying_role, attitude, is_coach, status FROM contacts WHERE customer_id = ANY($1::bigint[])`, [ids]);
  const out = new Map<number, CoverageGap[]>();
  for (const c of customers) {
    const mine: ChainMember[] = rows.filter((r) => r.customer_id === c.id).map((r) => ({
      id: r.id, name: r.name, department: r.department, buyingRole: r.buying_role, attitude: r.attitude, isCoach: r.is_coach, status: r.status,
    }));
    out.set(c.id, gapsOf(c.type, mine, measures, now, settings));
  }
  return out;
}
