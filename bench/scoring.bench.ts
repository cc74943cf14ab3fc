/**
 * Win scores at scale (issue #20). An organisation from bench/generate-org.ts
 * (the history modules at bench scale: deals, stage moves, follow-ups, shared
 * documents and their opens; no visit reports — they take most of the generation), then:
 *
 * - score_all_ms: every open deal scored from scratch (facts, rules, stored with history) — target ≤ 5 s at 100k;
 *   baseline: the same deals scored one at a time, timed on a sample and extrapolated; beside it the CPU it took
 *   in this process and in the database's server processes (what a busy machine's wall time hides);
 * - read_p95_ms: one deal's score read through the core (the stored score and history by key) — target ≤ 20 ms;
 * - rescore_after_event_ms: an event on a deal written (its trigger queues the deal), then the queue scored as the
 *   jobs process does on the NOTIFY — target ≤ 200 ms;
 * - train_ms: the organisation's model trained on its closed deals (facts replayed as of each close) — target ≤ 30 s at 50k;
 * - demo_auc_learned / demo_auc_baseline: the demo generator's organisation, its model's time-split backtest
 *   AUC beside the static-field baseline's, and demo_odds_*: the odds multiplier it learned for the evidence
 *   verdicts, procurement progress and buying centre (read as they stood at each snapshot, not today).
 *
 *   npm run bench -- scoring                          ~100k open + 50k closed deals (~150k in all)
 *   BENCH_SCALE=small npm run bench -- scoring        a smoke run
 *   BENCH_SCALE=demo npm run bench -- scoring         the demo's model only (AUC, learned multipliers), no timing
 */
import '../core/zod-locale.js';
import type pg from 'pg';
import { loadActiveActor, WHOLE_COMPANY } from '../core/auth/actor.js';
import { recordEvent } from '../core/resources/events.js';
import { rescoreQueued } from '../core/scoring/rescore.js';
import { getOpportunityScore, scoreAllOpenOpportunities, scoreOpportunities } from '../core/scoring/scores.js';
import { getModelReport } from '../core/scoring/model-report.js';
import { trainOrgModel } from '../core/scoring/train.js';
import { loadConfig } from '../core/config.js';
import { generateDemoHistory } from '../core/seed/demo-history.js';
import { installDefaults } from '../core/seed/install.js';
import { BENCH_DEFAULTS, benchLogger, makeTempDir, postgresCpuMs, withTempBenchDatabase } from './bench-db.js';
import { generateOrg, printGenerateResult } from './generate-org.js';
import { median, msSince, type BenchResult } from './report.js';

// the history makes ~1.7 deals per customer, most of them closed; the closed ones past `closed` are
// reopened so the open deals are the ones to score and the closed ones the training set
const SCALES = {
  small: { reps: 50, customers: 9_000, closed: 5_000 },
  default: { reps: 500, customers: 90_000, closed: 50_000 },
} as const;

export async function run(): Promise<BenchResult> {
  const scaleName = (process.env.BENCH_SCALE ?? 'default') as keyof typeof SCALES;
  const scale = SCALES[scaleName] ?? SCALES.default;
  // BENCH_SCALE=demo: only the demo organisation's model (its AUC and what it learned), no timing
  if (process.env.BENCH_SCALE === 'demo') {
    const demo = await demoAuc();
    return { name: 'win scores (demo model only)', metrics: { scale: 'demo', ...demo }, ratios: { demo_auc_learned: demo.demo_auc_learned / demo.demo_auc_baseline } };
  }
  const metrics = await withTempBenchDatabase('af-bench-scoring-', 6, (db) => measure(db.pool, scale, db.dataDir));
  const demo = await demoAuc();
  const all = { scale: scaleName, ...metrics, ...demo };
  return {
    name: 'win scores',
    metrics: all,
    ratios: {
      score_all_ms: metrics.score_all_ms / metrics.score_one_by_one_ms,
      demo_auc_learned: demo.demo_auc_learned / demo.demo_auc_baseline,
    },
  };
}

