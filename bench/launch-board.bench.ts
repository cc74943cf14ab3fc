/**
 * 新品上架看板 (#21) on a generated chain of 10,000 stores in 100 regions with
 * three products launched at every store this month (30,000 store launches,
 * 120,000 step actions): stores done with 0–4 steps, some on time, some late,
 * the rest open and past or near their deadlines.
 *
 * - board_ms: the board's figures per product and region as the director
 *   sees them (median of 3), and the CPU it took in node and the database;
 *   baseline_count_ms: a bare COUNT of the same launches' step actions;
 * - first_page_ms / last_page_ms / late_page_ms: one page of 30 stores — the
 *   first, the last (offset 29,970) and the first of 逾期或即将逾期 (median of 5);
 * - export_rows / export_ms: every store of the board as the export's table
 *   and its CSV;
 * - board_kb / page_kb: the JSON a phone downloads for each.
 *
 *   npm run bench -- launch-board
 */
import os from 'node:os';
import type pg from 'pg';
import { loadActiveActor } from '../core/auth/actor.js';
import { toCsv } from '../core/dashboards/export.js';
import { addCalendarDays, shanghaiDate } from '../core/flow/time.js';
import { LAUNCH_STEPS } from '../core/flow/launch-steps.js';
import { launchBoard, launchBoardStores, launchBoardStoresTable } from '../core/retail/launch-board.setting.js';
import { BENCH_DEFAULTS, postgresCpuMs, withTempBenchDatabase } from './bench-db.js';
import { median, msSince, type BenchResult } from './report.js';
import { generateStoreNetwork } from './scorecard.bench.js';

const PRODUCTS = 3;

export async function run(): Promise<BenchResult> {
  return withTempBenchDatabase('af-bench-launch-board-', 4, (db) => measure(db.pool, db.dataDir));
}

async function measure(pool: pg.Pool, dataDir: string): Promise<BenchResult> {
  const loadStart = os.loadavg()[0]!;
  const now = new Date();
  const today = shanghaiDate(now);
  const t0 = performance.now();
  await generate(pool, today);
  await pool.query('VACUUM ANALYZE');
  const launches = Number((await pool.query('SELECT count(*) FROM retail_launches')).rows[0].count);
  console.error(`  generated ${launches.toLocaleString('en-US')} store launches in ${Math.round(msSince(t0) / 1000)} s`);
  const director = (await loadActiveActor(pool, { wecomUserid: 'bench.director' }))!;

  const boards: number[] = [];
  let boardBytes = 0;
  let onBoard = 0;
  const pg0 = postgresCpuMs(dataDir, BENCH_DEFAULTS.database, { exited: true });
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const b = await launchBoard(pool, director, {}, now);
    boards.push(msSince(t));
    boardBytes = JSON.stringify(b).length;
    onBoard = b.launches.reduce((n, l) => n + l.total.stores, 0);
  }
  const nodeCpu = process.cpuUsage(cpu0);
  const pgCpu = pg0 === null ? null : postgresCpuMs(dataDir, BENCH_DEFAULTS.database, { exited: true })! - pg0;
  if (onBoard !== launches) throw new Error(`the board counts ${onBoard} of ${launches} store launches`);

  const counts = await timed(3, () => pool.query(`SELECT count(*) FROM retail_launches l JOIN actions a ON a.process_instance_id = l.process_instance_id`));
  let pageBytes = 0;
  const first = await timed(5, async () => { pageBytes = JSON.stringify(await launchBoardStores(pool, director, { limit: 30 }, now)).length; });
  const last = await timed(5, async () => {
    const page = await launchBoardStores(pool, director, { limit: 30, offset: launches - 30 }, now);
    if (page.items.length !== 30 || page.nextOffset !== null) throw new Error('the last page is not the last 30 stores');
  });
  const late = await timed(5, () => launchBoardStores(pool, director, { limit: 30, state: 'late' }, now));
  let exported = 0;
  const exports = await timed(1, async () => {
    const t = await launchBoardStoresTable(pool, director, {}, now);
    exported = t.rows.length;
    toCsv(t.columns, t.rows);
  });
  const round = (x: number) => Math.round(x * 10) / 10;
  const baseline = Math.max(0.1, median(counts));
  return {
    name: '新品上架看板',
    metrics: {
      stores: 10_000, store_launches: launches,
      board_ms: Math.round(median(boards)), baseline_count_ms: round(median(counts)),
      board_node_cpu_ms: Math.round((nodeCpu.user + nodeCpu.system) / 1000 / 3), board_pg_cpu_ms: pgCpu === null ? 'n/a' : Math.round(pgCpu / 3),
      first_page_ms: round(median(first)), last_page_ms: round(median(last)), late_page_ms: round(median(late)),
      export_rows: exported, export_ms: Math.round(median(exports)),
      board_kb: round(boardBytes / 1024), page_kb: round(pageBytes / 1024),
      load_1m_start: round(loadStart), load_1m_end: round(os.loadavg()[0]!),
    },
    ratios: {
      board_ms: median(boards) / baseline, first_page_ms: median(first) / baseline,
      last_page_ms: median(last) / baseline, late_page_ms: median(late) / baseline,
    },
  };
}

async function timed(times: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    out.push(msSince(t));
  }
  return out;
}

/**
 * The chain, and each product launched at every store — three, ten and zero days ago — each launch a process of its
 * four step actions: a store has done `customer_id % 5` of them, late at every third store; the rest are open.
 */
async function generate(pool: pg.Pool, today: string): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  await generateStoreNetwork(pool, addCalendarDays(today, -10), PRODUCTS);
  const { rows: products } = await q('SELECT id FROM retail_products ORDER BY id');
  for (const [i, p] of products.entries()) {
    await q(`INSERT INTO process_instances (template_code, customer_id, started_by, created_at)
        SELECT 'shelf_launch', s.customer_id, (SELECT id FROM users WHERE wecom_userid = 'bench.rep'), now() FROM retail_stores s`);
    await q(`INSERT INTO retail_launches (store_id, product_id, launch_date, process_instance_id, created_by)
        SELECT p.customer_id, $1, $2::date, p.id, p.started_by FROM process_instances p
         WHERE p.template_code = 'shelf_launch' AND NOT EXISTS (SELECT 1 FROM retail_launches l WHERE l.process_instance_id = p.id)`,
    [p.id, addCalendarDays(today, -[3, 10, 0][i]!)]);
  }
  for (const step of LAUNCH_STEPS) {
    const { rows: [def] } = await q('SELECT id, version, code FROM action_definitions WHERE code = $1 ORDER BY version DESC LIMIT 1', [step.definitionCode]);
    // due at the end of the step's day in Beijing; done by the store when its number of steps done reaches this one
    await q(`INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, process_instance_id, node_key,
                                  status, due_at, submitted_at, created_at, updated_at)
        SELECT $1, $3, $2, '上架步骤', l.store_id, k.user_id, l.process_instance_id, $4,
               CASE WHEN done THEN 'submitted' ELSE 'dispatched' END, due,
               CASE WHEN done THEN due - CASE WHEN l.store_id % 3 = 0 THEN interval '-1 day' ELSE interval '3 hours' END END,
               l.launch_date, l.launch_date
          FROM retail_launches l JOIN retail_clerks k ON k.store_id = l.store_id
          CROSS JOIN LATERAL (SELECT (l.launch_date + $5::int + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' - interval '1 minute' AS due,
                                     l.store_id % 5 >= $6 AS done) x`,
    [def.id, def.version, def.code, step.key, step.dueWorkingDays, step.no]);
  }
}
