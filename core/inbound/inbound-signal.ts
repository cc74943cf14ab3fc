/**
 * How a recorded message reaches the bot without the API importing it: once
 * the message's row has committed, the recorder NOTIFYs `bot_inbound`, and
 * the bot LISTENs on a connection of its own — in the same process
 * (`npm start`) or another. A notification is only a wake-up call: the bot
 * also sweeps unprocessed rows on every (re)connect and periodically, so a
 * lost one only delays a message, and claiming the row (FOR UPDATE SKIP
 * LOCKED) keeps handling exactly-once however often it is signalled.
 *
 * The NOTIFY is deliberately NOT part of the recording transaction:
 * PostgreSQL serialises the commits of notifying transactions on one lock
 * held through their WAL flush, so durable inserts that notify stop sharing
 * fsyncs (group commit) and the callback's acknowledgements queue behind
 * each other. A notification-only statement writes no WAL; it is sent after
 * the 200, batched, without anyone waiting for it.
 *
 * When the bot runs in the API's process (`npm start`), main.ts hands both
 * one `InboundBus` and the signal skips PostgreSQL altogether.
 *
 *   const notifier = createInboundNotifier(pool, logger, bus);
 *   if (await recordInbound(pool, m)) notifier.notify({ transport: 'wecom', dedupeKey, userid, media: false });
 *   const listener = listenForInbound(pool, { logger, onSignal: (s) => worker.push(s), onConnected: () => worker.sweep(0) });
 */
import pg from 'pg';
import type { Db } from '../db/pool.js';
import type { Logger } from '../logger.js';
import type { InboundTransport } from './inbound-repo.js';

export const INBOUND_CHANNEL = 'bot_inbound';

export interface InboundSignal {
  transport: InboundTransport;
  dedupeKey: string;
  /** The sender: the bot handles one member's messages one after another. */
  userid: string;
  /** The message needs a WeCom download first (read ahead of its transaction). */
  media: boolean;
}

/** The notification's payload (well below PostgreSQL's 8000-byte limit: keys and userids are short). */
export function signalPayload(s: InboundSignal): string {
  return JSON.stringify({ t: s.transport, k: s.dedupeKey, u: s.userid, m: s.media ? 1 : 0 });
}

export function parseSignal(payload: string): InboundSignal | null {
  try {
    const p = JSON.parse(payload) as { t?: unknown; k?: unknown; u?: unknown; m?: unknown };
    if (typeof p.t !== 'string' || typeof p.k !== 'string' || typeof p.u !== 'string') return null;
    return { transport: p.t as InboundTransport, dedupeKey: p.k, userid: p.u, media: p.m === 1 };
  } catch {
    return null;
  }
}

/** Sends signals for rows already committed; several at once in one statement. */
export async function notifyInbound(db: Db, signals: readonly InboundSignal[]): Promise<void> {
  if (signals.length === 0) return;
  await db.query({
    name: 'bot-notify', text: 'SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', values: [INBOUND_CHANNEL, signals.map(signalPayload)],
  });
}

/** Signals within one process: the API publishes, the bot part in the same process subscribes. */
export interface InboundBus {
  /** False while no bot part listens here: the signal must then go through PostgreSQL. */
  readonly hasSubscribers: boolean;
  publish(s: InboundSignal): void;
  /** Returns the unsubscribe. */
  subscribe(fn: (s: InboundSignal) => void): () => void;
}

export function createInboundBus(): InboundBus {
  const subscribers = new Set<(s: InboundSignal) => void>();
  return {
    get hasSubscribers() { return subscribers.size > 0; },
    publish(s) { for (const fn of subscribers) fn(s); },
    subscribe(fn) {
      subscribers.add(fn);
      return () => { subscribers.delete(fn); };
    },
  };
}

export interface InboundNotifier {
  /** Queues a signal; the queue goes out in one statement once the current burst of work is done. */
  notify(s: InboundSignal): void;
  /** Resolves when everything queued so far was sent (or failed: the sweep catches up). */
  flush(): Promise<void>;
}

/** Signals for rows already committed: to the bot in this process when there is one, else by NOTIFY. */
export function createInboundNotifier(pool: pg.Pool, logger: Pick<Logger, 'warn'>, bus: InboundBus | null = null): InboundNotifier {
  let queued: InboundSignal[] = [];
  let sending: Promise<void> | null = null;
  const send = (): Promise<void> => {
    const batch = queued;
    queued = [];
    return notifyInbound(pool, batch)
      .catch((err) => logger.warn({ err, signals: batch.length }, 'bot: inbound signal not sent (the bot sweeps for it)'));
  };
  const schedule = () => {
    sending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(send).finally(() => {
      sending = null;
      if (queued.length > 0) schedule();
    });
  };
  return {
    notify(s) {
      if (bus?.hasSubscribers) {
        bus.publish(s);
        return;
      }
      queued.push(s);
      schedule();
    },
    async flush() {
      while (sending) await sending;
    },
  };
}

export interface InboundListener {
  /** Resolves once the first LISTEN is in place (isBotListening answers true from then on). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface ListenOptions {
  logger: Pick<Logger, 'info' | 'warn'>;
  onSignal(s: InboundSignal): void;
  /** After every (re)connect: whatever was recorded while nobody listened is only found by a sweep. */
  onConnected(): void;
  /** Reconnect delays, doubling up to the last (ms). */
  retryMs?: [number, number];
}

/** The listener's application_name: while a connection carries it, a bot part is running (isBotListening). */
export const BOT_LISTENER_NAME = 'actionflow-bot-listener';

/** The pool's connection settings, for the listener's connection outside the pool. */
function clientConfigOf(pool: pg.Pool): pg.ClientConfig {
  const { connectionString, host, port, user, password, database, ssl } = (pool as unknown as { options: pg.PoolConfig }).options;
  return { connectionString, host, port, user, password, database, ssl, application_name: BOT_LISTENER_NAME, keepAlive: true };
}

/** Whether some bot part (any process) listens for inbound signals on this database. */
export async function isBotListening(db: Db): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1) AS up', [BOT_LISTENER_NAME]);
  return rows[0].up;
}

/** LISTENs on a dedicated connection, reconnecting (with backoff) until closed. */
export function listenForInbound(pool: pg.Pool, opts: ListenOptions): InboundListener {
  const [firstRetry, maxRetry] = opts.retryMs ?? [500, 30_000];
  let client: pg.Client | null = null;
  let closed = false;
  let delay = firstRetry;
  let timer: NodeJS.Timeout | null = null;
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => { markReady = resolve; });

  const retry = (err?: unknown) => {
    const dead = client;
    client = null;
    dead?.removeAllListeners('end');
    dead?.end().catch(() => undefined);
    if (closed || timer) return;
    opts.logger.warn({ err, retryInMs: delay }, 'bot: inbound listener lost its connection; reconnecting');
    timer = setTimeout(() => { timer = null; void connect(); }, delay);
    timer.unref();
    delay = Math.min(delay * 2, maxRetry);
  };

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client(clientConfigOf(pool));
    client = c;
    c.on('notification', (n) => {
      const s = n.channel === INBOUND_CHANNEL && n.payload ? parseSignal(n.payload) : null;
      if (s) opts.onSignal(s);
    });
    c.on('error', (err) => { if (client === c) retry(err); });
    c.on('end', () => { if (client === c) retry(); });
    try {
      await c.connect();
      await c.query(`LISTEN ${INBOUND_CHANNEL}`);
    } catch (err) {
      if (client === c) retry(err);
      return;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    delay = firstRetry;
    markReady();
    opts.onConnected();
  };

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
      }
    },
  };
}
