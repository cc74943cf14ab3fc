/**
 * Handles what other parts recorded for the bot (the WeCom callback, the
 * console of an API in another process): inbound signals and sweeps feed one
 * queue, drained by at most `concurrency` handlers. The bound keeps the
 * pool's other connections free for the callback's acknowledgements, which
 * must stay within WeCom's 5 s; and a member's messages are taken one at a
 * time, in the order they came, so a correction never overtakes what it
 * corrects and no handler sits waiting on another's conversation lock.
 *
 *   const worker = new InboundWorker(deps, { wecom: inbox, console: consoleInbox });
 *   worker.push(signal);            // from listenForInbound
 *   await worker.sweep(10_000);     // periodically: rows nobody signalled or whose handling died
 */
import os from 'node:os';
import { needsMedia } from '../../core/inbound/bot-message.js';
import { listStaleInbound, type InboundTransport } from '../../core/inbound/inbound-repo.js';
import type { InboundSignal } from '../../core/inbound/inbound-signal.js';
import type { Inbox } from './inbox.js';
import type { BotDeps } from './types.js';

/**
 * Messages handled at once unless told otherwise (BOT_HANDLERS): one per core, at least two.
 * Handling is CPU work in this process and in PostgreSQL, with sub-millisecond round trips,
 * so more handlers than cores add no throughput; they only crowd the cores the callback's
 * acknowledgements need (bench/bot.bench.ts: on 2 cores, 4 handlers made the ACK's p99
 * miss 50 ms in about a quarter of runs; 2 handlers almost never).
 */
export const DEFAULT_HANDLERS = Math.max(2, os.availableParallelism());

export interface InboundWorkerOptions {
  /** Messages handled at once (DEFAULT_HANDLERS). The rest wait in memory — they are recorded, so nothing is lost if the process dies. */
  concurrency?: number;
}

export class InboundWorker {
  private readonly concurrency: number;
  private readonly queue: InboundSignal[] = [];
  /** Keys queued or being handled: a signal and a sweep finding the same row make one handling. */
  private readonly known = new Set<string>();
  /** Members with a message being handled. */
  private readonly busy = new Set<string>();
  private running = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly deps: BotDeps,
    private readonly inboxes: Partial<Record<InboundTransport, Inbox>>,
    opts: InboundWorkerOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? DEFAULT_HANDLERS;
  }

  /** Queues a recorded message; ignored when it is already queued or its transport is not handled here. */
  push(s: InboundSignal): void {
    if (this.stopped || !this.inboxes[s.transport] || this.known.has(s.dedupeKey)) return;
    this.known.add(s.dedupeKey);
    this.queue.push(s);
    this.pump();
  }

  /** Queues unprocessed rows received more than `olderThanMs` ago; returns how many were new to the queue. */
  async sweep(olderThanMs: number): Promise<number> {
    const stale = await listStaleInbound(this.deps.pool, new Date(this.deps.now().getTime() - olderThanMs), 500);
    let queued = 0;
    for (const r of stale) {
      if (!this.inboxes[r.transport] || this.known.has(r.dedupeKey)) continue;
      this.push({ transport: r.transport, dedupeKey: r.dedupeKey, userid: r.userid, media: needsMedia(r.message) });
      queued++;
    }
    return queued;
  }

  /** Resolves when everything queued so far has been handled (tests, shutdown). */
  async drain(): Promise<void> {
    if (this.running > 0 || this.queue.length > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Stops taking messages and waits for those being handled; the queued ones stay unprocessed for the next sweep. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.queue.splice(0)) this.known.delete(s.dedupeKey);
    await this.drain();
  }

  get pending(): number {
    return this.queue.length + this.running;
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const i = this.queue.findIndex((s) => !this.busy.has(s.userid));
      if (i < 0) return;
      const [s] = this.queue.splice(i, 1);
      this.running++;
      this.busy.add(s.userid);
      this.inboxes[s.transport]!.handle(s)
        .catch((err) => this.deps.logger.error({ err, dedupeKey: s.dedupeKey }, 'bot: inbound message failed'))
        .finally(() => {
          this.running--;
          this.busy.delete(s.userid);
          this.known.delete(s.dedupeKey);
          if (this.running === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
          this.pump();
        });
    }
  }
}
