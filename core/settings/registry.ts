/**
 * The registry: every `defineSetting` exported by a `*.setting.ts` file under
 * core/. Registering a setting is writing that one file; nothing else lists it.
 * Loaded once per process and checked as it loads: a duplicate key, a bad key
 * or a default its own schema refuses stops start-up with the file named.
 *
 *   const registry = await settingsRegistry();
 *   const def = registry.byKey.get('followup.standard');
 */
// setting files import schemas that carry OpenAPI metadata and Chinese messages:
// whoever loads the registry (a test, a CLI) gets the same zod set-up as the app
import '../zod-locale.js';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CUSTOMER_TYPES } from '../flow/types.js';
import { isSettingDefinition, SETTING_TOPICS, type SettingDefinition } from './define.js';

export interface SettingsRegistry {
  /** In screen order: by topic, then as the files declare them. */
  all: readonly SettingDefinition[];
  byKey: ReadonlyMap<string, SettingDefinition>;
  /** Where each key was declared, relative to core/ (for error messages and the enumeration test). */
  fileOf: ReadonlyMap<string, string>;
}

const CORE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SETTING_KEY = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** Every `*.setting.ts` under core/, relative to it, sorted. */
export function settingFiles(dir = CORE_DIR): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.setting\.(ts|js)$/.test(f) && !f.includes('node_modules'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

let loading: Promise<SettingsRegistry> | null = null;
let loaded: readonly SettingDefinition[] | null = null;

/**
 * The definitions once the registry has loaded, for defaults that depend on
 * the other settings (the permission setting's). Throws before that.
 */
export function loadedDefinitions(): readonly SettingDefinition[] {
  if (!loaded) throw new Error('设置注册表尚未加载：先调用 settingsRegistry()');
  return loaded;
}

export function settingsRegistry(): Promise<SettingsRegistry> {
  loading ??= loadRegistry().catch((err) => { loading = null; throw err; });
  return loading;
}

/**
 * Loads a setting file the way this module itself was loaded. The test runner
 * loads core/ as CommonJS (tsx compiles it); importing there would make a
 * second copy of each setting file and of everything it imports (AppError
 * would no longer be the AppError the error handler knows).
 */
async function loadModule(file: string): Promise<Record<string, unknown>> {
  if (typeof require === 'function') return require(file) as Record<string, unknown>;
  return await import(pathToFileURL(file).href) as Record<string, unknown>;
}

async function loadRegistry(): Promise<SettingsRegistry> {
  const byKey = new Map<string, SettingDefinition>();
  const fileOf = new Map<string, string>();
  for (const file of settingFiles()) {
    const mod = await loadModule(path.join(CORE_DIR, file));
    for (const def of Object.values(mod).filter(isSettingDefinition)) {
      if (fileOf.has(def.key)) throw new Error(`设置「${def.key}」在 core/${file} 与 core/${fileOf.get(def.key)} 重复定义`);
      byKey.set(def.key, def);
      fileOf.set(def.key, file);
    }
  }
  const topics = Object.keys(SETTING_TOPICS);
  const all = [...byKey.values()].sort((a, b) => topics.indexOf(a.topic) - topics.indexOf(b.topic));
  loaded = all;
  for (const def of all) assertWellFormed(def, fileOf.get(def.key)!);
  return { all, byKey, fileOf };
}

function assertWellFormed(def: SettingDefinition, file: string): void {
  const where = `设置「${def.key}」（core/${file}）`;
  if (!SETTING_KEY.test(def.key)) throw new Error(`${where}的键应为小写点分形式，如 followup.standard`);
  if (!(def.topic in SETTING_TOPICS)) throw new Error(`${where}的主题「${def.topic}」不存在`);
  if (!def.label || !def.help) throw new Error(`${where}缺少中文名称或说明`);
  if (def.scopes.customerType !== 'none' && def.items) throw new Error(`${where}：按编码分项的设置不能再按客户类型区分`);
  if (def.apply && def.scopes.department) throw new Error(`${where}：写入业务表（apply）的设置只能全公司统一设置`);
  if (def.items) return; // item defaults are checked per item when read
  const types = def.scopes.customerType === 'required' ? CUSTOMER_TYPES : [null];
  for (const customerType of types) {
    const value = def.defaultValue({ item: '', customerType });
    const parsed = def.schema.safeParse(value);
    if (!parsed.success) {
      throw new Error(`${where}的默认值${customerType ? `（${customerType}）` : ''}不符合其定义：${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('；')}`);
    }
  }
}
