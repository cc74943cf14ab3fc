/**
 * Crash safety of visit-report submissions: while a load of submissions runs
 * against a real API process, the process is killed with SIGKILL (no
 * shutdown hook runs), restarted, and every submission that was answered
 * (200 accepted, 422 rejected with its bookkeeping) must be in the database
 * exactly as answered. Requests cut off by the kill are retried with their
 * Idempotency-Key after the restart and must end up applied exactly once.
 *
 *   npx tsx bench/kill-during-submissions.ts      ACTIONS=300 CONCURRENCY=16 KILL_AFTER_ANSWERS=100 (+0–200 ms)
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { installDefaults } from '../core/seed/install.js';
import { benchLogger, freePort, makeTempDir, openBenchDatabase, processesMentioning, serveApp, spawnServer } from './bench-db.js';

const SELF = fileURLToPath(import.meta.url);
const SECRET = 'bench-kill-secret-0123456789';
const ACTIONS = Number(process.env.ACTIONS ?? 300);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
// kill once this many requests were answered, plus a random 0–200 ms so the kill lands mid-transaction
const KILL_AFTER_ANSWERS = Number(process.env.KILL_AFTER_ANSWERS ?? Math.floor(ACTIONS / 3));

// --serve: the child — the real Koa app over DATABASE_URL on PORT, nothing else
if (process.argv.includes('--serve')) {
  await serveApp({ secret: SECRET, poolSize: 20 });
} else {
  await main();
}

interface Job { actionId: number; key: string; body: unknown; valid: boolean }
type Outcome = { job: Job; status: number; body: any; replayed: boolean } | { job: Job; status: 'cut'; error: string };

async function main(): Promise<void> {
  const dataDir = makeTempDir('af-bench-kill-');
  const db = await openBenchDatabase({ dataDir, port: await freePort(), fresh: true, poolSize: 4 });
  let server: ChildProcess | null = null;
  try {
    await installDefaults(db.pool, { seedDemo: true, now: new Date(), logger: benchLogger });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = await spawnServer(SELF, db.url, port);
    const token = await signIn(base, 'rep.zhao');
    const jobs = await prepareJobs(db.pool);
    console.log(`${jobs.length} submissions (${jobs.filter((j) => j.valid).length} valid), ${CONCURRENCY} at a time; SIGKILL after ${KILL_AFTER_ANSWERS} answers`);

    const outcomes: Outcome[] = [];
    let killTimer: NodeJS.Timeout | undefined;
    const victim = server;
    await runPool(jobs, CONCURRENCY, async (job) => {
      const o = await submit(base, token, job);
      outcomes.push(o);
      if (o.status !== 'cut' && outcomes.length >= KILL_AFTER_ANSWERS && !killTimer) {
        killTimer = setTimeout(() => victim.kill('SIGKILL'), Math.random() * 200);
      }
    });
    await waitExit(victim);
    const answered = outcomes.filter((o): o is Extract<Outcome, { status: number }> => o.status !== 'cut');
    const cut = outcomes.filter((o) => o.status === 'cut');
    console.log(`before the kill: ${answered.filter((o) => o.status === 200).length} accepted, ${answered.filter((o) => o.status === 422).length} rejected, ` +
      `${answered.filter((o) => o.status !== 200 && o.status !== 422).length} other; ${cut.length} cut off`);

    server = await spawnServer(SELF, db.url, port);
    const problems = await verifyAnswered(db.pool, answered);
    const retried: Outcome[] = [];
    await runPool(cut.map((o) => o.job), CONCURRENCY, async (job) => { retried.push(await submit(base, token, job)); });
    problems.push(...retried.filter((o) => o.status !== 200 && o.status !== 422).map((o) => `retry of action ${o.job.actionId} answered ${o.status}`));
    problems.push(...await verifyExactlyOnce(db.pool, jobs));
    const replays = retried.filter((o) => o.status !== 'cut' && o.replayed).length;
    console.log(`after restart: ${retried.length} cut-off submissions retried with their keys (${replays} had committed before the kill and were replayed)`);
    if (problems.length) {
      console.log(`FAIL: ${problems.length} problems\n  ${problems.slice(0, 20).join('\n  ')}`);
      process.exitCode = 1;
    } else {
      console.log(`OK: every answered submission is stored as answered; every action has exactly one accepted submission or only rejected ones`);
    }
  } finally {
    if (server && server.exitCode === null) { server.kill('SIGKILL'); await waitExit(server); }
    await db.close();
    const left = processesMentioning(dataDir);
    if (left.length) console.log(`warning: postgres processes left behind: ${left.join(', ')}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

function waitExit(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

async function signIn(base: string, userid: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/dev-login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userid }) });
  if (!res.ok) throw new Error(`dev-login failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** One dispatched visit per submission; two thirds with a report that passes, the rest one that fails. */
