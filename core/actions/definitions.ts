/**
 * Action definitions and the working-day calendar as the engine needs them,
 * read from the database and validated with core/flow's schemas.
 *
 *   const def = await loadActiveDefinitionOrThrow(db, 'visit');
 *   const due = addWorkingDays(now, def.dueWorkingDays, await loadWorkCalendar(db));
 */
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { EscalationPolicySchema, type EscalationPolicy } from '../flow/escalation.js';
import { RuleSetSchema, type GateRuleConfig } from '../flow/rules/index.js';
import { workCalendar, type WorkCalendar } from '../flow/working-days.js';
import type { Requirement } from './action-schemas.js';

export interface StoredDefinition {
  id: number;
  code: string;
  version: number;
  name: string;
  rules: GateRuleConfig[];
  dueWorkingDays: number;
  escalation: EscalationPolicy;
}

function toDefinition(r: any): StoredDefinition {
  return {
    id: r.id, code: r.code, version: r.version, name: r.name,
    rules: RuleSetSchema.parse(r.rules),
    dueWorkingDays: r.due_working_days,
    escalation: EscalationPolicySchema.parse(r.escalation),
  };
}

/** The active version of a definition code; 422 when there is none. */
export async function loadActiveDefinitionOrThrow(db: Db, code: string): Promise<StoredDefinition> {
  const { rows } = await db.query('SELECT * FROM action_definitions WHERE code = $1 AND active', [code]);
  if (!rows[0]) throw new AppError('ACTION_DEFINITION_NOT_FOUND', { definitionCode: code });
  return toDefinition(rows[0]);
}

/**
 * Parsed definitions by id and digest of the whole row. A definition row never
 * changes once written (an edit is a new version), and the digest makes the key
 * safe even across databases (tests) or a restored backup: a different row is a
 * different key. Bounded, since every version ever read would otherwise stay.
 */
const parsed = new Map<string, StoredDefinition>();
const PARSED_MAX = 500;

function remember(key: string, def: StoredDefinition): StoredDefinition {
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(key, def);
  return def;
}

/**
 * The rules an action is checked against: the ACTIVE version of its definition
 * (an admin's fix applies to open actions), else the version it was created with.
 * A row read with its `rulesDefinition` (action-repo's single-row reads) needs
 * no query when that version was parsed before.
 */
export async function loadDefinitionForAction(
  db: Db, a: { definitionCode: string; definitionId: number; rulesDefinition?: { id: number; digest: string } },
): Promise<StoredDefinition> {
  const known = a.rulesDefinition && parsed.get(`${a.rulesDefinition.id}:${a.rulesDefinition.digest}`);
  if (known) return known;
  const { rows } = await db.query(
    `SELECT x.*, md5(x::text) AS digest FROM action_definitions x
      WHERE (x.code = $1 AND x.active) OR x.id = $2 ORDER BY x.active DESC LIMIT 1`,
    [a.definitionCode, a.definitionId],
  );
  return remember(`${rows[0].id}:${rows[0].digest}`, toDefinition(rows[0]));
}

export async function loadWorkCalendar(db: Db): Promise<WorkCalendar> {
  const { rows } = await db.query<{ day: string; kind: 'holiday' | 'workday' }>('SELECT day, kind FROM holidays');
  return workCalendar(
    rows.filter((r) => r.kind === 'holiday').map((r) => r.day),
    rows.filter((r) => r.kind === 'workday').map((r) => r.day),
  );
}

/** The dispatcher's extra evidence as `attachments.min` rules, evaluated with the definition's own. */
export function requirementRules(requirements: readonly Requirement[]): GateRuleConfig[] {
  return requirements.map((r, i) => ({
    id: `requirement.${i + 1}`,
    kind: 'attachments.min' as const,
    tag: r.tag,
    min: r.min,
    label: r.tag,
    ...(r.kind ? { attachmentKind: r.kind } : {}),
  }));
}

/** Definition rules plus requirements: everything a submission of this action must satisfy. */
export function rulesForAction(def: StoredDefinition, requirements: readonly Requirement[]): GateRuleConfig[] {
  return [...def.rules, ...requirementRules(requirements)];
}
