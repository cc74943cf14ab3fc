import type { Part, System } from '../core/system.js';
import { createBotDeps } from './engine/deps.js';
import { Inbox } from './engine/inbox.js';
import type { BotDeps } from './engine/types.js';
import type { BotTransport } from './transports/bot-transport.js';
import { WecomCallbackTransport } from './transports/wecom-callback.transport.js';
import { WechatyTransport } from './transports/wechaty.transport.js';

/** How often unfinished messages (a crash mid-handling, a failed attempt) are retried. */
const SWEEP_EVERY_MS = 15_000;

/**
 * The bot process part. Transports chosen by config:
 * - WeCom callback: its routes are part of the API (api/routes/wecom-callback.routes.ts),
 *   which handles each message right after acknowledging it; this part sweeps up
 *   messages whose handling was interrupted (crash, restart) and retries them.
 * - wechaty: when WECHATY_PUPPET is set.
 * - console: always available in demo mode (POST /api/bot/console, `npm run chat`).
 *
 *   const part = await startBot(sys); … await part.stop();
 */
export async function startBot(sys: System, deps: BotDeps = createBotDeps(sys)): Promise<Part> {
  const started: BotTransport[] = [];
  const timers: NodeJS.Timeout[] = [];
  const names: string[] = [];

  if (sys.config.wecom?.token) {
    const transport = new WecomCallbackTransport(deps);
    const inbox = new Inbox(deps, transport);
    await transport.start((env) => inbox.receive(env));
    started.push(transport);
    timers.push(sweepEvery(deps, inbox, 'wecom'));
    names.push('wecom-callback');
  }
  if (sys.config.WECHATY_PUPPET) {
    const transport = new WechatyTransport(deps, { puppet: sys.config.WECHATY_PUPPET, puppetToken: sys.config.WECHATY_PUPPET_TOKEN });
    const inbox = new Inbox(deps, transport);
    await transport.start((env) => inbox.receive(env));
    started.push(transport);
    timers.push(sweepEvery(deps, inbox, 'wechaty'));
    names.push('wechaty');
  }
  if (sys.config.demoMode) names.push('console');
  sys.logger.info({ transports: names }, `机器人已启动：${names.join('、') || '无可用通道'}`);
  return {
    name: `bot:${names.join('+') || 'none'}`,
    stop: async () => {
      for (const t of timers) clearInterval(t);
      for (const t of started.reverse()) await t.stop().catch((err) => sys.logger.error({ err, transport: t.name }, 'bot transport failed to stop'));
    },
  };
}

function sweepEvery(deps: BotDeps, inbox: Inbox, name: string): NodeJS.Timeout {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const n = await inbox.sweep();
      if (n > 0) deps.logger.info({ transport: name, retried: n }, 'bot: unfinished messages handled');
    } catch (err) {
      deps.logger.error({ err, transport: name }, 'bot: sweep failed');
    } finally {
      running = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), SWEEP_EVERY_MS);
  timer.unref();
  return timer;
}
