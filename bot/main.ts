import { listenForInbound, type InboundListener } from '../core/inbound/inbound-signal.js';
import type { InboundTransport } from '../core/inbound/inbound-repo.js';
import type { Part, System } from '../core/system.js';
import type { Config } from '../core/config.js';
import { createBotDeps } from './engine/deps.js';
import { Inbox } from './engine/inbox.js';
import { DEFAULT_HANDLERS, InboundWorker } from './engine/inbound-worker.js';
import type { BotDeps } from './engine/types.js';
import type { BotTransport } from './transports/bot-transport.js';
import { AibotSocketTransport } from './transports/aibot-socket.transport.js';
import { AibotStreamTransport } from './transports/aibot-stream.transport.js';
import { ConsoleTransport } from './transports/console.transport.js';
import { WecomCallbackTransport } from './transports/wecom-callback.transport.js';

/** How often unfinished messages (never signalled, a crash mid-handling, a failed attempt) are looked for. */
const SWEEP_EVERY_MS = 15_000;
/** Younger rows are left to their signal (or their in-process transport). */
const STALE_AFTER_MS = 10_000;
/** How long start-up waits for the first LISTEN. */
const LISTEN_WAIT_MS = 10_000;

/** Messages handled at once: BOT_HANDLERS, else one per core (DEFAULT_HANDLERS). */
export function botHandlers(config: Pick<Config, 'BOT_HANDLERS'>): number {
  return config.BOT_HANDLERS ?? DEFAULT_HANDLERS;
}

/** Its own pool when it shares a process with the API: one per handler, and two for the H5 chat's and wechaty's turns. */
export function botConnections(config: Pick<Config, 'BOT_HANDLERS'>): number {
  return botHandlers(config) + 2;
}

export interface BotPart extends Part {
  /** Resolves when every message signalled or swept so far has been handled and its replies pushed (tests). */
  drain(): Promise<void>;
}

/**
 * The bot process part. It hears of messages other parts recorded — the
 * API's WeCom callback (through `sys.inboundBus` when in the same process,
 * else by LISTEN) and, when no bot runs in the API's process, its console —
 * sweeps for any it missed, and runs its own transports:
 * - WeCom callback: when WECOM_TOKEN is set; replies go through the outbox.
 * - 智能机器人 (AI bot) URL callback: when WECOM_AIBOT_TOKEN is set; replies are the stream the API serves.
 * - 智能机器人 long connection: when WECOM_AIBOT_BOT_ID is set; this part holds the socket and streams its replies.
 * - wechaty: when WECHATY_PUPPET is set.
 * - console: in demo mode the H5 chat page (POST /api/bot/console) and `npm run chat`.
 *
 *   const part = await startBot(sys); … await part.stop();
 */
export async function startBot(sys: System, deps: BotDeps = createBotDeps(sys)): Promise<BotPart> {
  const started: BotTransport[] = [];
  const names: string[] = [];
  // console rows come from an API without an in-process bot; answered into the row, nothing is sent
  const inboxes: Partial<Record<InboundTransport, Inbox>> = { console: new Inbox(deps, new ConsoleTransport()) };
  const wecom = sys.config.wecom?.token ? new WecomCallbackTransport(deps) : null;

  if (wecom) {
    inboxes.wecom = new Inbox(deps, wecom);
    started.push(wecom);
    names.push('wecom-callback');
  }
  if (sys.config.aibot) {
    // the API answers the platform's stream refreshes from the rows this inbox fills in
    inboxes.aibot = new Inbox(deps, new AibotStreamTransport(deps));
    names.push('aibot');
  }
  if (sys.config.aibotSocket) {
    const transport = new AibotSocketTransport(deps, sys.config.aibotSocket, { privateChatUrl: `${sys.config.publicUrl}/chat` });
    const inbox = new Inbox(deps, transport);
    await transport.start((env) => inbox.receive(env));
    inboxes.aibot = inbox;
    started.push(transport);
    names.push('aibot-ws');
  }
  if (sys.config.WECHATY_PUPPET) {
    // loaded only when configured: wechaty and its gRPC puppet service are a third of the
    // process's heap, which every major GC would otherwise mark, wechaty or not
    const { WechatyTransport } = await import('./transports/wechaty.transport.js');
    const transport = new WechatyTransport(deps, { puppet: sys.config.WECHATY_PUPPET, puppetToken: sys.config.WECHATY_PUPPET_TOKEN });
    const inbox = new Inbox(deps, transport);
    await transport.start((env) => inbox.receive(env));
    inboxes.wechaty = inbox;
    started.push(transport);
    names.push('wechaty');
  }
  if (sys.config.demoMode) names.push('console');

  const worker = new InboundWorker(deps, inboxes, { concurrency: botHandlers(sys.config) });
  const sweep = (olderThanMs: number) => {
    worker.sweep(olderThanMs)
      .then((n) => { if (n > 0) deps.logger.info({ queued: n }, 'bot: unfinished messages queued'); })
      .catch((err) => deps.logger.error({ err }, 'bot: sweep failed'));
  };
  const listener: InboundListener = listenForInbound(deps.pool, {
    logger: deps.logger,
    onSignal: (s) => worker.push(s),
    // whatever was recorded while nobody listened
    onConnected: () => sweep(0),
  });
  // started means listening (an API elsewhere tells the H5 chat whether a bot runs by it);
  // a database still unreachable after a while is left to the listener's retries
  await Promise.race([listener.ready, new Promise((r) => setTimeout(r, LISTEN_WAIT_MS).unref())]);
  // the API in this process (npm start) signals here directly
  const unsubscribe = sys.inboundBus?.subscribe((s) => worker.push(s)) ?? (() => undefined);
  const timer = setInterval(() => sweep(STALE_AFTER_MS), SWEEP_EVERY_MS);
  timer.unref();

  const drain = async () => {
    await worker.drain();
    await wecom?.idle();
  };
  sys.logger.info({ transports: names }, `机器人已启动：${names.join('、') || '无可用通道'}`);
  return {
    name: `bot:${names.join('+') || 'none'}`,
    drain,
    stop: async () => {
      clearInterval(timer);
      unsubscribe();
      await listener.close();
      await worker.stop();
      await wecom?.idle();
      for (const t of started.reverse()) await t.stop().catch((err) => sys.logger.error({ err, transport: t.name }, 'bot transport failed to stop'));
    },
  };
}