async function prepareJobs(pool: pg.Pool): Promise<Job[]> {
  const { rows: [u] } = await pool.query(`SELECT id, manager_id FROM users WHERE wecom_userid = 'rep.zhao'`);
  const { rows: [c] } = await pool.query(`SELECT id, lat, lng FROM customers WHERE name = '华联超市总部'`);
  const { rows: [def] } = await pool.query(`SELECT id, version FROM action_definitions WHERE code = 'visit' AND active`);
  const orders = (await pool.query('SELECT id FROM orders WHERE customer_id = $1 ORDER BY ordered_at DESC, id DESC LIMIT 3', [c.id])).rows.map((r) => r.id);
  const now = new Date();
  const jobs: Job[] = [];
  for (let i = 0; i < ACTIONS; i++) {
    const { rows: [a] } = await pool.query(
      `INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, assigner_id, department_id, due_at)
       SELECT $1, 'visit', $2, $3, $4, id, manager_id, department_id, now() + interval '3 days' FROM users WHERE id = $5 RETURNING id`,
      [def.id, def.version, `压测拜访 ${i}`, c.id, u.id]);
    const photo = async (tag: string) => (await pool.query(
      `INSERT INTO attachments (sha256, kind, mime, size, tags, captured_at, uploaded_by) VALUES (encode(sha256($1::bytea), 'hex'), 'photo', 'image/jpeg', 1000, $2, $3, $4) RETURNING id`,
      [randomUUID(), [tag], new Date(now.getTime() - 60_000), u.id])).rows[0].id;
    const voice = (await pool.query(
      `INSERT INTO attachments (sha256, kind, mime, size, uploaded_by) VALUES (encode(sha256($1::bytea), 'hex'), 'voice', 'audio/amr', 1000, $2) RETURNING id`,
      [randomUUID(), u.id])).rows[0].id;
    const valid = i % 3 !== 2;
    jobs.push({
      actionId: a.id, key: `kill-${randomUUID()}`, valid,
      body: {
        fields: { decisionRole: '采购者', nextContactAt: new Date(now.getTime() + 7 * 86_400_000).toISOString() },
        attachmentIds: valid ? [await photo('门头照'), await photo('合影'), voice] : [await photo('门头照'), voice],
        checkIn: { lat: c.lat, lng: c.lng, coordSystem: 'gcj02', at: now.toISOString() },
        transcript: '采购经理说价格偏高，账期太长、回款慢。',
        linkedOrderIds: orders,
      },
    });
  }
  return jobs;
}

async function submit(base: string, token: string, job: Job): Promise<Outcome> {
  try {
    const res = await fetch(`${base}/api/actions/${job.actionId}/visit-report`, {
      method: 'POST', body: JSON.stringify(job.body),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Idempotency-Key': job.key },
    });
    return { job, status: res.status, body: await res.json(), replayed: res.headers.get('idempotent-replayed') === 'true' };
  } catch (err) {
    return { job, status: 'cut', error: (err as Error).message };
  }
}

async function runPool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** Every 200 and every 422 answered before the kill is in the database as answered. */
async function verifyAnswered(pool: pg.Pool, answered: Array<{ job: Job; status: number; body: any }>): Promise<string[]> {
  const problems: string[] = [];
  for (const o of answered) {
    const id = o.status === 200 ? o.body.submissionId : o.body?.error?.details?.submissionId;
    if (o.status !== 200 && o.status !== 422) { problems.push(`action ${o.job.actionId} answered ${o.status} ${JSON.stringify(o.body)}`); continue; }
    const { rows: [s] } = await pool.query('SELECT outcome, action_id FROM submissions WHERE id = $1', [id]);
    const want = o.status === 200 ? 'accepted' : 'rejected';
    if (!s || s.outcome !== want || s.action_id !== o.job.actionId) problems.push(`answered ${o.status} for action ${o.job.actionId} but submission ${id} is ${JSON.stringify(s ?? null)}`);
    const { rows: [a] } = await pool.query('SELECT status FROM actions WHERE id = $1', [o.job.actionId]);
    if (o.status === 200 && a.status !== 'submitted') problems.push(`action ${o.job.actionId} accepted but ${a.status}`);
    const ev = await pool.query(`SELECT count(*)::int AS n FROM events WHERE entity_type = 'action' AND entity_id = $1 AND type = $2`,
      [o.job.actionId, o.status === 200 ? 'action.submitted' : 'action.submission_rejected']);
    if (ev.rows[0].n < 1) problems.push(`action ${o.job.actionId}: no event for its ${want} submission`);
  }
  return problems;
}

/** After the retries: each valid job accepted exactly once, each invalid one never accepted. */
async function verifyExactlyOnce(pool: pg.Pool, jobs: Job[]): Promise<string[]> {
  const { rows } = await pool.query(
    `SELECT action_id, count(*) FILTER (WHERE outcome = 'accepted')::int AS accepted FROM submissions WHERE action_id = ANY($1) GROUP BY action_id`,
    [jobs.map((j) => j.actionId)]);
  const accepted = new Map(rows.map((r) => [r.action_id, r.accepted]));
  return jobs.flatMap((j) => {
    const n = accepted.get(j.actionId) ?? 0;
    return n === (j.valid ? 1 : 0) ? [] : [`action ${j.actionId} (${j.valid ? 'valid' : 'invalid'}) has ${n} accepted submissions`];
  });
}
