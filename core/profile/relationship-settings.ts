/**
 * The numbers the relationship graph and its coverage findings enforce: how
 * far back 对接频次 counts, after how many days without contact a key role is
 * a gap, and which departments a customer type's buying centre should reach.
 */
import { z } from 'zod';
import { BUYING_ROLES } from '../flow/buying-centre.js';
import { CUSTOMER_TYPES, type CustomerType } from '../flow/types.js';

export const RelationshipSettingsSchema = z.strictObject({
  /** 对接频次 counts the days with contact in this many days before today. */
  windowDays: z.number().int().min(7).max(365),
  /** A key role not contacted for this many days is a coverage gap (决策者 30 天未接触). */
  silentDays: z.number().int().min(1).max(365),
  /** The roles whose silence is a gap. */
  keyRoles: z.array(z.enum(BUYING_ROLES)).min(1),
  /** Departments each customer type's buying centre should reach (没有覆盖信息科). */
  keyDepartments: z.record(z.enum(CUSTOMER_TYPES), z.array(z.string().trim().min(1).max(50)).max(20)),
});
export type RelationshipSettings = z.infer<typeof RelationshipSettingsSchema>;

export const DEFAULT_RELATIONSHIP_SETTINGS: RelationshipSettings = {
  windowDays: 90,
  silentDays: 30,
  keyRoles: ['decider', 'buyer'],
  keyDepartments: {
    // hospitals buy through the using department, 设备科/采购中心 and — for anything with data — 信息科
    hospital: ['设备科', '采购', '信息科'],
    ka: ['采购', '运营', '财务'],
    dealer: ['采购', '财务'],
    store: [],
  } satisfies Record<CustomerType, string[]>,
};
