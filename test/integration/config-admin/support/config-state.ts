import type pg from 'pg';

const CONFIG_TABLES = ['action_definitions', 'pipelines', 'keyword_libraries', 'holidays', 'alert_rules', 'settings', 'setting_versions'];

/** Every configuration row plus the event count: equal snapshots mean nothing was written. */
export async function configState(pool: pg.Pool): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const t of CONFIG_TABLES) {
    out[t] = (await pool.query(`SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d, count(*)::int AS n FROM ${t} x`)).rows[0];
  }
  out.events = (await pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n;
  return out;
}

export async function configEvents(pool: pg.Pool, entityType: string): Promise<Array<{ actor: string; data: any }>> {
  const { rows } = await pool.query(
    `SELECT u.wecom_userid AS actor, e.data FROM events e LEFT JOIN users u ON u.id = e.actor_id
      WHERE e.type = 'config.updated' AND e.entity_type = $1 ORDER BY e.id`, [entityType]);
  return rows;
}
