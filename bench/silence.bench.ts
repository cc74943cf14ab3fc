/**
 * The nightly silence check (沉默客户) at scale: an organisation of up to a
 * million customers from bench/generate-org.ts, follow-ups in the event log,
 * and the alerts of the nights before already open. Measured:
 *
 * - detect_ms: the nightly detection query (ranges on the indexed, denormalised
 *   customers.last_effective_followup_at since the previous night, anti-joined
 *   with open alerts) — the target is ≤ 1 s at a million customers;
 *   detect_full_sweep_ms: the same over every silent customer (weekly / after a rule change);
 * - silent_set_ms: every silent customer, from the denormalised column;
 *   full_scan_ms: the same set computed from the follow-ups themselves (GROUP BY
 *   customer over every effective follow-up), i.e. without the column;
 *   naive_loop_ms: one query per customer (last follow-up, then "is there an
 *   alert?"), timed on a sample and extrapolated to every customer;
 * - nightly_run_ms / second_run_ms / full_sweep_run_ms: the whole job (resolve
 *   pass, detection, alerts + recipients + cards in one transaction), then again
 *   with nothing new, then as the weekly full sweep.
 *
 *   npx tsx bench/silence.bench.ts                       500 reps, 1M customers, 2M events
 *   BENCH_SCALE=medium npx tsx bench/silence.bench.ts    200 / 200k / 1M, with the followups table
 *   BENCH_SCALE=small npx tsx bench/silence.bench.ts     50 / 20k / 100k (a smoke run)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { runSilenceCheck, stageSilenceAlerts } from '../core/alerts/silence.js';
import { createCandidateTable } from '../core/alerts/alert-writer.js';
import { loadConfig } from '../core/config.js';
import { DAY_MS } from '../core/flow/time.js';
import { benchLogger, withTempBenchDatabase } from './bench-db.js';
import { generateOrg, printGenerateResult } from './generate-org.js';
import { median, msSince, printTable, resultRows, type BenchResult } from './report.js';

// followups (the 跟进 table, ~6 rows per customer, consistent with the customers' clocks) are the
// natural source for the set-based baseline but take long to generate; at a million customers the
// baseline reads the event log's follow-up events instead (same shape of work, ~35% of 2M events)
const SCALES = {
  small: { reps: 50, customers: 20_000, events: 100_000, followups: true, sample: 500 },
  medium: { reps: 200, customers: 200_000, events: 1_000_000, followups: true, sample: 1_000 },
  default: { reps: 500, customers: 1_000_000, events: 2_000_000, followups: false, sample: 2_000 },
} as const;

const DAYS = 7;
const RUNS = 3;
const EFFECTIVE_TYPES = ['followup.recorded', 'visit.submitted'];

export async function run(): Promise<BenchResult> {
  const scaleName = (process.env.BENCH_SCALE ?? 'default') as keyof typeof SCALES;
  const scale = SCALES[scaleName] ?? SCALES.default;
  return withTempBenchDatabase('af-bench-silence-', 4, (db) => measure(db.pool, scaleName, scale));
}

async function measure(pool: pg.Pool, scaleName: string, scale: (typeof SCALES)[keyof typeof SCALES]): Promise<BenchResult> {
  const now = new Date();
  const tg = performance.now();
  const gen = await generateOrg(pool, {
    reps: scale.reps, customers: scale.customers, events: scale.events, followups: scale.followups, actions: 0,
    contactsPerCustomer: 0, opportunityEvery: 20, seed: 7, now,
    onTable: (t) => console.error(`  ${t.table}: ${t.rows.toLocaleString('en-US')} rows in ${(t.ms / 1000).toFixed(1)} s`),
  });
  printGenerateResult(gen);
  const generateS = msSince(tg) / 1000;
  const yesterday = new Date(now.getTime() - DAY_MS);
  const previous = await openPreviousNightsAlerts(pool, yesterday);
  await pool.query('ANALYZE alerts');
  const cutoff = new Date(now.getTime() - DAYS * DAY_MS);
  const yesterdaysCutoff = new Date(cutoff.getTime() - DAY_MS);

  // 1. the job's detection (candidates selected, decided by the rule, staged), inside a transaction
  // that is rolled back: tonight's range, then a full sweep
  const detectWith = (since: Date | null) => inRolledBackTx(pool, async (tx) => {
    await createCandidateTable(tx);
    return stageSilenceAlerts(tx, { params: { days: DAYS, recipients: ['owner', 'owner_manager'] }, now, since, customerIds: [] });
  });
  let newCandidates = 0;
  const detect = await timed(async () => { newCandidates = await detectWith(yesterdaysCutoff); });
  let sweepCandidates = 0;
  const detectFull = await timed(async () => { sweepCandidates = await detectWith(null); });
  const plan = await explainSilentScan(pool, yesterdaysCutoff, cutoff);

  let silent = 0;
  const silentSet = await timed(async () => {
    silent = Number((await pool.query(
      `SELECT (SELECT count(*) FROM customers WHERE status = 'active' AND last_effective_followup_at < $1)
            + (SELECT count(*) FROM customers WHERE status = 'active' AND last_effective_followup_at IS NULL AND became_active_at < $1) AS n`,
      [cutoff])).rows[0].n);
  });

  // 2. set-based, without the denormalised column: the last effective follow-up per customer by GROUP BY
  const source = scale.followups ? 'followups' : 'events';
  const lastEffective = scale.followups
    ? `SELECT customer_id AS id, max(at) AS last FROM followups WHERE effective GROUP BY customer_id`
    : `SELECT entity_id AS id, max(at) AS last FROM events
        WHERE entity_type = 'customer' AND type = ANY($2) AND (data->>'effective')::boolean GROUP BY entity_id`;
  let fromScan = 0;
  const fullScan = await timed(async () => {
    fromScan = Number((await pool.query(
      `SELECT count(*) AS n FROM customers c LEFT JOIN (${lastEffective}) f ON f.id = c.id
        WHERE c.status = 'active' AND COALESCE(f.last, c.became_active_at) < $1`,
      scale.followups ? [cutoff] : [cutoff, EFFECTIVE_TYPES])).rows[0].n);
  }, 1);

  // 3. one customer at a time, on a sample, extrapolated
  const { rows: sample } = await pool.query(
    `SELECT id, became_active_at FROM customers WHERE status = 'active' ORDER BY hashint8(id) LIMIT $1`, [scale.sample]);
  const ts = performance.now();
  let naiveHits = 0;
  for (const c of sample) {
    const { rows: [f] } = scale.followups
      ? await pool.query(`SELECT max(at) AS last FROM followups WHERE customer_id = $1 AND effective`, [c.id])
      : await pool.query(
        `SELECT max(at) AS last FROM events WHERE entity_type = 'customer' AND entity_id = $1 AND type = ANY($2)
            AND (data->>'effective')::boolean`, [c.id, EFFECTIVE_TYPES]);
    const since: Date = f.last ?? c.became_active_at;
    if (since < cutoff) {
      const { rows: open } = await pool.query(
        `SELECT 1 FROM alerts WHERE rule_code = 'silence' AND subject_id = $1 AND status <> 'resolved' LIMIT 1`, [c.id]);
      if (open.length === 0) naiveHits++;
    }
  }
  const naivePerCustomerMs = (performance.now() - ts) / sample.length;
  const activeCustomers = Number((await pool.query(`SELECT count(*) AS n FROM customers WHERE status = 'active'`)).rows[0].n);
  const naiveMs = naivePerCustomerMs * activeCustomers;

  // 4. the whole job, for real, after last night's run: tonight's new episodes become alerts with their cards
  const ruleUpdatedAt = (await pool.query(`SELECT updated_at FROM alert_rules WHERE code = 'silence'`)).rows[0].updated_at as Date;
  await pool.query(
    `INSERT INTO alert_rule_runs (rule_code, started_at, finished_at, result) VALUES ('silence', $1, $1, $2)`,
    [yesterday, JSON.stringify({
      cutoff: yesterdaysCutoff.toISOString(), thresholdDays: DAYS, fullSweepAt: yesterday.toISOString(), ruleUpdatedAt: ruleUpdatedAt.toISOString(),
    })]);
  const deps = {
    pool, logger: benchLogger, now: () => now,
    config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-0123456789abcdef', PUBLIC_URL: 'https://af.example.com' }),
  };
  const tn = performance.now();
  const nightly = await runSilenceCheck(deps);
  const nightlyMs = msSince(tn);
  const second = await timed(async () => { await runSilenceCheck(deps); }, 1);
  let sweep: Awaited<ReturnType<typeof runSilenceCheck>> | null = null;
  const sweepRun = await timed(async () => { sweep = await runSilenceCheck(deps, { full: true }); }, 1);
  const opened = Number(nightly.opened ?? 0);

  printTable('which customers are silent: three ways to the same set', [
    { name: 'denormalised column (indexed)', value: silentSet, unit: 'ms' },
    { name: `set-based from ${source} (GROUP BY)`, value: fullScan, unit: 'ms', baseline: silentSet, ratio: fullScan / silentSet },
    { name: `per-customer loop (sample ${sample.length}, extrapolated)`, value: Math.round(naiveMs), unit: 'ms', baseline: silentSet, ratio: naiveMs / silentSet },
  ]);
  printTable('the job', [
    { name: 'nightly detection (since last night)', value: detect, unit: 'ms' },
    { name: 'full-sweep detection (every silent customer)', value: detectFull, unit: 'ms', baseline: detect, ratio: detectFull / detect },
    { name: 'nightly job (resolve + detect + alerts + cards)', value: nightlyMs, unit: 'ms' },
    { name: 'nightly job, nothing new', value: second, unit: 'ms' },
    { name: 'weekly full sweep job', value: sweepRun, unit: 'ms' },
  ]);
  console.log(`  plan of the nightly range scan: ${plan}`);
  return {
    name: '沉默客户检查 silence-check',
    metrics: {
      scale: `${scaleName}: ${scale.reps} reps / ${scale.customers.toLocaleString('en-US')} customers / ${scale.events.toLocaleString('en-US')} events`,
      generate_s: Math.round(generateS),
      silent_customers: silent,
      open_alerts_from_previous_nights: previous,
      new_episodes_tonight: newCandidates,
      detect_ms: detect,
      target: detect <= 1000 ? 'met (≤ 1 s)' : 'MISSED (> 1 s)',
      detect_full_sweep_ms: detectFull,
      full_sweep_candidates: sweepCandidates,
      silent_set_ms: silentSet,
      full_scan_ms: fullScan,
      full_scan_source: source,
      full_scan_silent_customers: fromScan,
      naive_loop_ms: Math.round(naiveMs),
      naive_per_customer_ms: Math.round(naivePerCustomerMs * 100) / 100,
      naive_sample_new_alerts: naiveHits,
      nightly_run_ms: nightlyMs,
      nightly_alerts_opened: opened,
      nightly_cards_queued: Number(nightly.messages ?? 0),
      nightly_alerts_per_s: Math.round(opened / Math.max(nightlyMs / 1000, 1e-9)),
      second_run_ms: second,
      full_sweep_run_ms: sweepRun,
      full_sweep_opened: Number((sweep as { opened?: number } | null)?.opened ?? 0),
    },
    // how much the denormalised, indexed column saves over computing the set from follow-ups
    ratios: { full_scan_ms: fullScan / silentSet, naive_loop_ms: naiveMs / silentSet, detect_full_sweep_ms: detectFull / detect },
  };
}

/**
 * The nights before: every customer already silent yesterday has its open
 * alert (bulk-inserted; recipients and cards do not matter to detection).
 */
