/**
 * Planned work: the actions the history modules want to exist, with when
 * each was created, is due, was done, verified or sent back. Planning modules
 * (visits, deal tasks, processes; later ones such as retail patrols) insert
 * rows into this table; actions.seed.ts turns them into actions, events and
 * to-dos, and reports.seed.ts into the submissions and evidence the rules
 * accept (or refuse, where the plan says so). Ids are drawn from the actions
 * sequence when planned, so every module can refer to them.
 *
 * plan:
 *   verified       submitted by the due time, verified by the manager the next working day
 *   late           submitted after the due time, then verified
 *   rule_rejected  a first report refused by the rules (a photo or pain points missing), fixed and accepted the same day
 *   mgr_rejected   accepted, sent back by the manager (reject_at), filed again (redo_at), verified
 *   phone          done by phone only (no evidence), verified
 *   submitted      filed recently, waiting for the manager
 *   open           not due yet (due today or later)
 *   overdue        past due and not filed: the overdue job marks it and escalates
 * A time that falls after "now" ends the story there (verify_at in the future: still submitted).
 */
import type pg from 'pg';
import { Sql } from '../db/sql.js';
import { endOfDay, workingDayIndex, workTime } from './history-window.js';
import type { SeedContext } from './seed-module.js';
import { pick, unit } from './sql-random.js';

export const WORK_PLANS = ['verified', 'late', 'rule_rejected', 'mgr_rejected', 'phone', 'submitted', 'open', 'overdue'] as const;
export type WorkPlan = (typeof WORK_PLANS)[number];

export async function createWorkPlan(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE UNLOGGED TABLE IF NOT EXISTS seed_work (
      id bigint PRIMARY KEY DEFAULT nextval(pg_get_serial_sequence('actions', 'id')),
      key bigint NOT NULL,
      source text NOT NULL,
      def_code text NOT NULL,
      customer_id bigint NOT NULL,
      opportunity_id bigint,
      assignee_id bigint NOT NULL,
      assigner_id bigint NOT NULL,
      department_id bigint,
      process_instance_id bigint,
      node_key text,
      title text,
      requirements jsonb NOT NULL DEFAULT '[]',
      escalation jsonb,
      created_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      plan text NOT NULL CHECK (plan IN ('verified','late','rule_rejected','mgr_rejected','phone','submitted','open','overdue')),
      done_at timestamptz,
      verify_at timestamptz,
      reject_at timestamptz,
      redo_at timestamptz
    )`);
  // planners look up a customer's (or a rep's) planned work
  await pool.query('CREATE INDEX IF NOT EXISTS seed_work_customer_idx ON seed_work (customer_id)');
}

/** Drops the generators' working tables (seed_*), which nothing outside a generation reads. */
export async function dropSeedTables(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'seed\\_%'`);
  if (rows.length) await pool.query(`DROP TABLE ${rows.map((r) => `"${r.tablename}"`).join(', ')}`);
}

/**
 * seed_days: every calendar day of the window and the weeks after it, with the
 * index (into workingDayIndex's `all`) of the last working day on or before
 * it, so an instant becomes a working-day index by a join.
 */
export async function createDayIndex(pool: pg.Pool, all: readonly string[]): Promise<void> {
  await pool.query(`
    CREATE UNLOGGED TABLE IF NOT EXISTS seed_days AS
    SELECT d::date AS day, (SELECT count(*) FROM unnest($1::date[]) w WHERE w <= d)::int AS idx
      FROM generate_series(($1::date[])[1] - 400, ($1::date[])[cardinality($1::date[])], interval '1 day') d`, [all]);
}


/**
 * Adds planned work from a planner's SELECT, which yields per item: key,
 * source, def_code, customer_id, opportunity_id, assignee_id, assigner_id,
 * department_id, title, requirements (jsonb), process_instance_id, node_key,
 * escalation (jsonb; NULL: the definition's), cidx (working day created), due_n
 * (working days allowed), vday (working day it gets done when all goes well)
 * and u ∈ [0,1), which picks its story, or story_hint (a WorkPlan, else
 * NULL) to choose it outright. The planner may read CTE `p`
 * (alldays, last, cur, now, today) and adds its own parameters to `q`.
 * Items created in the future (cidx > last) or before the window are left out.
 */
