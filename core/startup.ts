import path from 'node:path';
import { loadConfig, ConfigError, withPersistedSecret, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { ensureDataDir } from './db/preflight.js';
import { logger, type Logger } from './logger.js';
import { startupFailureLine } from './startup-error.js';

/**
 * What every entry point (`npm start`, each part alone, every CLI) does the
 * same way before its own work: read the config or say which setting is wrong,
 * open the database (joining a running embedded server), and end a failed
 * start with one Chinese line instead of a stack trace. Without SESSION_SECRET
 * every one of them signs with the secret kept in DATA_DIR (withPersistedSecret).
 */
export function loadConfigOrExit(): Config {
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
  try {
    if (!config.SESSION_SECRET) ensureDataDir(path.resolve(config.DATA_DIR));
    return withPersistedSecret(config);
  } catch (err) {
    // DATA_DIR cannot be created or read: the same one line as any other start-up failure
    if (err instanceof ConfigError) for (const p of err.problems) console.error(`配置错误 ${p}`);
    else failStartup(err, config, logger);
    process.exit(1);
  }
}

/** Prints `启动失败：…` (one line; the cause goes to the debug log) and exits 1. */
export function failStartup(err: unknown, config: Pick<Config, 'DATA_DIR'>, logger: Logger): never {
  logger.debug({ err }, 'start-up failed');
  console.error(`启动失败：${startupFailureLine(err, config.DATA_DIR)}`);
  process.exit(1);
}

/**
 * A CLI's database: the running app's embedded server when there is one (it
 * is never stopped by the CLI), else one started for the CLI's lifetime.
 */
export async function openCliDatabase(config: Config, logger: Logger, say: (line: string) => void = console.log): Promise<Database> {
  let db: Database;
  try {
    db = await openDatabase(config, logger, { poolSize: 4 });
  } catch (err) {
    failStartup(err, config, logger);
  }
  if (db.joined) say(`（连接到正在运行的内置数据库：端口 ${db.joined.port}，进程 ${db.joined.pid}；退出时不会关闭它）`);
  return db;
}
