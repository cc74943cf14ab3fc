/**
 * What a setting declares about itself. Every number, list or rule the product
 * enforces is one `defineSetting(...)` in a file named `*.setting.ts` anywhere
 * under core/ (the registry finds it; see core/settings/README.md):
 *
 *   export const silenceDays = defineSetting({
 *     key: 'alerts.silence', topic: 'alerts', label: '客户沉默预警', help: '…',
 *     schema: z.strictObject({ days: z.number().int().min(1).max(90).meta({ title: '天数', unit: '天' }) }),
 *     default: { days: 7 },
 *     // scopes and editors omitted: one organisation-wide value that admins edit
 *   });
 *   const { days } = await readSetting(db, silenceDays);
 */
import type { z } from 'zod';
import type { Role } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import type { CustomerType } from '../flow/types.js';

/** The areas of the settings screen, in the order it lists them. */
export const SETTING_TOPICS = {
  flow: '销售流程与事项',
  followup: '跟进标准',
  dispatch: '派发',
  alerts: '预警',
  profile: '客户档案',
  retail: '零售门店',
  dashboards: '看板',
  calendar: '工作日历',
  keywords: '关键词库',
  notifications: '推送',
  security: '安全与公平使用',
  system: '权限',
} as const;
export type SettingTopic = keyof typeof SETTING_TOPICS;

/**
 * Where a value applies: the organisation (departmentId null) or one
 * department's subtree, optionally for one customer type only.
 */
export interface SettingScope {
  departmentId: number | null;
  customerType: CustomerType | null;
}
export const ORGANISATION: SettingScope = { departmentId: null, customerType: null };

export interface ScopeSpec {
  /** A department may override the organisation's value for its subtree. */
  department: boolean;
  /** 'required': every value is for one customer type; 'optional': a type may override the all-types value. */
  customerType: 'none' | 'optional' | 'required';
}

/** Who may edit by default at each level; the 'settings.permissions' setting starts from these. */
export interface Editors {
  organisation: Role[];
  /** Any department's override. */
  anyDepartment?: Role[];
  /** Overrides for the editor's own department subtree. */
  ownDepartment?: Role[];
}

export interface Issue { path: string; message: string }

export interface SettingContext {
  /** The item's code for settings kept per code ('' otherwise). */
  item: string;
  scope: SettingScope;
  now: Date;
}

/** What a change would do, in Chinese, computed before saving (nothing is written). */
export interface PreviewResult {
  /** One line: '上月 132 条跟进中，3 条将由有效变为无效，0 条由无效变为有效'. */
  summary: string;
  /** The affected things, one line each (at most a screenful). */
  lines: string[];
}

/** The code of a new item of a per-code setting: lower-case letters, digits, underscores, a letter first. */
export const ITEM_CODE = /^[a-z][a-z0-9_]{0,49}$/;
export const itemCodeHint = (example: string) => `编码只能包含小写字母、数字和下划线，以字母开头，如 ${example}`;

/** Settings kept per code (keyword libraries, action types …): each code is its own setting with its own versions. */
export interface ItemSpec {
  /** What one item is called: '关键词库'. */
  noun: string;
  /** The items that exist, with their names. */
  list(db: Db): Promise<Array<{ code: string; label: string }>>;
  /** New codes may be created by those who may edit at organisation level. */
  create?: { pattern: RegExp; hint: string };
}

export interface SettingDefinition<T = any> {
  readonly kind: 'setting';
  /** Stable id: 'followup.standard'. Never renamed once shipped (versions are stored under it). */
  key: string;
  topic: SettingTopic;
  label: string;
  help: string;
  /** Validates every write; `.meta({ title, description, unit, labels })` on fields drives the generated form. */
  schema: z.ZodType<T>;
  /** The value when no scope sets one; undefined when the item has none (it must be created). */
  defaultValue(ctx: { item: string; customerType: CustomerType | null }): T | undefined;
  scopes: ScopeSpec;
  editors: Editors;
  items?: ItemSpec;
  /** Checks the schema cannot make (references to other data, cross-field rules); paths are relative to the value. */
  check?(db: Db, value: T, ctx: SettingContext): Promise<Issue[]>;
  /**
   * Writes the new value through to the table the product reads, in the same
   * transaction, for settings whose readers are hot paths or keep their own
   * rows (action definitions' versions are referenced by actions).
   */
  apply?(db: Db, value: T, ctx: SettingContext & { actorId: number }): Promise<void>;
  /** What saving `after` instead of `before` would change; read-only. */
  preview?(db: Db, change: SettingContext & { before: T; after: T }): Promise<PreviewResult>;
  /** Roles told of a change by WeCom message, within the scope's department subtree. */
  notify?: { roles: Role[] };
  /** A custom H5 editor's name, where a generated form does not serve. */
  editor?: 'pipeline' | 'action-definition' | 'holidays' | 'process-template';
}

/** Most settings: one value for the whole organisation, whatever the customer type … */
const ORGANISATION_ONLY: ScopeSpec = { department: false, customerType: 'none' };
/** … that admins edit. */
const ADMINS_EDIT: Editors = { organisation: ['admin'] };

type Declared<S extends z.ZodType> = Omit<SettingDefinition<z.output<S>>, 'kind' | 'schema' | 'defaultValue' | 'scopes' | 'editors'> & {
  schema: S;
  /** A value, or a function of the item and customer type. */
  default: z.output<S> | ((ctx: { item: string; customerType: CustomerType | null }) => z.output<S> | undefined);
  /** Omitted: ORGANISATION_ONLY. */
  scopes?: ScopeSpec;
  /** Omitted: ADMINS_EDIT. */
  editors?: Editors;
};

export function defineSetting<S extends z.ZodType>(d: Declared<S>): SettingDefinition<z.output<S>> {
  const { default: dflt, scopes = ORGANISATION_ONLY, editors = ADMINS_EDIT, ...rest } = d;
  const defaultValue = typeof dflt === 'function'
    ? dflt as (ctx: { item: string; customerType: CustomerType | null }) => z.output<S> | undefined
    : () => structuredClone(dflt);
  return { kind: 'setting', ...rest, scopes, editors, schema: rest.schema as z.ZodType<z.output<S>>, defaultValue };
}

export function isSettingDefinition(v: unknown): v is SettingDefinition {
  return !!v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'setting' && typeof (v as { key?: unknown }).key === 'string';
}