async function openPreviousNightsAlerts(pool: pg.Pool, yesterday: Date): Promise<number> {
  const t = performance.now();
  const r = await pool.query(
    `INSERT INTO alerts (rule_code, subject_type, subject_id, dedupe_key, title, window_start, owner_id, department_id, opened_at, updated_at)
     SELECT 'silence', 'customer', c.id,
            'silence:' || c.id || ':' || shanghai_day(s.since),
            '客户「' || c.name || '」无有效跟进', s.since, c.owner_id, c.department_id, $1, $1
       FROM customers c CROSS JOIN LATERAL (SELECT COALESCE(c.last_effective_followup_at, c.became_active_at) AS since) s
      WHERE c.status = 'active' AND s.since < $1::timestamptz - make_interval(days => $2)`,
    [yesterday, DAYS]);
  console.error(`  previous nights' open alerts: ${(r.rowCount ?? 0).toLocaleString('en-US')} in ${(msSince(t) / 1000).toFixed(1)} s`);
  return r.rowCount ?? 0;
}

async function explainSilentScan(pool: pg.Pool, lower: Date, cutoff: Date): Promise<string> {
  const { rows } = await pool.query(
    `EXPLAIN SELECT id FROM customers c WHERE c.status = 'active' AND c.last_effective_followup_at < $2
        AND c.last_effective_followup_at >= $1`, [lower, cutoff]);
  return rows.map((r) => r['QUERY PLAN']).find((l: string) => /Scan/.test(l))?.trim() ?? '';
}

async function inRolledBackTx<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    return await fn(tx);
  } finally {
    await tx.query('ROLLBACK').catch(() => undefined);
    tx.release();
  }
}

/** Median wall time (ms) of `runs` calls. */
async function timed(fn: () => Promise<void>, runs = RUNS): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(msSince(t));
  }
  return Math.round(median(samples));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await run();
  printTable(r.name, resultRows(r));
}