export async function planWork(ctx: SeedContext, planner: (q: Sql) => string): Promise<number> {
  const s = ctx.seed;
  const { all, current, last } = workingDayIndex(ctx.window);
  const q = new Sql();
  q.with('p', `SELECT ${q.param(all)}::date[] AS alldays, ${q.param(last)}::int AS last, ${q.param(current)}::int AS cur,
                      ${q.param(ctx.window.now)}::timestamptz AS now, ${q.param(ctx.window.today)}::date AS today`);
  q.with('x', planner(q));
  const h = (k: number) => unit('t.key', s, 200 + k);
  q.with('t', `SELECT x.*, x.cidx + x.due_n AS due,
      CASE WHEN x.story_hint IS NOT NULL THEN x.story_hint
           WHEN x.cidx + x.due_n >= p.cur
             THEN CASE WHEN x.vday < p.cur AND x.vday <= p.last THEN 'verified'
                       WHEN x.vday = p.last AND x.u < 0.5 THEN 'submitted' ELSE 'open' END
           WHEN x.u < 0.07 THEN 'rule_rejected'
           WHEN x.u < 0.13 THEN 'mgr_rejected'
           WHEN x.u < 0.21 THEN CASE WHEN x.cidx + x.due_n + 1 <= p.last THEN 'late' ELSE 'overdue' END
           WHEN x.u < 0.24 THEN 'phone'
           WHEN x.u < 0.28 AND x.cidx + x.due_n >= p.last - 5 THEN 'overdue'
           ELSE 'verified' END AS story
      FROM x, p WHERE x.cidx >= 1 AND x.cidx <= p.last`);
  q.with('d', `SELECT t.*, CASE WHEN t.story = 'late' THEN LEAST(t.due + 1 + ${pick('t.key', s, 211, 2)}, p.last)
                                ELSE GREATEST(t.cidx, LEAST(t.vday, t.due, p.last)) END AS done_idx
                 FROM t, p`);
  const wt = (i: string, lo: number, span: number, k: number) =>
    `CASE WHEN ${i} <= p.last THEN ${workTime(`p.alldays[${i}]`, `${lo} + ${span} * ${unit('d.key', s, 220 + k)}`, 'p.now', 'p.today')} END`;
  const done = ['verified', 'late', 'rule_rejected', 'mgr_rejected', 'phone', 'submitted'].map((x) => `'${x}'`).join(',');
  return ctx.exec(q.unprepared(`
    INSERT INTO seed_work (key, source, def_code, customer_id, opportunity_id, assignee_id, assigner_id, department_id, title,
                           requirements, process_instance_id, node_key, escalation, created_at, due_at, plan, done_at, verify_at,
                           reject_at, redo_at)
    SELECT d.key, d.source, d.def_code, d.customer_id, d.opportunity_id, d.assignee_id, d.assigner_id, d.department_id, d.title,
           d.requirements, d.process_instance_id, d.node_key, d.escalation, ${wt('d.cidx', 0, 0.15, 0)}, ${endOfDay('p.alldays[d.due]')}, d.story,
           CASE WHEN d.story IN (${done}) THEN ${wt('d.done_idx', 0.25, 0.7, 1)} END,
           CASE WHEN d.story IN ('verified','late','rule_rejected','phone') THEN ${wt('d.done_idx + 1', 0, 1, 2)}
                WHEN d.story = 'mgr_rejected' THEN ${wt('d.done_idx + 3', 0, 1, 2)} END,
           CASE WHEN d.story = 'mgr_rejected' THEN ${wt('d.done_idx + 1', 0, 1, 3)} END,
           CASE WHEN d.story = 'mgr_rejected' THEN ${wt('d.done_idx + 2', 0, 1, 4)} END
      FROM d, p
     -- ids drawn in key order: in the plan's order, statistics autovacuum gathered (or a reset kept) would renumber the work
     ORDER BY d.key`).text, q.values);
}
