/**
 * `npm start`: the whole system in one process — API + H5 app, bot transports
 * and Agenda workers — on the embedded PostgreSQL (or DATABASE_URL).
 * Each part can also run alone: api/main.ts, bot/main.ts, jobs/main.ts.
 */
import 'dotenv/config';
import './core/zod-locale.js';
import { createInboundBus } from './core/inbound/inbound-signal.js';
import { startSystem } from './core/system.js';
import { startApi } from './api/main.js';
import { createBotDeps } from './bot/engine/deps.js';
import { botConnections, startBot } from './bot/main.js';
import { createConsoleBot } from './bot/transports/console.transport.js';
import { JOBS_CONNECTIONS, startJobs } from './jobs/main.js';

await startSystem('all', async (sys) => {
  // the bot and the jobs work on pools of their own: a long turn or job never makes an API request wait
  const withPool = (purpose: string, max: number) => ({ ...sys, pool: sys.db.openPool(purpose, max) });
  // one process: the API answers the H5 chat through the bot and tells it of WeCom messages directly
  const botDeps = sys.config.BOT_ENABLED ? createBotDeps(withPool('bot', botConnections(sys.config))) : null;
  if (botDeps) {
    sys.consoleBot = createConsoleBot(botDeps);
    sys.inboundBus = createInboundBus();
  }
  return [
    await startApi(sys),
    ...(botDeps ? [await startBot(sys, botDeps)] : []),
    ...(sys.config.JOBS_ENABLED ? [await startJobs(withPool('jobs', JOBS_CONNECTIONS))] : []),
  ];
});