async function measure(pool: pg.Pool, scale: (typeof SCALES)[keyof typeof SCALES], dataDir: string) {
  const now = new Date();
  // one deal per customer: about two in three still open, the rest closed by the history
  const gen = await generateOrg(pool, {
    reps: scale.reps, customers: scale.customers, events: 0, actions: 0, followups: true, contactsPerCustomer: 2,
    opportunityEvery: 1, seed: 20, now, onTable: (t) => console.error(`  ${t.table}: ${t.rows.toLocaleString('en-US')} rows in ${(t.ms / 1000).toFixed(1)} s`),
  });
  printGenerateResult(gen);
  await pool.query(`
    UPDATE opportunities o SET status = 'open', closed_at = NULL
      FROM (SELECT id FROM opportunities WHERE status <> 'open' ORDER BY closed_at DESC, id OFFSET $1) r WHERE r.id = o.id`, [scale.closed]);
  // as a database that has lived with its rows: autovacuum has set the visibility map and hint bits,
  // which a freshly bulk-loaded table would otherwise write on the scoring's first read of each page
  await pool.query('VACUUM (ANALYZE)');
  const { rows: [n] } = await pool.query(`SELECT count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status <> 'open')::int AS closed FROM opportunities`);
  console.error(`  ${n.open.toLocaleString('en-US')} open and ${n.closed.toLocaleString('en-US')} closed deals`);

  // the work as well as the wall time: on a busy machine the wall time is mostly waiting for a core
  const pg0 = postgresCpuMs(dataDir, BENCH_DEFAULTS.database, { exited: true });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { scored } = await scoreAllOpenOpportunities(pool, now);
  const scoreAll = msSince(t0);
  const nodeCpu = process.cpuUsage(cpu0);
  const pgCpu = pg0 === null ? null : postgresCpuMs(dataDir, BENCH_DEFAULTS.database, { exited: true })! - pg0;
  // what the generator's events queued and the scoring above left (deals closed since): the queue settles before the timings
  await rescoreQueued(pool, () => now);

  // the baseline: one deal per call, as a naive per-deal loop would
  const { rows: sample } = await pool.query(`SELECT id FROM opportunities WHERE status = 'open' ORDER BY random() LIMIT 200`);
  const t1 = performance.now();
  for (const r of sample) await scoreOpportunities(pool, [Number(r.id)], now);
  const oneByOne = (msSince(t1) / sample.length) * scored;

  // reads: the owner's score of a deal, as stored
  const reads: number[] = [];
  for (const r of sample.slice(0, 100)) {
    const { rows: [o] } = await pool.query('SELECT owner_id FROM opportunities WHERE id = $1', [r.id]);
    const actor = (await loadActiveActor(pool, { id: Number(o.owner_id) }))!;
    const t = performance.now();
    await getOpportunityScore(pool, actor, Number(r.id), now);
    reads.push(msSince(t));
  }
  reads.sort((a, b) => a - b);

  // an event: a deal's change written to the event log, whose trigger queues it; then the queue scored (the jobs process)
  const rescore: number[] = [];
  for (const r of sample.slice(100, 150)) {
    const t = performance.now();
    await recordEvent(pool, { actorId: null, entityType: 'opportunity', entityId: Number(r.id), type: 'opportunity.updated', data: { fields: ['amount'] } });
    await rescoreQueued(pool, () => new Date(now.getTime() + 60_000));
    rescore.push(msSince(t));
  }

  const t2 = performance.now();
  const trained = await trainOrgModel(pool, now);
  const train = msSince(t2);
  return {
    open_deals: scored, closed_deals: n.closed,
    score_all_ms: Math.round(scoreAll), score_one_by_one_ms: Math.round(oneByOne),
    score_all_node_cpu_ms: Math.round((nodeCpu.user + nodeCpu.system) / 1000), score_all_pg_cpu_ms: pgCpu ?? 'n/a',
    read_p50_ms: +median(reads).toFixed(1), read_p95_ms: +reads[Math.floor(reads.length * 0.95)].toFixed(1),
    rescore_after_event_ms: +median(rescore).toFixed(1),
    train_ms: Math.round(train), train_status: trained.status,
    ...(trained.status === 'learned' ? { bench_auc_learned: +(trained.backtest.learned.auc ?? 0).toFixed(3), bench_auc_baseline: +(trained.backtest.baseline.auc ?? 0).toFixed(3) } : {}),
  };
}

/** The demo organisation (as `npm start` makes it, rows only): its model's backtest beside the static baseline. */
async function demoAuc() {
  return withTempBenchDatabase('af-bench-scoring-demo-', 4, async ({ pool }) => {
    const now = new Date();
    await installDefaults(pool, { seedDemo: true, now, logger: benchLogger });
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: makeTempDir('af-bench-scoring-files-'), SESSION_SECRET: 'bench-secret-0123456789abcdef' });
    await generateDemoHistory(pool, { now, storage: null, system: { config, logger: benchLogger } });
    const r = await trainOrgModel(pool, now);
    if (r.status !== 'learned') throw new Error(`the demo has too few closed deals: ${JSON.stringify(r)}`);
    // what it learned of #19's and #22's inputs (as 赢率模型 lists them): the odds multiplier per unit of each
    const report = await getModelReport(pool, WHOLE_COMPANY, now);
    const learned = Object.fromEntries((report.model?.weights ?? [])
      .filter((w) => /^(evidence|procurement|buying_centre)\./.test(w.key))
      .map((w) => [`demo_odds_${w.key.replace(/\W/g, '_')}`, +w.odds.toFixed(2)]));
    return {
      ...learned,
      demo_won: r.won, demo_lost: r.lost,
      demo_auc_learned: +(r.backtest.learned.auc ?? 0).toFixed(3), demo_auc_baseline: +(r.backtest.baseline.auc ?? 0).toFixed(3),
      demo_brier_learned: +(r.backtest.learned.brier ?? 0).toFixed(3), demo_brier_baseline: +(r.backtest.baseline.brier ?? 0).toFixed(3),
    };
  });
}
