/**
 * Every configuration change leaves one 'config.updated' event with a
 * before/after summary: which top-level fields changed and their values
 * (word and day lists as added/removed, so a 2,000-word library does not
 * bloat the log).
 *
 *   await recordConfigChange(tx, actor, { entityType: 'keyword_library', entityId: 0, code: 'pain_points', before, after });
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { recordEvent } from '../resources/events.js';

export type ConfigEntity =
  | 'action_definition' | 'pipeline' | 'keyword_library' | 'holiday_calendar' | 'alert_rule';

export interface ConfigChange {
  entityType: ConfigEntity;
  /** The row id where the table has one; the year for holidays; 0 for text-keyed rows (the code is in data). */
  entityId: number;
  code: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  /** Extra facts for readers of the log, e.g. versions. */
  extra?: Record<string, unknown>;
}

export interface ChangeSummary {
  changed: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** JSON with object keys sorted, so jsonb's key order does not read as a change. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]]))
    : x));
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Field-level diff; string lists are summarised as { count, added, removed }. */
export function summariseChange(before: Record<string, unknown> | null, after: Record<string, unknown>): ChangeSummary {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after)])];
  const changed = keys.filter((k) => canonicalJson(before?.[k]) !== canonicalJson(after[k]));
  const summary: ChangeSummary = { changed, before: {}, after: {} };
  for (const k of changed) {
    const [b, a] = [before?.[k], after[k]];
    if (isStringList(b) && isStringList(a)) {
      const [bs, as] = [new Set(b), new Set(a)];
      summary.before[k] = { count: b.length };
      summary.after[k] = { count: a.length, added: a.filter((x) => !bs.has(x)), removed: b.filter((x) => !as.has(x)) };
    } else {
      summary.before[k] = b ?? null;
      summary.after[k] = a ?? null;
    }
  }
  return summary;
}

export async function recordConfigChange(db: Db, actor: Actor, c: ConfigChange): Promise<ChangeSummary> {
  const summary = summariseChange(c.before, c.after);
  await recordEvent(db, {
    actorId: actor.id, entityType: c.entityType, entityId: c.entityId, type: 'config.updated',
    data: { code: c.code, created: c.before === null, ...summary, ...c.extra },
  });
  return summary;
}

/** Reading configuration: everyone signed in. */
export function assertMayReadConfig(actor: Actor): void {
  assertCan(actor, 'config', 'read');
}

/** Changing configuration: admins only; creating a new code needs 'create' as well. */
export function assertMayChangeConfig(actor: Actor, creating = false): void {
  assertCan(actor, 'config', 'update');
  if (creating) assertCan(actor, 'config', 'create');
}
