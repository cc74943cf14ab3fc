/**
 * The customer profile's numbers as settings (core/settings): how 对接频次 is
 * measured and when a key role's silence is a coverage gap, which departments
 * a customer type's buying centre should reach, and how many days ahead a
 * licence's expiry is announced.
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { BUYING_ROLE_LABELS, BUYING_ROLES } from '../flow/buying-centre.js';
import type { CustomerType } from '../flow/types.js';
import { defineSetting } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';
import { readSetting } from '../settings/read.js';
import { DEFAULT_RELATIONSHIP_SETTINGS, type RelationshipSettings } from './relationship-settings.js';

export const contactCoverage = defineSetting({
  key: 'profile.contact-coverage',
  topic: 'profile',
  label: '对接频次与覆盖缺口',
  help: '对接频次按最近多少天内的拜访、跟进和消息计算；决策者、采购者等关键角色多少天没有接触即列为商机的覆盖缺口。',
  schema: z.strictObject({
    windowDays: wholeBetween(7, 365, { title: '对接频次统计天数', unit: '天' }),
    silentDays: wholeBetween(1, 365, { title: '关键角色未接触多少天算缺口', unit: '天' }),
    keyRoles: z.array(z.enum(BUYING_ROLES)).min(1, '至少选一个关键角色')
      .meta({ title: '关键角色', labels: BUYING_ROLE_LABELS }),
  }),
  default: { windowDays: DEFAULT_RELATIONSHIP_SETTINGS.windowDays, silentDays: DEFAULT_RELATIONSHIP_SETTINGS.silentDays, keyRoles: DEFAULT_RELATIONSHIP_SETTINGS.keyRoles },
});

export const keyDepartments = defineSetting({
  key: 'profile.key-departments',
  topic: 'profile',
  label: '决策链应覆盖的部门',
  help: '按客户类型设置：决策链里应该有人对接的部门（部门名包含这些字即算，如「采购」匹配「采购中心」）；没有覆盖的部门列为商机的覆盖缺口。',
  schema: z.strictObject({
    departments: z.array(z.string().trim().min(1).max(50)).max(20, '最多20个部门').meta({ title: '部门' }),
  }),
  default: ({ customerType }) => (customerType ? { departments: [...DEFAULT_RELATIONSHIP_SETTINGS.keyDepartments[customerType]] } : undefined),
  scopes: { department: false, customerType: 'required' },
});

export const licenceExpiryDays = defineSetting({
  key: 'profile.licence-expiry',
  topic: 'profile',
  label: '证照到期提醒',
  help: '客户的营业执照、许可证在到期前多少天开始提醒负责的业务员和主管。',
  schema: z.strictObject({
    daysAhead: wholeBetween(1, 180, { title: '提前天数', unit: '天' }),
  }),
  default: { daysAhead: 30 },
});

/** The relationship numbers in force, all customer types' departments included. */
export async function relationshipSettings(db: Db): Promise<RelationshipSettings> {
  const coverage = await readSetting(db, contactCoverage);
  const types = Object.keys(DEFAULT_RELATIONSHIP_SETTINGS.keyDepartments) as CustomerType[];
  const depts = await Promise.all(types.map((t) => readSetting(db, keyDepartments, { customerType: t })));
  return { ...coverage, keyDepartments: Object.fromEntries(types.map((t, i) => [t, depts[i].departments])) as Record<CustomerType, string[]> };
}
