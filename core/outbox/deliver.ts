/**
 * The outbox deliverer: sends pending `outbox` rows to WeCom, each exactly
 * once, within every member's limits, from any number of worker processes.
 *
 * - Claim: in a short transaction, the recipients of the oldest due rows are
 *   taken under advisory locks (one worker per recipient at a time), their
 *   due rows locked with `FOR UPDATE SKIP LOCKED` (two workers never see the
 *   same row), and each recipient's budget counted from `delivery_log` plus
 *   rows other workers have in flight. The claimed rows get a lease
 *   (next_attempt_at = now + lease, claimed_by): a worker that dies mid-send
 *   leaves rows that come due again by themselves.
 * - Plan: core/outbox/plan.ts — send, fold into a digest card (digest-card.ts), or defer.
 * - Send: outside any transaction; each result is written at once (sent +
 *   delivery_log + the card's response code, or the failure decision).
 * - Demo mode (the logging client, not connected): due rows become 'demo' — the outbox is the delivery.
 * - Images: the row refers to stored bytes; they are uploaded right before the
 *   send (core/outbox/media.ts), so each retry uploads afresh.
 *
 * Cards are sent with `enable_duplicate_check`, so even the rare resend after
 * a crash between WeCom's answer and our write is not shown twice.
 *
 *   const r = await deliverOutbox({ pool, wecom, logger, now: () => new Date(), config });
 *   console.log(r.summary); // '发送 12 条，合并为汇总 1 条（含 18 条预警），延后 3 条 …'
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { buildDigestCard, type DigestItem } from './digest-card.js';
import { createStorage, type Storage } from '../attachments/storage.js';
import { withTransaction } from '../db/pool.js';
import type { CoreDeps } from '../deps.js';
import { RecipientThrottle, WECOM_MEMBER_LIMITS, type ThrottleLimits } from '../wecom/recipient-throttle.js';
import type { SendResult, WecomClient, WecomMessage } from '../wecom/wecom-client.js';
import { decideFailure } from './failures.js';
import { imageRefOf, OutboxMediaUnusableError, sendStoredImage } from './media.js';
import { planRecipient, type DueMessage } from './plan.js';

export interface DeliveryDeps extends Pick<CoreDeps, 'pool' | 'logger' | 'now'> {
  wecom: WecomClient;
  /** DATA_DIR locates the bytes of image messages (default ./data, as in config). */
  config: Pick<CoreDeps['config'], 'publicUrl'> & Partial<Pick<CoreDeps['config'], 'DATA_DIR'>>;
  /** Where image messages' bytes are read; defaults to attachment storage under DATA_DIR. */
  storage?: Storage;
}

export interface DeliverOptions {
  /** Oldest due rows looked at per round to pick recipients (default 200); all their due rows are taken. */
  batchSize?: number;
  /** Stop after this many rounds or this long, whichever first (defaults 50 rounds, 8 s: the job runs every 10 s). */
  maxRounds?: number;
  timeBudgetMs?: number;
  /** Recipients sent to in parallel within a round (each recipient's messages stay in order). */
  concurrency?: number;
  workerId?: string;
  leaseMs?: number;
  limits?: ThrottleLimits;
}

export interface DeliveryReport {
  sent: number;
  /** Alert messages folded into digests, and the digests sent for them. */
  merged: number;
  digests: number;
  deferred: number;
  retrying: number;
  failed: number;
  cancelled: number;
  demo: number;
  halted?: string;
  summary: string;
}

interface ClaimedRow {
  id: number;
  recipient: string;
  msgtype: string;
  payload: Record<string, unknown>;
  attempts: number;
  digest: boolean;
}

const DUPLICATE_CHECK_SECONDS = 4 * 3600;
/** A recipient's due rows planned per round at most (more than that waits for the next digest). */
const MAX_ROWS_PER_RECIPIENT = 5_000;

