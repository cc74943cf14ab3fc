/**
 * Warning fan-out: 10,000 alert cards delivered from the outbox to the
 * loopback fake of WeCom (which, like WeCom, silently drops anything past
 * 30/min or 1000/h to one member) by two deliverers running side by side.
 * Two shapes of the same 10,000 warnings:
 *
 * - spread: 1,000 managers × 10 warnings — every card goes out on its own;
 * - pile-up: 20 managers × 500 warnings — each manager gets 29 cards and one
 *   digest card standing for the rest, within the minute, nothing dropped.
 *
 * Checked, not just timed: zero duplicates (no card shown twice) and zero
 * lost (every warning shown, on its own card or in a shown digest, and the
 * fake dropped nothing). Baseline: the same number of messages sent straight
 * through the WeCom client with the same concurrency (no database, no
 * throttle) — the ceiling of the HTTP path.
 *
 *   npx tsx bench/fanout.bench.ts
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { createCandidateTable, materializeAlerts } from '../core/alerts/alert-writer.js';
import { silenceRule } from '../core/alerts/rules/silence.rule.js';
import { withTransaction, createPool } from '../core/db/pool.js';
import { deliverOutbox } from '../core/outbox/deliver.js';
import { HttpWecomClient } from '../core/wecom/http-wecom-client.js';
import { startFakeWecom, type FakeWecom } from '../test/support/fake-wecom.js';
import { benchLogger, withTempBenchDatabase } from './bench-db.js';
import { msSince, printTable, resultRows, type BenchResult } from './report.js';

const WARNINGS = Number(process.env.BENCH_WARNINGS ?? 10_000);
const CORP = { corpId: 'wwbench0000000000', agentId: 1000002, secret: 'bench-secret' };
const CONCURRENCY = 8;
const PUBLIC_URL = 'https://af.example.com';

interface Shape { name: string; managers: number }

export async function run(): Promise<BenchResult> {
  return withTempBenchDatabase('af-bench-fanout-', CONCURRENCY + 2, async (db) => {
    const shapes: Shape[] = [{ name: 'spread', managers: 1_000 }, { name: 'pileup', managers: 20 }];
    const metrics: Record<string, number | string> = { warnings: WARNINGS, deliverers: 2, concurrency_each: CONCURRENCY };
    const rows = [];
    const baseline = await rawClientRate(WARNINGS, 1_000);
    metrics.baseline_raw_sends_per_s = Math.round(baseline);
    for (const shape of shapes) {
      const r = await deliverShape(db.pool, db.url, shape);
      metrics[`${shape.name}_warnings_per_s`] = Math.round(r.rate);
      metrics[`${shape.name}_seconds`] = Math.round(r.ms / 100) / 10;
      metrics[`${shape.name}_messages_sent`] = r.messages;
      metrics[`${shape.name}_digests`] = r.digests;
      metrics[`${shape.name}_duplicates`] = r.duplicates;
      metrics[`${shape.name}_lost`] = r.lost;
      metrics[`${shape.name}_dropped_by_wecom`] = r.dropped;
      rows.push({ name: `${shape.name}: ${shape.managers} managers × ${WARNINGS / shape.managers}`, value: Math.round(r.rate), unit: 'warnings/s',
        baseline: Math.round(baseline), ratio: r.rate / baseline });
      if (r.duplicates || r.lost || r.dropped) throw new Error(`${shape.name}: ${r.duplicates} duplicates, ${r.lost} lost, ${r.dropped} dropped`);
    }
    printTable('outbox → loopback WeCom (two deliverers) vs the raw client', rows);
    return {
      name: '预警发送 fanout',
      metrics,
      ratios: {
        spread_warnings_per_s: Number(metrics.spread_warnings_per_s) / baseline,
        pileup_warnings_per_s: Number(metrics.pileup_warnings_per_s) / baseline,
      },
    };
  });
}

async function deliverShape(pool: pg.Pool, url: string, shape: Shape) {
  await pool.query(`TRUNCATE delivery_log, alert_recipients, outbox, alerts RESTART IDENTITY CASCADE`);
  const managerIds = await ensureManagers(pool, shape.managers);
  await queueWarnings(pool, managerIds);
  const fake = await startFakeWecom(CORP);
  const { rows: users } = await pool.query(`SELECT wecom_userid, name FROM users`);
  fake.setUsers([{ id: 1, name: '基准公司', parentid: 0 }], users.map((u) => ({ userid: u.wecom_userid, name: u.name, department: [1] })));
  const second = createPool(url, CONCURRENCY + 2);
  try {
    const t = performance.now();
    const [a, b] = await Promise.all([drain(pool, fake, 'a'), drain(second, fake, 'b')]);
    const ms = msSince(t);
    const check = await verify(pool, fake);
    return { ms, rate: WARNINGS / (ms / 1000), messages: a.sent + b.sent, digests: a.digests + b.digests, ...check };
  } finally {
    await second.end();
    await fake.stop();
  }
}

/** One deliverer loop: rounds until the outbox has nothing left to send. */
async function drain(pool: pg.Pool, fake: FakeWecom, id: string): Promise<{ sent: number; digests: number }> {
  const wecom = new HttpWecomClient({ apiBase: fake.baseUrl, ...CORP, maxAttempts: 1, logger: benchLogger });
  const deps = { pool, wecom, logger: benchLogger, now: () => new Date(), config: { publicUrl: PUBLIC_URL } };
  let sent = 0;
  let digests = 0;
  const started = Date.now();
  for (;;) {
    const r = await deliverOutbox(deps, { batchSize: 200, concurrency: CONCURRENCY, workerId: `bench-${id}`, timeBudgetMs: 60_000 });
    sent += r.sent;
    digests += r.digests;
    const { rows: [left] } = await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`);
    if (left.n === 0) break;
    if (Date.now() - started > 10 * 60_000) throw new Error(`deliverer ${id}: ${left.n} messages still pending after 10 minutes`);
    if (r.sent === 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { sent, digests };
}

/** Every warning shown once: its own card, or a shown digest that folded it; nothing dropped. */
async function verify(pool: pg.Pool, fake: FakeWecom): Promise<{ duplicates: number; lost: number; dropped: number }> {
  const shown = new Map<string, number>();
  for (const s of fake.sent) {
    const key = s.body.template_card?.task_id ?? `digest:${s.msgid}`;
    shown.set(key, (shown.get(key) ?? 0) + s.delivered.length);
  }
  const duplicates = [...shown.values()].filter((n) => n > 1).length;
  const dropped = fake.sent.reduce((n, s) => n + s.undelivered.length, 0);
  const deliveredMsgids = new Set(fake.sent.filter((s) => s.delivered.length).map((s) => s.msgid));
  const { rows } = await pool.query(
    `SELECT o.id, o.status, COALESCE(d.wecom_msgid, o.wecom_msgid) AS msgid FROM outbox o LEFT JOIN outbox d ON d.id = o.digest_id
      WHERE o.alert_id IS NOT NULL`);
  const lost = rows.filter((r) => !(r.status === 'sent' || r.status === 'merged') || !deliveredMsgids.has(r.msgid)).length
    + Math.max(0, WARNINGS - rows.length);
  return { duplicates, lost, dropped };
}

async function ensureManagers(pool: pg.Pool, n: number): Promise<number[]> {
  await pool.query(
    `INSERT INTO users (wecom_userid, name, role) SELECT 'bench.mgr' || g, '主管' || g, 'manager' FROM generate_series(1, $1::int) g
     ON CONFLICT (wecom_userid) DO NOTHING`, [n]);
  const { rows } = await pool.query(
    `SELECT id FROM users WHERE wecom_userid = ANY(SELECT 'bench.mgr' || g FROM generate_series(1, $1::int) g) ORDER BY id`, [n]);
  return rows.map((r) => r.id);
}

/** WARNINGS alerts, spread evenly over the managers, each with its card in the outbox (the detection path). */
async function queueWarnings(pool: pg.Pool, managers: number[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await createCandidateTable(tx);
    await tx.query(
      `INSERT INTO alert_candidates (dedupe_key, rule_code, subject_type, subject_id, owner_id, title, summary, data, recipients)
       SELECT 'bench:' || g, 'silence', 'user', m.id, m.id, '客户「基准客户' || g || '」已9天无有效跟进', '上次有效跟进：9天前',
              jsonb_build_object('customer', jsonb_build_object('id', g, 'name', '基准客户' || g), 'since', now() - interval '9 days',
                                 'silentDays', 9, 'thresholdDays', 7, 'opportunities', '[]'::jsonb),
              jsonb_build_array(jsonb_build_object('userId', m.id, 'role', 'manager'))
         FROM generate_series(1, $1::int) g
         JOIN LATERAL (SELECT ($2::bigint[])[1 + (g % array_length($2::bigint[], 1))] AS id) m ON true`,
      [WARNINGS, managers]);
    await materializeAlerts(tx, silenceRule, { now: new Date(), publicUrl: PUBLIC_URL, secret: 'bench-secret-0123456789abcdef', sendAfter: null });
  });
}

/** Messages/s of the bare client against the fake, same concurrency, each member ≤ 10 messages (no drops). */
async function rawClientRate(n: number, members: number): Promise<number> {
  const fake = await startFakeWecom(CORP);
  try {
    const wecom = new HttpWecomClient({ apiBase: fake.baseUrl, ...CORP, maxAttempts: 1, logger: benchLogger });
    let next = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY * 2 }, async () => {
      for (let i = next++; i < n; i = next++) {
        await wecom.sendMessage({ touser: [`raw.${i % members}`], msgtype: 'text', text: { content: `基准消息 ${i}` } });
      }
    }));
    return n / (msSince(t) / 1000);
  } finally {
    await fake.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await run();
  printTable(r.name, resultRows(r));
}
