/**
 * The settings operations' shapes at the HTTP boundary (api/routes/settings.routes.ts).
 * A setting is addressed by its id: the key ('followup.standard'), or key:item
 * for settings kept per code ('keywords.library:pain_points').
 */
import { z } from 'zod';
import { CUSTOMER_TYPES } from '../flow/types.js';
import { Id, OperationalDateTime } from '../resources/schemas.js';

export const SettingIdParams = z.object({
  id: z.string().max(200).regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+(:[A-Za-z0-9_-]{1,60})?$/, '设置项编号格式不正确'),
});
export const SettingVersionParams = SettingIdParams.extend({
  version: z.coerce.number().int().min(1, '版本号从1开始').max(1_000_000),
});

const CustomerTypeField = z.enum(CUSTOMER_TYPES, { error: `客户类型应为 ${CUSTOMER_TYPES.join('、')} 之一` });

/** Where a value applies: omit both for the whole organisation. */
export const ScopeSchema = z.strictObject({
  departmentId: Id.nullable().optional(),
  customerType: CustomerTypeField.nullable().optional(),
});

export const ScopeQuery = z.strictObject({
  departmentId: z.coerce.number().int().positive().optional(),
  customerType: CustomerTypeField.optional(),
  /** Read the value in force at this moment instead of now (ISO 8601). */
  at: OperationalDateTime.optional(),
  /** A code of a per-code setting about to be created: answer its form (value null) instead of 404. */
  create: z.enum(['1']).optional(),
});
export const VersionsQuery = ScopeQuery.omit({ at: true, create: true });

const Comment = z.string().trim().max(200, '说明不能超过200字').optional();

export const UpdateSettingSchema = z.strictObject({
  scope: ScopeSchema.default({}),
  /** The version this edit was made from (0 when the scope had none): a newer one answers 409. */
  expectedVersion: z.number().int().min(0),
  /** The whole new value; null clears this scope's own value so the parent scope (or the default) applies. */
  value: z.unknown().refine((v) => v !== undefined, '缺少 value'),
  comment: Comment,
});
export type UpdateSettingInput = z.output<typeof UpdateSettingSchema>;

export const RestoreSettingSchema = z.strictObject({
  scope: ScopeSchema.default({}),
  version: z.number().int().min(1),
  expectedVersion: z.number().int().min(0),
  comment: Comment,
});
export type RestoreSettingInput = z.output<typeof RestoreSettingSchema>;

export const PreviewSettingSchema = z.strictObject({
  scope: ScopeSchema.default({}),
  value: z.unknown().refine((v) => v !== undefined, '缺少 value'),
});
export type PreviewSettingInput = z.output<typeof PreviewSettingSchema>;

const Who = z.object({ id: z.number(), name: z.string() }).nullable();
const ScopeView = z.object({ departmentId: z.number().nullable(), customerType: z.enum(CUSTOMER_TYPES).nullable(), name: z.string() });

export const SettingSummarySchema = z.object({
  id: z.string(),
  key: z.string(),
  item: z.string(),
  topic: z.string(),
  topicLabel: z.string(),
  label: z.string(),
  /** For settings kept per code: the code's name ('客户痛点关键词'); null otherwise. */
  itemLabel: z.string().nullable(),
  help: z.string(),
  scopes: z.object({ department: z.boolean(), customerType: z.enum(['none', 'optional', 'required']) }),
  editor: z.string().nullable(),
  hasPreview: z.boolean(),
  /** Where the caller may edit it: the organisation's value, and department overrides (any or own subtree). */
  canEdit: z.object({ organisation: z.boolean(), departments: z.enum(['any', 'own', 'none']) }),
  /** The organisation's latest version (0: still the default). */
  version: z.number(),
  updatedAt: z.string().nullable(),
  updatedBy: Who,
  /** Scopes below the organisation with a value of their own. */
  overrides: z.number(),
});
export type SettingSummary = z.infer<typeof SettingSummarySchema>;

export const SettingListSchema = z.object({
  items: z.array(SettingSummarySchema),
  /** Per-code settings new codes can be added to, and whether the caller may. */
  collections: z.array(z.object({
    key: z.string(), label: z.string(), noun: z.string(), hint: z.string(),
    /** The form a new code must have (a regular expression's source). */
    pattern: z.string(), canCreate: z.boolean(),
  })),
  topics: z.array(z.object({ topic: z.string(), label: z.string() })),
});

export const SettingDetailSchema = SettingSummarySchema.omit({ version: true, updatedAt: true, updatedBy: true, overrides: true }).extend({
  scope: ScopeView,
  /** The value in force at this scope (at `at` when asked). */
  value: z.unknown(),
  /** Where that value comes from: this scope, a parent scope, or the default. */
  source: z.object({ kind: z.enum(['own', 'inherited', 'default']), scopeName: z.string(), version: z.number() }),
  /** This scope's own latest version (0: none yet); send it back as expectedVersion. */
  own: z.object({ version: z.number(), hasValue: z.boolean(), updatedAt: z.string().nullable(), updatedBy: Who, comment: z.string().nullable() }),
  /** May the caller edit at this scope; may they clear it (fall back to the parent scope or default)? */
  editable: z.boolean(),
  clearable: z.boolean(),
  /** The schema as JSON Schema with Chinese titles, units and ranges: the H5 form is generated from it. */
  form: z.record(z.string(), z.unknown()),
  /** Scopes with their own value (for the scope picker). */
  overrides: z.array(z.object({ scope: ScopeView, version: z.number(), updatedAt: z.string() })),
  /** Departments the caller may set a value for (empty when the setting has no department scope). */
  editableDepartments: z.array(z.object({ id: z.number(), name: z.string(), path: z.string() })),
  /** Set after a write: how many people were sent a change notice. */
  notified: z.number().optional(),
  /** A code that does not exist yet (asked with create=1): value is null until it is saved. */
  isNew: z.boolean(),
});
export type SettingDetail = z.infer<typeof SettingDetailSchema>;

export const SettingVersionSchema = z.object({
  version: z.number(),
  /** Chinese lines: '附件下限：1 个 → 2 个'. */
  changes: z.array(z.string()),
  comment: z.string().nullable(),
  restoredFrom: z.number().nullable(),
  cleared: z.boolean(),
  createdAt: z.string(),
  createdBy: Who,
});
export const SettingVersionListSchema = z.object({
  scope: ScopeView,
  label: z.string(),
  editable: z.boolean(),
  items: z.array(SettingVersionSchema),
});
export const SettingVersionDetailSchema = SettingVersionSchema.extend({ value: z.unknown(), form: z.record(z.string(), z.unknown()) });

export const PreviewResultSchema = z.object({
  available: z.boolean(),
  summary: z.string(),
  lines: z.array(z.string()),
});
