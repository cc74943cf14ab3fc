/**
 * Reading settings as the settings screens see them: the list by topic, one
 * setting at one scope (its value in force, where that comes from, whether the
 * caller may edit it there, its form), and its versions. Writes are in write.ts.
 *
 *   await listSettings(db, actor);
 *   await getSetting(db, actor, 'followup.standard', { departmentId: 4, customerType: 'store' });
 *   await listSettingVersions(db, actor, 'followup.standard', { customerType: 'store' });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { CUSTOMER_TYPE_LABELS } from '../flow/types.js';
import { SETTING_TOPICS, type SettingDefinition, type SettingScope } from './define.js';
import { describeDiff, type FieldSchema } from './diff.js';
import { withOptionLabels } from './option-labels.js';
import { editorsOf, mayEditSetting, settingEditRights, type EditCheck } from './permissions.js';
import { settingPermissions } from './permissions.setting.js';
import { readSetting, readSettingWithSource } from './read.js';
import { settingsRegistry } from './registry.js';
import type { SettingDetail, SettingSummary } from './schemas.js';
import { resolveScope, type NamedScope, type ScopeInput } from './scope.js';
import { latestOf, latestOfAll, latestPerScope, versionOf, versionsOf, type VersionRow } from './store.js';

export interface Located {
  def: SettingDefinition;
  item: string;
  itemLabel: string | null;
  /** The id as the API addresses it. */
  id: string;
  /** A per-code setting's code that does not exist yet (only a write may create it). */
  isNew: boolean;
}

export const settingIdOf = (key: string, item: string) => (item ? `${key}:${item}` : key);

/** The setting an id names; 404 for an unknown key or item (unless `creating` and the code may be created). */
export async function locateSetting(db: Db, id: string, creating = false): Promise<Located> {
  const [key, item = ''] = id.split(':');
  const def = (await settingsRegistry()).byKey.get(key);
  if (!def || (!def.items && item) || (def.items && !item)) {
    throw new AppError('SETTING_NOT_FOUND', { id }, `设置项「${id}」不存在`);
  }
  if (!def.items) return { def, item, itemLabel: null, id, isNew: false };
  const known = (await def.items.list(db)).find((i) => i.code === item);
  if (known) return { def, item, itemLabel: known.label, id, isNew: false };
  if (creating && def.items.create?.pattern.test(item)) return { def, item, itemLabel: null, id, isNew: true };
  throw new AppError('SETTING_NOT_FOUND', { id }, `${def.items.noun}「${item}」不存在`);
}

const forms = new Map<string, FieldSchema>();

