/**
 * Changing a setting: every write is checked in this order and either saves
 * one new version whole or nothing — scope allowed for the setting (422),
 * permission (403, permissions.ts), expected version (409 with the current
 * one), value (400 with the path of each problem). Then the version is
 * appended with its diff, written through to the table the product reads
 * (`apply`), logged as a 'config.updated' event, and the people it affects
 * are told (notices.ts) — all in the caller's transaction.
 *
 *   await updateSetting(tx, actor, 'followup.standard',
 *     { scope: { departmentId: 4, customerType: 'store' }, expectedVersion: 0, value: {...}, comment: '门店需两张陈列照' }, deps);
 *   await restoreSetting(tx, actor, 'followup.standard', { scope, version: 1, expectedVersion: 3 }, deps);
 */
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { recordEvent } from '../resources/events.js';
import type { Issue, PreviewResult, SettingDefinition } from './define.js';
import { describeDiff, diffValues, sameValue } from './diff.js';
import { withOptionLabels } from './option-labels.js';
import { sendChangeNotices } from './notices.js';
import { assertMayEditSetting } from './permissions.js';
import { readSettingWithSource } from './read.js';
import type { PreviewSettingInput, RestoreSettingInput, SettingDetail, UpdateSettingInput } from './schemas.js';
import { resolveScope, type NamedScope } from './scope.js';
import { formOf, isClearable, loadVersionOrThrow, locateSetting, settingDetail, type Located } from './service.js';
import { appendVersion, latestOf, lockScope } from './store.js';

export interface WriteDeps {
  now: Date;
  /** Base of the link in change notices. */
  publicUrl: string;
}

/** A value as the setting's schema and checks accept it, or 400 naming every problem under `body.value`. */
async function validValue(db: Db, l: Located, named: NamedScope, value: unknown, now: Date): Promise<unknown> {
  const parsed = l.def.schema.safeParse(value);
  const issues: Issue[] = parsed.success
    ? await l.def.check?.(db, parsed.data, { item: l.item, scope: named.scope, now }) ?? []
    : parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  if (issues.length > 0) {
    throw new AppError('VALIDATION_FAILED', issues.map((i) => ({ path: ['body', 'value', i.path].filter(Boolean).join('.'), message: i.message })));
  }
  return (parsed as { data: unknown }).data;
}

/** The value this scope would have without a value of its own (a parent scope's, or the default). */
async function inheritedValue(db: Db, l: Located, named: NamedScope): Promise<unknown> {
  const where = { item: l.item, departmentPath: named.departmentPath, customerType: named.scope.customerType, exclude: named.scope };
  if (!isClearable(l, named.scope)) return undefined;
  return (await readSettingWithSource(db, l.def, where)).value;
}

interface Change {
  value: unknown;
  expectedVersion: number;
  comment?: string;
  restoredFrom?: number;
}

