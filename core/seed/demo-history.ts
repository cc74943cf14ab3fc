/**
 * The demo's 90 days: on the first start of an empty demo database (embedded
 * PostgreSQL, demo mode — never with DATABASE_URL, never in a test that does
 * not ask) the history modules (seed-modules.ts) write a believable quarter of
 * the demo organisation's business, anchored to today in Asia/Shanghai working
 * days and the same for the same (seed, day). `npm run demo:reset` and the
 * admins' 重置演示数据 button start the demo over: every table emptied, the
 * template and the demo organisation installed again, the history generated
 * for today.
 *
 *   await ensureDemoHistory(pool, { now, storage, system });   // no-op unless the demo database is untouched
 *   await resetDemo(pool, { now, storage, system });
 */
import type pg from 'pg';
import { loadWorkCalendar } from '../actions/definitions.js';
import { withTransaction } from '../db/pool.js';
import type { Logger } from '../logger.js';
import { historyWindow } from './history-window.js';
import { installDefaults } from './install.js';
import { runSeedModules, type SeedContext, type SeedRun } from './seed-module.js';
import { HISTORY_MODULES } from './seed-modules.js';
import { makeExec } from './sql-random.js';
import { dropSeedTables } from './work-plan.js';

export const DEMO_SEED = 20261127;
export const DEMO_HISTORY_DAYS = 90;
const HISTORY_LOCK = 7_100_003;
// the generation (or why it was skipped) is an event: the day it runs up to, its seed and rows per module
const MARKER = 'demo.history';

export interface DemoHistoryOptions {
  now: Date;
  seed?: number;
  storage: SeedContext['storage'];
  system: NonNullable<SeedContext['system']>;
}

export interface DemoHistoryResult extends SeedRun {
  seed: number;
  today: string;
}

/** Writes the history now; the demo organisation must be installed and the history tables empty. */
export async function generateDemoHistory(pool: pg.Pool, opts: DemoHistoryOptions): Promise<DemoHistoryResult> {
  const seed = opts.seed ?? DEMO_SEED;
  const window = historyWindow(opts.now, await loadWorkCalendar(pool), DEMO_HISTORY_DAYS);
  const repIds = (await pool.query(`SELECT id FROM users WHERE role = 'rep' AND active ORDER BY id`)).rows.map((r) => Number(r.id));
  const log = opts.system.logger;
  const ctx: SeedContext = {
    pool, exec: makeExec(pool, false), scale: 'demo', seed, window, scope: { repIds }, batch: 100_000, concurrency: 1,
    storage: opts.storage, system: opts.system, log: (m) => log.debug(m),
  };
  await dropSeedTables(pool);
  let run: SeedRun;
  try {
    run = await runSeedModules(HISTORY_MODULES, ctx);
  } finally {
    await dropSeedTables(pool);
  }
  const result = { ...run, seed, today: window.today };
  await pool.query(
    `INSERT INTO events (at, entity_type, entity_id, type, data) VALUES ($3, 'demo', 0, $1, $2)`,
    [MARKER, JSON.stringify({ seed, today: window.today, generatedAt: opts.now.toISOString(), ms: Math.round(run.ms),
      rows: Object.fromEntries(run.modules.map((m) => [m.name, m.rows])) }), opts.now]);
  return result;
}

/**
 * The history, if this is the first start of an untouched demo database: the
 * demo organisation installed, no history recorded yet, and no leads or
 * actions anyone created. Several processes may start at once: one generates,
 * the others find it done (or running, and go on without waiting).
 */
