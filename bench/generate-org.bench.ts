/**
 * The data generator's throughput, against two baselines measured in the same
 * run on the same server: the plain ceiling (events-shaped rows into a table
 * with no index, no foreign key, constant values) and the client-side path
 * most code would write (1,000-row parameterised INSERT … VALUES).
 *
 *   npx tsx bench/generate-org.bench.ts                    200 reps, 50k customers, 100k actions, 1M events
 *   BENCH_SCALE=full npx tsx bench/generate-org.bench.ts   500 / 100k / 500k / 5M
 *   BENCH_SCALE=small …                                    50 / 5k / 10k / 100k (a smoke run)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { withTempBenchDatabase } from './bench-db.js';
import { generateOrg, printGenerateResult } from './generate-org.js';
import { printTable, resultRows, type BenchResult } from './report.js';

const SCALES = {
  small: { reps: 50, customers: 5_000, actions: 10_000, events: 100_000 },
  default: { reps: 200, customers: 50_000, actions: 100_000, events: 1_000_000 },
  full: { reps: 500, customers: 100_000, actions: 500_000, events: 5_000_000 },
} as const;

export async function run(): Promise<BenchResult> {
  const scaleName = (process.env.BENCH_SCALE ?? 'default') as keyof typeof SCALES;
  const scale = SCALES[scaleName] ?? SCALES.default;
  return withTempBenchDatabase('af-bench-gen-', 4, async (db) => {
    const plain = await plainCeiling(db.pool, 200_000);
    const client = await clientBatched(db.pool, 50_000);
    const r = await generateOrg(db.pool, { ...scale, seed: 42 });
    printGenerateResult(r);
    const perTable = Object.fromEntries(r.tables.map((t) => [`${t.table.replace(/\W+/g, '_').replace(/_$/, '')}_rows_per_s`, Math.round(t.rowsPerSec)]));
    const events = r.tables.find((t) => t.table === 'events');
    const metrics = {
      scale: `${scaleName}: ${scale.reps}/${scale.customers}/${scale.actions}/${scale.events}`,
      ...perTable,
      total_rows: r.rows,
      total_rows_per_s: Math.round(r.rowsPerSec),
      insert_s: round(r.insertMs / 1000),
      fk_check_s: round(r.verifyMs / 1000),
      analyze_s: round(r.analyzeMs / 1000),
      baseline_plain_rows_per_s: Math.round(plain),
      baseline_client_1000_row_insert_rows_per_s: Math.round(client),
    };
    const ratios: Record<string, number> = { total_rows_per_s: r.rowsPerSec / client };
    if (events) {
      ratios.events_rows_per_s = events.rowsPerSec / plain;
    }
    printTable('generator vs baselines (same server, same run)', [
      ...(events ? [{ name: 'events (indexes + realistic values)', value: Math.round(events.rowsPerSec), unit: 'rows/s',
        baseline: Math.round(plain), ratio: events.rowsPerSec / plain }] : []),
      { name: 'all tables', value: Math.round(r.rowsPerSec), unit: 'rows/s', baseline: Math.round(client), ratio: r.rowsPerSec / client },
    ]);
    console.log('  baselines: plain = INSERT…SELECT of constant events-shaped rows into a bare table;' +
      ' client = 1,000-row INSERT … VALUES sent from Node');
    return { name: 'generate-org', metrics, ratios };
  });
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Rows/s of the cheapest possible server-side insert of events-shaped rows. */
async function plainCeiling(pool: pg.Pool, n: number): Promise<number> {
  await pool.query(`CREATE TABLE bench_plain (id bigserial, at timestamptz, actor_id bigint, entity_type text, entity_id bigint,
                                              type text, data jsonb)`);
  try {
    const t = performance.now();
    await pool.query(
      `INSERT INTO bench_plain (at, actor_id, entity_type, entity_id, type, data)
       SELECT now() - g * interval '1 second', 1, 'customer', g, 'followup.recorded', '{"effective":true,"channel":"visit"}'::jsonb
         FROM generate_series(1, $1::int) g`, [n]);
    return n / ((performance.now() - t) / 1000);
  } finally {
    await pool.query('DROP TABLE bench_plain');
  }
}

/** Rows/s of 1,000-row parameterised INSERT … VALUES into the real events table (indexes, FK). */
async function clientBatched(pool: pg.Pool, n: number): Promise<number> {
  const actor = (await pool.query(`INSERT INTO users (wecom_userid, name, role) VALUES ('bench.baseline', '基线', 'rep') RETURNING id`)).rows[0].id;
  const per = 1000;
  const placeholders = Array.from({ length: per }, (_, i) => `($${i * 5 + 1}::timestamptz, $${i * 5 + 2}::bigint, 'customer', $${i * 5 + 3}::bigint, $${i * 5 + 4}, $${i * 5 + 5}::jsonb)`).join(',');
  const sql = `INSERT INTO events (at, actor_id, entity_type, entity_id, type, data) VALUES ${placeholders}`;
  const t = performance.now();
  for (let done = 0; done < n; done += per) {
    const params: unknown[] = [];
    for (let i = 0; i < per; i++) {
      params.push(new Date(Date.now() - (done + i) * 1000), actor, done + i, 'followup.recorded', '{"effective":true,"channel":"visit"}');
    }
    await pool.query(sql, params);
  }
  const rate = n / ((performance.now() - t) / 1000);
  // events is append-only (a trigger refuses DELETE): the baseline's rows are removed by emptying the table
  await pool.query('TRUNCATE events');
  await pool.query(`DELETE FROM users WHERE wecom_userid = 'bench.baseline'`);
  return rate;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await run();
  printTable(r.name, resultRows(r));
}