/** The setting's schema as JSON Schema (Chinese titles, units, ranges from `.meta`), which the H5 form renders. */
export function formOf(def: SettingDefinition): FieldSchema {
  let form = forms.get(def.key);
  if (!form) {
    form = z.toJSONSchema(def.schema, { io: 'input', unrepresentable: 'any' }) as FieldSchema;
    forms.set(def.key, form);
  }
  return form;
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

function summaryBase(def: SettingDefinition, l: Pick<Located, 'id' | 'item' | 'itemLabel'>, canEdit: SettingSummary['canEdit']) {
  return {
    id: l.id, key: def.key, item: l.item, topic: def.topic, topicLabel: SETTING_TOPICS[def.topic], label: def.label,
    itemLabel: l.itemLabel, help: def.help, scopes: def.scopes, editor: def.editor ?? null, hasPreview: !!def.preview, canEdit,
  };
}

function departmentRights(actor: Actor, def: SettingDefinition, editors: ReturnType<typeof editorsOf>): SettingSummary['canEdit']['departments'] {
  if (!def.scopes.department) return 'none';
  if (editors.anyDepartment?.includes(actor.role)) return 'any';
  return editors.ownDepartment?.includes(actor.role) && actor.departmentPath ? 'own' : 'none';
}

export async function listSettings(db: Db, actor: Actor) {
  assertCan(actor, 'config', 'read');
  const registry = await settingsRegistry();
  const permissions = await readSetting(db, settingPermissions);
  const latest = await latestOfAll(db);
  const items: SettingSummary[] = [];
  const collections = [];
  for (const def of registry.all) {
    const editors = editorsOf(def, permissions);
    const canEdit = { organisation: editors.organisation.includes(actor.role), departments: departmentRights(actor, def, editors) };
    const codes = def.items ? await def.items.list(db) : [{ code: '', label: '' }];
    for (const { code, label } of codes) {
      const rows = latest.filter((r) => r.key === def.key && r.item === code);
      const org = rows.find((r) => r.scope.departmentId === null && r.scope.customerType === null);
      const newest = rows.reduce<typeof rows[number] | null>((a, r) => (!a || r.createdAt > a.createdAt ? r : a), null);
      items.push({
        ...summaryBase(def, { id: settingIdOf(def.key, code), item: code, itemLabel: def.items ? label : null }, canEdit),
        version: org?.version ?? 0, updatedAt: iso(newest?.createdAt), updatedBy: newest?.createdBy ?? null,
        overrides: rows.filter((r) => r.scope.departmentId !== null && r.hasValue).length,
      });
    }
    if (def.items?.create) {
      collections.push({
        key: def.key, label: def.label, noun: def.items.noun, hint: def.items.create.hint, pattern: def.items.create.pattern.source, canCreate: canEdit.organisation,
      });
    }
  }
  return { items, collections, topics: Object.entries(SETTING_TOPICS).map(([topic, label]) => ({ topic, label })) };
}

/** Names of stored scopes: departments by id, with the customer type. */
async function scopeNamer(db: Db, scopes: SettingScope[]): Promise<(s: SettingScope) => string> {
  const ids = [...new Set(scopes.map((s) => s.departmentId).filter((x): x is number => x !== null))];
  const { rows } = ids.length ? await db.query('SELECT id, name FROM departments WHERE id = ANY($1)', [ids]) : { rows: [] };
  const names = new Map(rows.map((r: any) => [Number(r.id), r.name as string]));
  return (s) => `${s.departmentId === null ? '全公司' : `${names.get(s.departmentId) ?? '已停用部门'}及下级部门`}`
    + `${s.customerType ? ` · ${CUSTOMER_TYPE_LABELS[s.customerType]}` : ''}`;
}

async function editableDepartments(db: Db, l: Located, scope: SettingScope, may: EditCheck) {
  if (!l.def.scopes.department) return [];
  const { rows } = await db.query('SELECT id, name, path FROM departments WHERE active ORDER BY path');
  return rows.map((r) => ({ id: Number(r.id), name: r.name as string, path: r.path as string }))
    .filter((d) => may(l.def, { departmentId: d.id, customerType: scope.customerType }, d.path));
}

/** May the scope's own value be cleared: something must apply instead (a parent scope or a default). */
export function isClearable(l: Located, scope: SettingScope): boolean {
  if (scope.departmentId !== null) return true;
  if (scope.customerType !== null && l.def.scopes.customerType === 'optional') return true;
  return !l.isNew && l.def.defaultValue({ item: l.item, customerType: scope.customerType }) !== undefined;
}

export async function settingDetail(db: Db, actor: Actor, l: Located, named: NamedScope, at?: Date): Promise<SettingDetail> {
  const { scope } = named;
  const permissions = await readSetting(db, settingPermissions);
  const may: EditCheck = (def, s, path) => mayEditSetting(actor, def, s, path, permissions);
  const editors = editorsOf(l.def, permissions);
  // one after another: in a write, db is the request's transaction (one connection)
  const read = l.isNew ? { value: null, from: null }
    : await readSettingWithSource(db, l.def, { item: l.item, departmentPath: named.departmentPath, customerType: scope.customerType, at });
  const own = await latestOf(db, l.def.key, l.item, scope);
  const stored = await latestPerScope(db, l.def.key, l.item, { departmentIds: 'all', customerType: 'all' });
  const overrides = stored.filter((r) => r.value !== null);
  const nameOf = await scopeNamer(db, [...overrides.map((r) => r.scope), ...(read.from ? [read.from.scope] : [])]);
  const kind = !read.from ? 'default' : read.from.scope.departmentId === scope.departmentId && read.from.scope.customerType === scope.customerType ? 'own' : 'inherited';
  const editable = may(l.def, scope, named.departmentPath);
  return {
    ...summaryBase(l.def, l, { organisation: editors.organisation.includes(actor.role), departments: departmentRights(actor, l.def, editors) }),
    scope: { ...scope, name: named.name },
    value: read.value,
    source: { kind, scopeName: read.from ? nameOf(read.from.scope) : '默认值', version: read.from?.version ?? 0 },
    own: {
      version: own?.version ?? 0, hasValue: !!own && own.value !== null, updatedAt: iso(own?.createdAt),
      updatedBy: own?.createdBy ?? null, comment: own?.comment ?? null,
    },
    editable,
    clearable: editable && !!own && own.value !== null && isClearable(l, scope),
    form: formOf(l.def) as Record<string, unknown>,
    overrides: overrides.map((r) => ({ scope: { ...r.scope, name: nameOf(r.scope) }, version: r.version, updatedAt: r.createdAt.toISOString() })),
    editableDepartments: await editableDepartments(db, l, scope, may),
    isNew: l.isNew,
  };
}

export async function getSetting(db: Db, actor: Actor, id: string, q: ScopeInput & { at?: string; create?: '1' }): Promise<SettingDetail> {
  assertCan(actor, 'config', 'read');
  const l = await locateSetting(db, id, q.create === '1');
  return settingDetail(db, actor, l, await resolveScope(db, l.def, q), q.at ? new Date(q.at) : undefined);
}

function versionView(form: FieldSchema, v: VersionRow) {
  const changes = describeDiff(form, v.diff);
  return {
    version: v.version, changes: v.value === null ? ['清除本级设置，改为沿用上级设置', ...changes] : changes,
    comment: v.comment, restoredFrom: v.restoredFrom, cleared: v.value === null,
    createdAt: v.createdAt.toISOString(), createdBy: v.createdBy,
  };
}

export async function listSettingVersions(db: Db, actor: Actor, id: string, q: ScopeInput) {
  assertCan(actor, 'config', 'read');
  const l = await locateSetting(db, id);
  const named = await resolveScope(db, l.def, q);
  const may = await settingEditRights(db, actor);
  const rows = await versionsOf(db, l.def.key, l.item, named.scope);
  const form = await withOptionLabels(db, formOf(l.def));
  return {
    scope: { ...named.scope, name: named.name }, label: l.itemLabel ?? l.def.label,
    editable: may(l.def, named.scope, named.departmentPath), items: rows.map((v) => versionView(form, v)),
  };
}

export async function loadVersionOrThrow(db: Db, l: Located, scope: SettingScope, version: number): Promise<VersionRow> {
  const v = await versionOf(db, l.def.key, l.item, scope, version);
  if (!v) throw new AppError('SETTING_VERSION_NOT_FOUND', { id: l.id, version }, `「${l.itemLabel ?? l.def.label}」在该范围没有第 ${version} 版`);
  return v;
}

export async function getSettingVersion(db: Db, actor: Actor, id: string, version: number, q: ScopeInput) {
  assertCan(actor, 'config', 'read');
  const l = await locateSetting(db, id);
  const named = await resolveScope(db, l.def, q);
  const v = await loadVersionOrThrow(db, l, named.scope, version);
  return { ...versionView(await withOptionLabels(db, formOf(l.def)), v), value: v.value, form: formOf(l.def) as Record<string, unknown> };
}
