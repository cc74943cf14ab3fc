import type pg from 'pg';
import { seedProcessTemplates } from '../actions/process-templates.js';
import { prerequisitesOf } from '../flow/action-definition.js';
import { DEFAULT_ACTION_DEFINITIONS, DEFAULT_KEYWORD_LIBRARIES, DEFAULT_KEYWORD_LIBRARY_NAMES } from '../flow/defaults.js';
import { RETAIL_ACTION_DEFINITIONS } from '../flow/retail-actions.js';
import { DEFAULT_PIPELINE } from '../flow/pipeline.js';
import { DEFAULT_ALERT_RULES } from '../alerts/alert-rules.defaults.js';
import { CN_HOLIDAYS_2026 } from './holidays-cn.js';

/**
 * The "销售管理系统" template: pipeline, action definitions with their rules (新品上架's steps too),
 * keyword libraries, alert rules, holiday calendar (effective-follow-up
 * standards are settings whose defaults live in code). Only what is missing is inserted, so an admin's edits survive
 * every restart. Returns whether anything was installed.
 */
export async function installTemplate(client: pg.PoolClient, now: Date): Promise<boolean> {
  let changed = 0;
  const add = (r: pg.QueryResult) => { changed += r.rowCount ?? 0; };
  add(await client.query(
    `INSERT INTO pipelines (code, name, definition, is_default) VALUES ('sales', $1, $2, true) ON CONFLICT (code) DO NOTHING`,
    [DEFAULT_PIPELINE.name, JSON.stringify(DEFAULT_PIPELINE)],
  ));
  for (const d of [...DEFAULT_ACTION_DEFINITIONS, ...RETAIL_ACTION_DEFINITIONS]) {
    add(await client.query(
      `INSERT INTO action_definitions (code, version, name, kind, rules, prerequisites, due_working_days, escalation)
       VALUES ($1, 1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code, version) DO NOTHING`,
      [d.code, d.name, d.code, JSON.stringify(d.rules), JSON.stringify(prerequisitesOf(d.rules)), d.dueWorkingDays,
        JSON.stringify(d.escalation)],
    ));
  }
  for (const [code, words] of Object.entries(DEFAULT_KEYWORD_LIBRARIES)) {
    add(await client.query(
      `INSERT INTO keyword_libraries (code, name, words) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`, [code, DEFAULT_KEYWORD_LIBRARY_NAMES[code], words],
    ));
  }
  for (const r of DEFAULT_ALERT_RULES) {
    add(await client.query(
      `INSERT INTO alert_rules (code, name, params) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`,
      [r.code, r.name, JSON.stringify(r.params)],
    ));
  }
  for (const h of CN_HOLIDAYS_2026) {
    add(await client.query(`INSERT INTO holidays (day, kind, name) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`, [h.day, h.kind, h.name]));
  }
  changed += await seedProcessTemplates(client);
  add(await client.query(
    `INSERT INTO settings (key, value) VALUES ('template.installed', $1) ON CONFLICT DO NOTHING`,
    [JSON.stringify({ name: '销售管理系统', at: now.toISOString() })],
  ));
  return changed > 0;
}