async function writeVersion(db: Db, actor: Actor, l: Located, named: NamedScope, c: Change, deps: WriteDeps): Promise<SettingDetail> {
  const { def, item } = l;
  const { scope } = named;
  await assertMayEditSetting(db, actor, def, scope, named.name, named.departmentPath);
  await lockScope(db, def.key, item, scope);
  const own = await latestOf(db, def.key, item, scope);
  const current = own?.version ?? 0;
  if (c.expectedVersion !== current) {
    const label = `「${l.itemLabel ?? def.label}」（${named.name}）`;
    throw new AppError('SETTING_VERSION_CONFLICT', {
      currentVersion: current, updatedBy: own?.createdBy?.name ?? null, updatedAt: own?.createdAt.toISOString() ?? null,
    }, own
      ? `${label}已被${own.createdBy?.name ?? '他人'}改到第 ${current} 版（你编辑的是第 ${c.expectedVersion} 版），请查看最新内容后再保存`
      : `${label}还没有保存过任何版本（你编辑的是第 ${c.expectedVersion} 版），请刷新后再保存`);
  }
  const clearing = c.value === null;
  if (clearing && !isClearable(l, scope)) {
    throw new AppError('SETTING_SCOPE_INVALID', { id: l.id }, `「${l.itemLabel ?? def.label}」（${named.name}）没有可沿用的上级设置，不能清除`);
  }
  const value = clearing ? null : await validValue(db, l, named, c.value, deps.now);
  const ownBefore = own?.value ?? null;
  if (sameValue(value, ownBefore) && own) return settingDetail(db, actor, l, named);
  if (clearing && !own) return settingDetail(db, actor, l, named);

  const inherited = await inheritedValue(db, l, named);
  const before = ownBefore ?? inherited;
  const after = value ?? inherited;
  const diff = diffValues(before, after);
  const version = current + 1;
  const comment = c.comment ?? (c.restoredFrom ? `恢复到第 ${c.restoredFrom} 版` : null);
  const versionId = await appendVersion(db, {
    key: def.key, item, scope, version, value, diff, comment, restoredFrom: c.restoredFrom ?? null, createdBy: actor.id, createdAt: deps.now,
  });
  await def.apply?.(db, after, { item, scope, now: deps.now, actorId: actor.id });
  await recordEvent(db, {
    actorId: actor.id, entityType: 'setting', entityId: versionId, type: 'config.updated', at: deps.now,
    data: { key: def.key, item, scope, version, created: l.isNew, cleared: clearing, restoredFrom: c.restoredFrom ?? null },
  });
  const lines = describeDiff(await withOptionLabels(db, formOf(def)), diff);
  const title = l.itemLabel ? `${def.label}：${l.itemLabel}` : def.label;
  const notified = await sendChangeNotices(db, {
    def, id: l.id, title, scope: named, version, lines, actor, comment, at: deps.now, publicUrl: deps.publicUrl,
  });
  const located = l.isNew ? await locateSetting(db, l.id) : l;
  return { ...await settingDetail(db, actor, located, named), notified };
}

export async function updateSetting(db: Db, actor: Actor, id: string, input: UpdateSettingInput, deps: WriteDeps): Promise<SettingDetail> {
  const l = await locateSetting(db, id, true);
  const named = await resolveScope(db, l.def, input.scope);
  return writeVersion(db, actor, l, named, { value: input.value, expectedVersion: input.expectedVersion, comment: input.comment }, deps);
}

/** A new version with an earlier version's value (a cleared version restores to cleared). */
export async function restoreSetting(db: Db, actor: Actor, id: string, input: RestoreSettingInput, deps: WriteDeps): Promise<SettingDetail> {
  const l = await locateSetting(db, id);
  const named = await resolveScope(db, l.def, input.scope);
  const old = await loadVersionOrThrow(db, l, named.scope, input.version);
  return writeVersion(db, actor, l, named, {
    value: old.value, expectedVersion: input.expectedVersion, comment: input.comment, restoredFrom: input.version,
  }, deps);
}

/** What saving `value` at `scope` would change, computed and discarded; needs the right to make the change. */
export async function previewSetting(db: Db, actor: Actor, id: string, input: PreviewSettingInput, now: Date): Promise<PreviewResult & { available: boolean }> {
  const l = await locateSetting(db, id, true);
  const named = await resolveScope(db, l.def, input.scope);
  await assertMayEditSetting(db, actor, l.def, named.scope, named.name, named.departmentPath);
  const value = input.value === null ? null : await validValue(db, l, named, input.value, now);
  if (!l.def.preview) return { available: false, summary: '此设置没有预览：保存后立即生效，不影响已有记录。', lines: [] };
  const inherited = l.isNew ? undefined : await inheritedValue(db, l, named);
  const current = l.isNew ? undefined : (await readSettingWithSource(db, l.def, {
    item: l.item, departmentPath: named.departmentPath, customerType: named.scope.customerType,
  })).value;
  const preview = (l.def as SettingDefinition).preview!;
  return { available: true, ...await preview(db, { item: l.item, scope: named.scope, now, before: current, after: value ?? inherited }) };
}
