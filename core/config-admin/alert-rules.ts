/**
 * Alert rules (预警规则): thresholds, windows and recipients the alert jobs read
 * at every run. Params are validated per rule code; a PATCH merges the given
 * params over the current ones, then validates the whole, so `{ params: { days: 10 } }`
 * is a complete edit.
 *
 *   await patchAlertRule(tx, admin, 'silence', { params: { days: 10 } });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { ALERT_PARAM_SCHEMAS } from '../alerts/rule-params.js';
import { AppError } from '../errors.js';
import { assertMayChangeConfig, assertMayReadConfig, canonicalJson, recordConfigChange } from './change-log.js';

export const AlertRuleCodeParams = z.object({ code: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, '编码只能包含小写字母、数字和下划线') });

export const PatchAlertRuleSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  enabled: z.boolean().optional(),
  /** Merged over the current params (null removes an optional one, e.g. quietHours), then validated by the rule's own schema. */
  params: z.record(z.string(), z.unknown()).optional(),
}).refine((o) => Object.keys(o).length > 0, '至少修改一项');
export type PatchAlertRule = z.output<typeof PatchAlertRuleSchema>;

export const AlertRuleSchema = z.object({
  code: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  params: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
});
export type AlertRule = z.infer<typeof AlertRuleSchema>;

const toRule = (r: any): AlertRule => ({ code: r.code, name: r.name, enabled: r.enabled, params: r.params, updatedAt: r.updated_at.toISOString() });

export async function listAlertRules(db: Db, actor: Actor): Promise<{ items: AlertRule[] }> {
  assertMayReadConfig(actor);
  const { rows } = await db.query('SELECT * FROM alert_rules ORDER BY code');
  return { items: rows.map(toRule) };
}

function validateParams(code: string, params: Record<string, unknown>): Record<string, unknown> {
  const schema = ALERT_PARAM_SCHEMAS[code];
  // a rule this build does not know: keep its params as they are rather than guess
  if (!schema) return params;
  const r = schema.safeParse(params);
  if (r.success) return r.data as Record<string, unknown>;
  throw new AppError('VALIDATION_FAILED', r.error.issues.map((i) => ({
    path: ['body', 'params', ...i.path.map(String)].join('.'), message: i.message,
  })));
}

function mergeParams(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === null) delete merged[k];
  return merged;
}

export async function patchAlertRule(db: Db, actor: Actor, code: string, input: PatchAlertRule): Promise<AlertRule> {
  assertMayChangeConfig(actor);
  const { rows: [row] } = await db.query('SELECT * FROM alert_rules WHERE code = $1 FOR UPDATE', [code]);
  if (!row) throw new AppError('CONFIG_NOT_FOUND', { type: 'alert_rule', code }, `预警规则「${code}」不存在`);
  if (input.params && !ALERT_PARAM_SCHEMAS[code]) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'body.params', message: `预警规则「${code}」的参数不能在此修改` }]);
  }
  const params = input.params ? validateParams(code, mergeParams(row.params, input.params)) : row.params;
  const next = { name: input.name ?? row.name, enabled: input.enabled ?? row.enabled, params };
  const before = { name: row.name, enabled: row.enabled, params: row.params };
  if (canonicalJson(row.params) === canonicalJson(params) && next.name === row.name && next.enabled === row.enabled) {
    return toRule(row);
  }
  const { rows } = await db.query(
    'UPDATE alert_rules SET name = $2, enabled = $3, params = $4, updated_at = now() WHERE code = $1 RETURNING *',
    [code, next.name, next.enabled, JSON.stringify(params)],
  );
  await recordConfigChange(db, actor, { entityType: 'alert_rule', entityId: 0, code, before, after: next });
  return toRule(rows[0]);
}