export async function ensureDemoHistory(pool: pg.Pool, opts: DemoHistoryOptions): Promise<DemoHistoryResult | null> {
  const client = await pool.connect();
  try {
    const { rows: [lock] } = await client.query('SELECT pg_try_advisory_lock($1) AS ok', [HISTORY_LOCK]);
    if (!lock.ok) return null;
    try {
      const { rows: [state] } = await client.query(
        `SELECT EXISTS (SELECT 1 FROM events WHERE type = $1) AS done, EXISTS (SELECT 1 FROM customers) AS org,
                EXISTS (SELECT 1 FROM leads) OR EXISTS (SELECT 1 FROM actions) AS used`, [MARKER]);
      if (state.done || !state.org) return null;
      if (state.used) {
        // someone has worked in this database: history would mix with their records
        await client.query(`INSERT INTO events (entity_type, entity_id, type, data) VALUES ('demo', 0, $1, '{"skipped":"database already in use"}')`, [MARKER]);
        return null;
      }
      const t0 = performance.now();
      opts.system.logger.info('首次启动演示模式：正在生成近90天的演示业务数据…');
      const r = await generateDemoHistory(pool, opts);
      opts.system.logger.info({ ms: Math.round(performance.now() - t0), modules: r.modules.map((m) => `${m.label} ${Math.round(m.ms)}ms`) },
        `演示数据已生成（${r.modules.length} 个模块，用时 ${(r.ms / 1000).toFixed(1)} 秒）`);
      return r;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [HISTORY_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** What the 重置演示数据 page shows: the day the history runs up to and when it was made (nulls: none yet). */
export async function demoHistoryState(db: Pick<pg.Pool, 'query'>): Promise<{ today: string | null; generatedAt: string | null }> {
  const { rows } = await db.query(`SELECT data FROM events WHERE type = $1 ORDER BY id DESC LIMIT 1`, [MARKER]);
  const v = rows[0]?.data ?? {};
  return { today: v.today ?? null, generatedAt: v.generatedAt ?? null };
}

/** Tables a reset keeps: the schema's own bookkeeping and the scheduler's queue. */
const KEEP = new Set(['schema_migrations', 'agenda_jobs', 'agenda_job_logs']);

/** Empties every table, installs the template and the demo organisation again, and generates the history for `now`. */
export async function resetDemo(pool: pg.Pool, opts: DemoHistoryOptions & { logger?: Logger }): Promise<DemoHistoryResult> {
  const { rows } = await pool.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'seed\\_%'`);
  const tables = rows.map((r) => r.tablename as string).filter((t) => !KEEP.has(t) && !t.startsWith('agenda'));
  const signIns = await Promise.all(SIGN_INS.filter((k) => tables.includes(k.table))
    .map(async (k) => ({ ...k, rows: (await pool.query(`SELECT * FROM ${k.table} ORDER BY id`)).rows })));
  // everything goes, so the triggers that keep derived tables (dashboards) in step have nothing to do
  await withTransaction(pool, async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
  });
  await installDefaults(pool, { seedDemo: true, now: opts.now, logger: opts.system.logger });
  // the demo's people come back with the same ids, so whoever pressed 重置 stays signed in and the sign-in log stays whole
  for (const k of signIns) {
    await pool.query(
      `INSERT INTO ${k.table} SELECT r.* FROM jsonb_populate_recordset(NULL::${k.table}, $1) r WHERE ${k.refs}`, [JSON.stringify(k.rows)]);
    await pool.query(`SELECT setval(pg_get_serial_sequence('${k.table}', 'id'), greatest(1, (SELECT max(id) FROM ${k.table})))`);
  }
  return generateDemoHistory(pool, opts);
}

/** Sign-ins a reset puts back (core/sessions), in this order, each only where what it refers to is back too. */
const SIGN_INS = [
  { table: 'sessions', refs: `r.user_id IN (SELECT id FROM users) AND (r.revoked_by IS NULL OR r.revoked_by IN (SELECT id FROM users))` },
  { table: 'auth_log', refs: `(r.user_id IS NULL OR r.user_id IN (SELECT id FROM users)) AND (r.actor_id IS NULL OR r.actor_id IN (SELECT id FROM users))
                              AND (r.session_id IS NULL OR r.session_id IN (SELECT id FROM sessions))` },
];
