import type pg from 'pg';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/**
 * What every adapter (api, bot, jobs) is handed at start. External systems
 * join this as small interfaces, chosen from config, so tests swap transports
 * rather than logic.
 */
export interface CoreDeps {
  config: Config;
  pool: pg.Pool;
  logger: Logger;
  /** Injected so tests can pin "now"; production passes () => new Date(). */
  now: () => Date;
  /** False while the process is still starting its parts; /readyz answers 503 until then. */
  isReady?: () => boolean;
  /**
   * 重置演示数据, set by the process that owns the database in demo mode on the
   * embedded PostgreSQL (core/system.ts); absent everywhere else, so nothing
   * else can empty a database.
   */
  resetDemo?: () => Promise<{ today: string; ms: number }>;
}
