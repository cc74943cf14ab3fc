/**
 * The one place a settings write is allowed or refused (403). The rules are
 * the 'settings.permissions' setting (permissions.setting.ts); a level is
 * the organisation, any department, or the editor's own department subtree.
 * Everyone signed in may read every setting.
 *
 *   const may = await settingEditRights(db, actor);
 *   may(def, { departmentId: 4, customerType: 'store' }, '/1/2/4/'); // true for 华东区's manager
 */
import type { Actor } from '../auth/actor.js';
import { isPathInSubtree } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { Editors, SettingDefinition, SettingScope } from './define.js';
import { settingPermissions, type SettingPermissions } from './permissions.setting.js';
import { readSetting } from './read.js';

export type EditCheck = (def: SettingDefinition, scope: SettingScope, departmentPath: string | null) => boolean;

export function editorsOf(def: SettingDefinition, permissions: SettingPermissions): Editors {
  return permissions.rules.find((r) => r.setting === def.key) ?? def.editors;
}

/** Pure: may `actor` write `def` at `scope` (whose department has `departmentPath`)? */
export function mayEditSetting(
  actor: Pick<Actor, 'role' | 'departmentPath'>, def: SettingDefinition, scope: SettingScope,
  departmentPath: string | null, permissions: SettingPermissions,
): boolean {
  const editors = editorsOf(def, permissions);
  if (scope.departmentId === null) return editors.organisation.includes(actor.role);
  if (!def.scopes.department) return false;
  if (editors.anyDepartment?.includes(actor.role)) return true;
  return !!editors.ownDepartment?.includes(actor.role) && isPathInSubtree(departmentPath, actor.departmentPath);
}

/** The actor's rights under the permissions in force, for checking many settings at once (lists, screens). */
export async function settingEditRights(db: Db, actor: Actor): Promise<EditCheck> {
  const permissions = await readSetting(db, settingPermissions);
  return (def, scope, path) => mayEditSetting(actor, def, scope, path, permissions);
}

/** Throws 403 naming the setting and the scope when the actor may not write it there. */
export async function assertMayEditSetting(
  db: Db, actor: Actor, def: SettingDefinition, scope: SettingScope, scopeName: string, departmentPath: string | null,
): Promise<void> {
  const may = await settingEditRights(db, actor);
  if (may(def, scope, departmentPath)) return;
  throw new AppError('FORBIDDEN', { setting: def.key, scope }, `你没有权限修改「${def.label}」（${scopeName}）`);
}
