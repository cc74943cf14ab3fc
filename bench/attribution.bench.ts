/**
 * 结果归因 at scale (issue #20 item 6). An organisation from bench/generate-org.ts (the history modules: deals,
 * stage moves, visits and deal tasks as actions with their reports, follow-ups, shared documents and opens),
 * then the report as the director (everyone) and as a manager (one team) reads it over the whole history:
 *
 * - director_ms / manager_ms: the report through the core (closed deals, occurrences per stage, intervals, rep mix), median of 5;
 * - baseline_ms: counting the same closed deals (the least any report over them must do), median of 5.
 *
 *   npm run bench -- attribution                      ~200 reps, 20k customers
 *   BENCH_SCALE=small npm run bench -- attribution    a smoke run
 */
import '../core/zod-locale.js';
import type pg from 'pg';
import { getAttributionReport } from '../core/attribution/report.js';
import { loadActiveActor } from '../core/auth/actor.js';
import { withTempBenchDatabase } from './bench-db.js';
import { generateOrg, printGenerateResult } from './generate-org.js';
import { median, msSince, type BenchResult } from './report.js';

const SCALES = {
  small: { reps: 40, customers: 4_000 },
  default: { reps: 200, customers: 20_000 },
} as const;

export async function run(): Promise<BenchResult> {
  const scaleName = (process.env.BENCH_SCALE ?? 'default') as keyof typeof SCALES;
  const scale = SCALES[scaleName] ?? SCALES.default;
  const metrics = await withTempBenchDatabase('af-bench-attribution-', 6, (db) => measure(db.pool, scale));
  return {
    name: '结果归因',
    metrics: { scale: scaleName, ...metrics },
    ratios: { director_ms: metrics.director_ms / metrics.baseline_ms, manager_ms: metrics.manager_ms / metrics.baseline_ms },
  };
}

async function measure(pool: pg.Pool, scale: (typeof SCALES)[keyof typeof SCALES]) {
  const now = new Date();
  const gen = await generateOrg(pool, {
    reps: scale.reps, customers: scale.customers, events: 0, seed: 21, now,
    onTable: (t) => console.error(`  ${t.table}: ${t.rows.toLocaleString('en-US')} rows in ${(t.ms / 1000).toFixed(1)} s`),
  });
  printGenerateResult(gen);
  const director = (await loadActiveActor(pool, { id: Number((await pool.query(`SELECT id FROM users WHERE role = 'director' ORDER BY id LIMIT 1`)).rows[0].id) }))!;
  const manager = (await loadActiveActor(pool, { id: Number((await pool.query(`SELECT id FROM users WHERE role = 'manager' ORDER BY id LIMIT 1`)).rows[0].id) }))!;
  const q = {};
  const times = async (fn: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) { const t = performance.now(); await fn(); ms.push(msSince(t)); }
    return median(ms);
  };
  const report = await getAttributionReport(pool, director, q, now);
  const period = [new Date(`${report.period.from}T00:00:00+08:00`), new Date(`${report.period.to}T00:00:00+08:00`)];
  const baseline = await times(() => pool.query(`SELECT count(*) FROM opportunities WHERE status IN ('won','lost') AND closed_at >= $1 AND closed_at < $2`, period));
  const directorMs = await times(() => getAttributionReport(pool, director, q, now));
  const managerMs = await times(() => getAttributionReport(pool, manager, q, now));
  const teamDeals = (await getAttributionReport(pool, manager, q, now)).totals.deals;
  return {
    closed_deals: report.totals.deals, won: report.totals.won, team_closed_deals: teamDeals, kinds: report.kinds.length,
    director_ms: directorMs, manager_ms: managerMs, baseline_ms: baseline,
  };
}
