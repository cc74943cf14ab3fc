/**
 * Alert rules (预警规则) as the alerts screens list them. Their thresholds,
 * windows and recipients are edited as settings (core/alerts/alert-rules.setting.ts),
 * which write them through to `alert_rules` for the jobs.
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { assertCan } from '../auth/permissions.js';

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
  assertCan(actor, 'config', 'read');
  const { rows } = await db.query('SELECT * FROM alert_rules ORDER BY code');
  return { items: rows.map(toRule) };
}
