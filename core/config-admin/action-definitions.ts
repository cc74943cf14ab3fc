/**
 * Action definitions as the screens read them: the active version and every
 * earlier one. They are edited as the 'flow.action-definition' setting
 * (action-definition.setting.ts), which adds version N+1 here and makes it
 * active, so actions dispatched under version N keep the rules they were judged by.
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { EscalationPolicySchema } from '../flow/escalation.js';
import { RuleSetSchema, type GateRuleConfig } from '../flow/rules/index.js';
import { assertCan } from '../auth/permissions.js';
import { ITEM_CODE, itemCodeHint } from '../settings/define.js';

export const DefinitionCode = z.string().regex(ITEM_CODE, itemCodeHint('visit'));
export const DefinitionCodeParams = z.object({ code: DefinitionCode });

export const DefinitionVersionSchema = z.object({
  id: z.number(),
  version: z.number(),
  active: z.boolean(),
  name: z.string(),
  description: z.string().nullable(),
  rules: RuleSetSchema,
  dueWorkingDays: z.number(),
  escalation: EscalationPolicySchema,
  createdAt: z.string(),
  createdBy: z.object({ id: z.number(), name: z.string() }).nullable(),
});
export type DefinitionVersion = z.infer<typeof DefinitionVersionSchema>;

export const ActionDefinitionEntrySchema = z.object({
  code: z.string(),
  kind: z.string(),
  /** The version new actions are dispatched under; null if every version was retired. */
  active: DefinitionVersionSchema.nullable(),
  /** Every version, newest first. */
  versions: z.array(DefinitionVersionSchema),
});
export type ActionDefinitionEntry = z.infer<typeof ActionDefinitionEntrySchema>;

export const ActionDefinitionListSchema = z.object({ items: z.array(ActionDefinitionEntrySchema) });

function toVersion(r: any): DefinitionVersion {
  return {
    id: r.id, version: r.version, active: r.active, name: r.name, description: r.description,
    rules: r.rules, dueWorkingDays: r.due_working_days, escalation: r.escalation,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by === null ? null : { id: r.created_by, name: r.creator_name },
  };
}

async function loadEntries(db: Db, code?: string): Promise<ActionDefinitionEntry[]> {
  const { rows } = await db.query(
    `SELECT d.*, u.name AS creator_name FROM action_definitions d LEFT JOIN users u ON u.id = d.created_by
      ${code === undefined ? '' : 'WHERE d.code = $1'} ORDER BY d.code, d.version DESC`,
    code === undefined ? [] : [code],
  );
  const byCode = new Map<string, ActionDefinitionEntry>();
  for (const r of rows) {
    const entry: ActionDefinitionEntry = byCode.get(r.code) ?? { code: r.code, kind: r.kind, active: null, versions: [] };
    const v = toVersion(r);
    entry.versions.push(v);
    if (v.active) entry.active = v;
    byCode.set(r.code, entry);
  }
  return [...byCode.values()];
}

export async function listActionDefinitions(db: Db, actor: Actor): Promise<{ items: ActionDefinitionEntry[] }> {
  assertCan(actor, 'config', 'read');
  return { items: await loadEntries(db) };
}

export async function getActionDefinitionOrThrow(db: Db, actor: Actor, code: string): Promise<ActionDefinitionEntry> {
  assertCan(actor, 'config', 'read');
  const [entry] = await loadEntries(db, code);
  if (!entry) throw new AppError('CONFIG_NOT_FOUND', { type: 'action_definition', code }, `事项类型「${code}」不存在`);
  return entry;
}

type Issue = { path: string; message: string };

/**
 * What the schema cannot know: keyword libraries and prerequisite definitions
 * must exist, and a definition cannot wait for itself.
 */
export async function ruleReferenceIssues(db: Db, code: string, rules: readonly GateRuleConfig[], prefix = 'body.rules'): Promise<Issue[]> {
  const [libs, defs] = await Promise.all([
    db.query<{ code: string }>('SELECT code FROM keyword_libraries'),
    db.query<{ code: string }>('SELECT DISTINCT code FROM action_definitions'),
  ]);
  const libraries = new Set(libs.rows.map((r) => r.code));
  const definitions = new Set(defs.rows.map((r) => r.code));
  const issues: Issue[] = [];
  rules.forEach((r, i) => {
    if (r.kind === 'voice.keywords.min' && !libraries.has(r.library)) {
      issues.push({ path: `${prefix}.${i}.library`, message: `关键词库「${r.library}」不存在，可选：${[...libraries].join('、')}` });
    }
    if (r.kind === 'prerequisite.verified' && (r.definitionCode === code || !definitions.has(r.definitionCode))) {
      issues.push({
        path: `${prefix}.${i}.definitionCode`,
        message: r.definitionCode === code ? '事项不能以自己为前置条件' : `前置事项类型「${r.definitionCode}」不存在`,
      });
    }
  });
  return issues;
}
