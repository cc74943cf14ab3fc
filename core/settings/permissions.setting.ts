/**
 * Who may edit which setting at which level, as a setting of its own
 * (versioned like any other). A setting the rules do not mention keeps the
 * editors its definition declares, so a setting registered later is never
 * left with no editor. Checked in one place: core/settings/permissions.ts.
 */
import { z } from 'zod';
import { ROLE_LABELS, ROLES, RoleSchema } from '../auth/actor.js';
import { defineSetting, type Issue, type SettingDefinition } from './define.js';
import { loadedDefinitions } from './registry.js';

const Roles = (title: string) => z.array(RoleSchema).max(ROLES.length)
  .transform((r) => [...new Set(r)]).meta({ title, labels: ROLE_LABELS });

export const PermissionRuleSchema = z.strictObject({
  setting: z.string().min(1).meta({ title: '设置项', optionsFrom: 'settings' }),
  organisation: Roles('可修改全公司的设置'),
  anyDepartment: Roles('可修改任一部门的设置').default([]),
  ownDepartment: Roles('可修改本部门及下级部门的设置').default([]),
}).meta({ title: '授权' });
export type PermissionRule = z.output<typeof PermissionRuleSchema>;

export const SettingPermissionsSchema = z.strictObject({
  rules: z.array(PermissionRuleSchema).max(500).meta({ title: '各设置项的修改权限' }),
});
export type SettingPermissions = z.output<typeof SettingPermissionsSchema>;

export const PERMISSIONS_KEY = 'settings.permissions';

/** The rules the definitions declare: the permission setting's default. */
export function declaredRules(defs: readonly SettingDefinition[]): PermissionRule[] {
  return defs.map((d) => ({
    setting: d.key, organisation: [...d.editors.organisation],
    anyDepartment: [...(d.editors.anyDepartment ?? [])], ownDepartment: [...(d.editors.ownDepartment ?? [])],
  }));
}

function permissionIssues(value: SettingPermissions): Issue[] {
  const defs = new Map(loadedDefinitions().map((d) => [d.key, d]));
  const issues: Issue[] = [];
  const seen = new Set<string>();
  value.rules.forEach((r, i) => {
    const def = defs.get(r.setting);
    if (!def) issues.push({ path: `rules.${i}.setting`, message: `设置项「${r.setting}」不存在` });
    else if (seen.has(r.setting)) issues.push({ path: `rules.${i}.setting`, message: `「${def.label}」重复出现` });
    else if (!def.scopes.department && (r.anyDepartment.length > 0 || r.ownDepartment.length > 0)) {
      issues.push({ path: `rules.${i}.ownDepartment`, message: `「${def.label}」只能全公司统一设置，不能按部门授权` });
    }
    seen.add(r.setting);
  });
  const own = value.rules.find((r) => r.setting === PERMISSIONS_KEY);
  if (own && !own.organisation.includes('admin')) {
    issues.push({ path: `rules.${value.rules.indexOf(own)}.organisation`, message: '管理员必须保留修改权限设置的权限，否则将无人能再修改' });
  }
  return issues;
}

export const settingPermissions = defineSetting({
  key: PERMISSIONS_KEY,
  topic: 'system',
  label: '设置修改权限',
  help: '决定哪些角色可以修改哪些设置：全公司的设置、任一部门的设置，或本部门及下级部门的设置。未列出的设置项按其默认权限。其他角色只能查看。',
  schema: SettingPermissionsSchema,
  default: () => ({ rules: declaredRules(loadedDefinitions()) }),
  check: async (_db, value) => permissionIssues(value),
});
