/**
 * Where our coverage of a customer's buying centre has holes, as findings an
 * opportunity carries: no decider known, a key role not contacted for N days
 * (决策者 30 天未接触), a key department nobody covers (没有覆盖信息科), a
 * decider against us, no 内线. Pure: the caller loads the measured contacts.
 *
 *   coverageGaps({ customerType: 'hospital', contacts, now }, DEFAULT_RELATIONSHIP_SETTINGS)
 */
import { BUYING_ROLE_LABELS, type Attitude, type BuyingRole } from '../flow/buying-centre.js';
import { DAY_MS } from '../flow/time.js';
import { CUSTOMER_TYPE_LABELS, type CustomerType } from '../flow/types.js';
import type { RelationshipSettings } from './relationship-settings.js';

/** A member of the buying centre as the gaps read them; `lastContactAt` and `touchDays` are measured. */
export interface MeasuredContact {
  id: number;
  name: string;
  department: string | null;
  buyingRole: BuyingRole | null;
  attitude: Attitude | null;
  isCoach: boolean;
  status: 'active' | 'left';
  lastContactAt: Date | null;
  /** Days with contact in the window. */
  touchDays: number;
}

export const GAP_CODES = ['ROLE_MISSING', 'ROLE_SILENT', 'DEPARTMENT_UNCOVERED', 'DECIDER_OPPOSES', 'NO_COACH'] as const;
export type GapCode = (typeof GAP_CODES)[number];

export interface CoverageGap {
  code: GapCode;
  severity: 'high' | 'medium' | 'low';
  /** One Chinese line: 决策者 黄敏 30 天未接触 */
  message: string;
  contactId?: number;
  department?: string;
  role?: BuyingRole;
}


export function coverageGaps(
  f: { customerType: CustomerType; contacts: readonly MeasuredContact[]; now: Date }, s: RelationshipSettings,
): CoverageGap[] {
  const active = f.contacts.filter((c) => c.status === 'active');
  const gaps: CoverageGap[] = [];
  for (const role of s.keyRoles) {
    const holders = active.filter((c) => c.buyingRole === role);
    const label = BUYING_ROLE_LABELS[role];
    if (holders.length === 0) {
      gaps.push({ code: 'ROLE_MISSING', severity: role === 'decider' ? 'high' : 'medium', role, message: `还没有识别${label}` });
      continue;
    }
    // one holder in touch is enough: a role is covered, not every person in it
    const recent = holders.filter((c) => c.lastContactAt && f.now.getTime() - c.lastContactAt.getTime() < s.silentDays * DAY_MS);
    if (recent.length > 0) continue;
    for (const c of holders) {
      const days = c.lastContactAt ? Math.floor((f.now.getTime() - c.lastContactAt.getTime()) / DAY_MS) : null;
      gaps.push({
        code: 'ROLE_SILENT', severity: role === 'decider' ? 'high' : 'medium', role, contactId: c.id,
        message: days === null ? `${label} ${c.name} 从未接触` : `${label} ${c.name} ${days} 天未接触`,
      });
    }
  }
  for (const dept of s.keyDepartments[f.customerType] ?? []) {
    const inDept = active.filter((c) => (c.department ?? '').includes(dept));
    const reached = inDept.some((c) => c.touchDays > 0);
    if (!reached) {
      const name = inDept[0]?.department ?? dept;
      gaps.push({
        code: 'DEPARTMENT_UNCOVERED', severity: 'medium', department: name,
        message: inDept.length ? `${name} 近${s.windowDays}天没有人对接` : `没有覆盖${name.endsWith('科') || name.endsWith('部') ? name : `${name}部门`}`,
      });
    }
  }
  for (const c of active.filter((x) => x.buyingRole === 'decider' && x.attitude === 'oppose')) {
    gaps.push({ code: 'DECIDER_OPPOSES', severity: 'high', contactId: c.id, role: 'decider', message: `决策者 ${c.name} 态度反对` });
  }
  if (f.customerType !== 'store' && active.length > 0 && !active.some((c) => c.isCoach)) {
    gaps.push({ code: 'NO_COACH', severity: 'low', message: `${CUSTOMER_TYPE_LABELS[f.customerType]}客户还没有内线（教练）` });
  }
  return gaps;
}