export async function deliverOutbox(deps: DeliveryDeps, opts: DeliverOptions = {}): Promise<DeliveryReport> {
  const o = {
    batchSize: 200, maxRounds: 50, timeBudgetMs: 8_000, concurrency: 8, leaseMs: 60_000, limits: WECOM_MEMBER_LIMITS,
    workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`, ...opts,
  };
  const r: DeliveryReport = { sent: 0, merged: 0, digests: 0, deferred: 0, retrying: 0, failed: 0, cancelled: 0, demo: 0, summary: '' };
  const started = Date.now();
  const sending = withStorage(deps);
  for (let round = 0; round < o.maxRounds && Date.now() - started < o.timeBudgetMs; round++) {
    if (!deps.wecom.connected) {
      const n = await markDemo(deps, o.batchSize, r);
      if (n === 0) break;
      continue;
    }
    const claim = await claimRound(deps, o, r);
    // nothing claimed, deferred or cancelled: the queue is empty (or another worker is planning it)
    if (claim.touched === 0) break;
    const halted = await sendRound(sending, deps.wecom, claim.rows, o, r);
    if (halted) {
      r.halted = halted;
      break;
    }
  }
  await pruneDeliveryLog(deps);
  r.summary = summarize(r);
  if (r.sent || r.failed || r.digests || r.demo) deps.logger.info({ report: r }, 'outbox delivered');
  return r;
}

function withStorage(deps: DeliveryDeps): DeliveryDeps & { storage: Storage } {
  return { ...deps, storage: deps.storage ?? createStorage({ DATA_DIR: deps.config.DATA_DIR ?? './data' }) };
}

function summarize(r: DeliveryReport): string {
  if (r.demo || (!r.sent && !r.failed && !r.retrying && !r.deferred && !r.cancelled && !r.digests)) {
    return r.demo ? `演示模式：${r.demo} 条消息已记入发件箱（未配置企业微信）` : '没有待发送的消息';
  }
  const parts = [`发送 ${r.sent} 条`];
  if (r.digests) parts.push(`其中汇总消息 ${r.digests} 条（合并了 ${r.merged} 条预警）`);
  if (r.deferred) parts.push(`因每人每分钟30条/每小时1000条的限制延后 ${r.deferred} 条`);
  if (r.retrying) parts.push(`稍后重试 ${r.retrying} 条`);
  if (r.failed) parts.push(`失败 ${r.failed} 条`);
  if (r.cancelled) parts.push(`预警已解除、取消发送 ${r.cancelled} 条`);
  if (r.halted) parts.push(`已暂停：${r.halted}`);
  return parts.join('，');
}

/** Demo mode: due rows become 'demo' at once (rows of resolved alerts are cancelled instead). */
async function markDemo(deps: DeliveryDeps, batchSize: number, r: DeliveryReport): Promise<number> {
  const now = deps.now();
  const { rows } = await deps.pool.query<{ status: string }>(
    `WITH due AS (
       SELECT o.id, (a.status = 'resolved') AS resolved FROM outbox o LEFT JOIN alerts a ON a.id = o.alert_id
        WHERE o.status = 'pending' AND o.next_attempt_at <= $1 ORDER BY o.next_attempt_at, o.id LIMIT $2
        FOR UPDATE OF o SKIP LOCKED)
     UPDATE outbox SET status = CASE WHEN due.resolved THEN 'cancelled' ELSE 'demo' END,
                       sent_at = CASE WHEN due.resolved THEN NULL ELSE $1::timestamptz END,
                       last_error = CASE WHEN due.resolved THEN '预警已解除，无需发送' END, claimed_by = NULL
       FROM due WHERE outbox.id = due.id
     RETURNING outbox.status`,
    [now, batchSize],
  );
  for (const row of rows) {
    if (row.status === 'demo') r.demo++;
    else r.cancelled++;
  }
  return rows.length;
}

interface Round {
  rows: ClaimedRow[];
  /** Rows this round changed: claimed, folded, deferred or cancelled. */
  touched: number;
}

/**
 * Recipient first: the recipients of the oldest due rows are looked up
 * without locking anything, each is taken under an advisory lock (skipped if
 * another worker has it), and only then are the due rows of the taken
 * recipients locked — all of them, so a recipient's messages are planned
 * together and never split between two workers.
 */
async function claimRound(deps: DeliveryDeps, o: Required<DeliverOptions>, r: DeliveryReport): Promise<Round> {
  const now = deps.now();
  return withTransaction(deps.pool, async (tx) => {
    // recipients another worker is planning right now are passed over for the next oldest ones
    const busy: string[] = [];
    let mine: string[] = [];
    for (let attempt = 0; attempt < 3 && mine.length === 0; attempt++) {
      const { rows: candidates } = await tx.query<{ recipient: string }>(
        `SELECT DISTINCT recipient FROM (
           SELECT recipient FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND NOT (recipient = ANY($3))
            ORDER BY next_attempt_at, id LIMIT $2) due`,
        [now, o.batchSize, busy],
      );
      if (candidates.length === 0) break;
      mine = await lockRecipients(tx, candidates.map((c) => c.recipient));
      busy.push(...candidates.map((c) => c.recipient).filter((c) => !mine.includes(c)));
    }
    if (mine.length === 0) return { rows: [], touched: 0 };
    const due: Array<{ id: number; recipient: string; alert_id: number | null; resolved: boolean }> = [];
    for (const recipient of mine) {
      const { rows } = await tx.query(
        `SELECT o.id, o.recipient, o.alert_id, COALESCE(a.status = 'resolved', false) AS resolved
           FROM outbox o LEFT JOIN alerts a ON a.id = o.alert_id
          WHERE o.recipient = $1 AND o.status = 'pending' AND o.next_attempt_at <= $2
          ORDER BY o.id LIMIT $3
          FOR UPDATE OF o SKIP LOCKED`,
        [recipient, now, MAX_ROWS_PER_RECIPIENT],
      );
      due.push(...rows);
    }
    const cancelled = due.filter((d) => d.resolved).map((d) => d.id);
    if (cancelled.length) {
      await tx.query(`UPDATE outbox SET status = 'cancelled', last_error = '预警已解除，无需发送', claimed_by = NULL WHERE id = ANY($1)`, [cancelled]);
      r.cancelled += cancelled.length;
    }
    const byRecipient = new Map<string, DueMessage[]>();
    for (const d of due.filter((x) => !x.resolved)) {
      byRecipient.set(d.recipient, [...(byRecipient.get(d.recipient) ?? []), { id: d.id, alertId: d.alert_id }]);
    }
    const throttle = await loadThrottle(tx, [...byRecipient.keys()], now, o);
    const sendIds: number[] = [];
    const digestIds: number[] = [];
    let touched = cancelled.length;
    for (const [recipient, messages] of byRecipient) {
      const plan = planRecipient(messages, throttle, recipient, now.getTime());
      sendIds.push(...plan.send);
      if (plan.merge.length) {
        digestIds.push(await foldIntoDigest(tx, deps, recipient, plan.merge, now, o));
        r.merged += plan.merge.length;
        touched += plan.merge.length;
      }
      if (plan.defer.length) {
        await tx.query('UPDATE outbox SET next_attempt_at = $2, claimed_by = NULL WHERE id = ANY($1)',
          [plan.defer, new Date(plan.deferUntil!)]);
        r.deferred += plan.defer.length;
        touched += plan.defer.length;
      }
    }
    const { rows } = await tx.query(
      `UPDATE outbox SET claimed_by = $2, next_attempt_at = $3, attempts = attempts + 1
        WHERE (id = ANY($1) OR id = ANY($4)) AND status = 'pending'
       RETURNING id, recipient, msgtype, payload, attempts, (id = ANY($4)) AS digest`,
      [sendIds, o.workerId, new Date(now.getTime() + o.leaseMs), digestIds],
    );
    return { rows: rows.sort((a, b) => a.id - b.id), touched: touched + sendIds.length };
  });
}

/** Each recipient is planned by one worker at a time; recipients another worker is planning are left to it. */
async function lockRecipients(tx: pg.PoolClient, recipients: string[]): Promise<string[]> {
  if (recipients.length === 0) return [];
  const { rows } = await tx.query<{ r: string; ok: boolean }>(
    `SELECT r, pg_try_advisory_xact_lock(hashtextextended('actionflow.outbox.recipient:' || r, 0)) AS ok
       FROM unnest($1::text[]) AS r ORDER BY r`,
    [recipients],
  );
  return rows.filter((x) => x.ok).map((x) => x.r);
}

/** Sends in the last hour (delivery_log) plus messages other workers hold right now. */
async function loadThrottle(tx: pg.PoolClient, recipients: string[], now: Date, o: Required<DeliverOptions>): Promise<RecipientThrottle> {
  const sends: Record<string, number[]> = {};
  if (recipients.length) {
    // one statement, one snapshot: a message another worker sends meanwhile moves from
    // "in flight" to the log atomically, so it is counted exactly once either way (its
    // log time may be a little after our `now`: still counted)
    const { rows } = await tx.query<{ recipient: string; ts: number[] }>(
      `SELECT recipient, array_agg(ms ORDER BY ms) AS ts FROM (
         SELECT recipient, (extract(epoch FROM at) * 1000)::float8 AS ms
           FROM delivery_log WHERE recipient = ANY($1) AND at > $2
         UNION ALL
         SELECT recipient, (extract(epoch FROM $3::timestamptz) * 1000)::float8
           FROM outbox WHERE recipient = ANY($1) AND status = 'pending' AND claimed_by IS NOT NULL AND next_attempt_at > $3
       ) s GROUP BY recipient`,
      [recipients, new Date(now.getTime() - 3_600_000), now],
    );
    for (const row of rows) sends[row.recipient] = row.ts.map(Number);
  }
  return new RecipientThrottle(o.limits, { sends });
}

/**
 * Folds the recipient's waiting alert messages into one digest row, claimed
 * for this round. The folded rows become 'merged' and point at the digest,
 * which carries their fate from now on.
 */
async function foldIntoDigest(
  tx: pg.PoolClient, deps: DeliveryDeps, recipient: string, ids: number[], now: Date, o: Required<DeliverOptions>,
): Promise<number> {
  const { rows: items } = await tx.query(
    `SELECT a.id AS "alertId", COALESCE(o.digest_label, a.rule_code) AS label, a.title FROM outbox o JOIN alerts a ON a.id = o.alert_id
      WHERE o.id = ANY($1) ORDER BY a.severity = 'critical' DESC, o.id`,
    [ids],
  );
  const card = buildDigestCard(items as DigestItem[], deps.config.publicUrl);
  const { rows: [digest] } = await tx.query<{ id: number }>(
    `INSERT INTO outbox (dedupe_key, recipient, msgtype, payload, next_attempt_at, claimed_by, created_at)
     VALUES ($1, $2, 'template_card', $3, $4, $5, $4) RETURNING id`,
    [`digest:${recipient}:${Math.min(...ids)}`, recipient, JSON.stringify({ template_card: card }), now, o.workerId],
  );
  await tx.query(`UPDATE outbox SET status = 'merged', digest_id = $2, claimed_by = NULL, last_error = NULL WHERE id = ANY($1)`, [ids, digest.id]);
  return digest.id;
}

/** Sends a round: recipients in parallel (bounded), each recipient's messages in order. Returns a halt reason, if any. */
async function sendRound(
  deps: DeliveryDeps & { storage: Storage }, wecom: WecomClient, rows: ClaimedRow[], o: Required<DeliverOptions>, r: DeliveryReport,
): Promise<string | undefined> {
  const queues = new Map<string, ClaimedRow[]>();
  for (const row of rows) queues.set(row.recipient, [...(queues.get(row.recipient) ?? []), row]);
  const pending = [...queues.values()];
  let halted: string | undefined;
  const worker = async () => {
    for (let q = pending.shift(); q; q = pending.shift()) {
      for (const row of q) {
        if (halted) break;
        const outcome = await sendOne(deps, wecom, row, r);
        if (outcome) halted = outcome;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  if (halted) {
    // give the rest of this round back at once rather than when the lease ends
    const { rowCount } = await deps.pool.query(
      `UPDATE outbox SET claimed_by = NULL, next_attempt_at = $3 WHERE claimed_by = $1 AND status = 'pending' AND id = ANY($2)`,
      [o.workerId, rows.map((x) => x.id), new Date(deps.now().getTime() + 5 * 60_000)],
    );
    r.retrying += rowCount ?? 0;
  }
  return halted;
}

async function sendOne(
  deps: DeliveryDeps & { storage: Storage }, wecom: WecomClient, row: ClaimedRow, r: DeliveryReport,
): Promise<string | undefined> {
  // cards carry a task id unique per message, so an identical request can only be a resend of
  // this very row: let WeCom drop it. Texts are not flagged: a bot may rightly say "好的" twice.
  const msg = {
    ...row.payload, touser: [row.recipient], msgtype: row.msgtype,
    ...(row.msgtype === 'template_card' ? { enable_duplicate_check: true, duplicate_check_interval: DUPLICATE_CHECK_SECONDS } : {}),
  } as WecomMessage;
  let res: SendResult;
  try {
    res = row.msgtype === 'image'
      ? await sendStoredImage(wecom, deps.storage, row.recipient, imageRefOf(row.payload))
      : await wecom.sendMessage(msg);
  } catch (err) {
    return recordFailure(deps, row, err, r, err instanceof OutboxMediaUnusableError ? err.reason : undefined);
  }
  if (res.invalidUsers.includes(row.recipient.toLowerCase())) {
    return recordFailure(deps, row, Object.assign(new Error('invaliduser'), { invalidUser: true }), r, `接收人「${row.recipient}」不存在、已离职或不在应用可见范围内`);
  }
  const now = deps.now();
  await deps.pool.query(
    `WITH s AS (UPDATE outbox SET status = 'sent', sent_at = $2, wecom_msgid = $3, response_code = $4, last_error = NULL, claimed_by = NULL
                 WHERE id = $1 AND status = 'pending' RETURNING id, recipient),
          l AS (INSERT INTO delivery_log (recipient, outbox_id, at, wecom_msgid) SELECT recipient, id, $2, $3 FROM s),
          c AS (UPDATE alert_recipients ar SET response_code = $4, card_state = 'open' FROM s
                 WHERE ar.outbox_id = s.id AND $4::text IS NOT NULL),
          m AS (UPDATE outbox SET wecom_msgid = $3, sent_at = $2 WHERE digest_id = $1 AND EXISTS (SELECT 1 FROM s))
     SELECT count(*) FROM s`,
    [row.id, now, res.msgid, res.responseCode ?? null],
  );
  r.sent++;
  if (row.digest) r.digests++;
  return undefined;
}

async function recordFailure(
  deps: DeliveryDeps, row: ClaimedRow, err: unknown, r: DeliveryReport, forcedReason?: string,
): Promise<string | undefined> {
  const now = deps.now();
  const decision = forcedReason ? { kind: 'fail' as const, reason: forcedReason } : decideFailure(err, row.attempts, row.recipient);
  if (decision.kind === 'fail') {
    await deps.pool.query(
      `WITH f AS (UPDATE outbox SET status = 'failed', failed_at = $2, last_error = $3, claimed_by = NULL
                   WHERE id = $1 AND status = 'pending' RETURNING id)
       UPDATE outbox SET status = 'failed', failed_at = $2, last_error = '汇总消息发送失败：' || $3
        WHERE digest_id = $1 AND EXISTS (SELECT 1 FROM f)`,
      [row.id, now, decision.reason],
    );
    r.failed++;
    deps.logger.warn({ outboxId: row.id, recipient: row.recipient, reason: decision.reason }, 'outbox message failed');
    return undefined;
  }
  await deps.pool.query(
    `UPDATE outbox SET next_attempt_at = $2, last_error = $3, claimed_by = NULL WHERE id = $1 AND status = 'pending'`,
    [row.id, new Date(now.getTime() + decision.delayMs), decision.reason],
  );
  r.retrying++;
  return decision.kind === 'halt' ? decision.reason : undefined;
}

/** The budget looks back one hour; keep two days for the admin's eyes, in bounded deletes. */
async function pruneDeliveryLog(deps: DeliveryDeps): Promise<void> {
  await deps.pool.query(
    `DELETE FROM delivery_log WHERE id IN (SELECT id FROM delivery_log WHERE at < $1 ORDER BY at LIMIT 5000)`,
    [new Date(deps.now().getTime() - 2 * 86_400_000)],
  );
}
