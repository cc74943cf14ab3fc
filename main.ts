/**
 * `npm start`: the whole system in one process — API + H5 app, bot transports
 * and Agenda workers — on the embedded PostgreSQL (or DATABASE_URL).
 * Each part can also run alone: api/main.ts, bot/main.ts, jobs/main.ts.
 */
import 'dotenv/config';
import './core/zod-locale.js';
import { startSystem } from './core/system.js';
import { startApi } from './api/main.js';
import { startBot } from './bot/main.js';
import { startJobs } from './jobs/main.js';

await startSystem('all', async (sys) => [
  await startApi(sys),
  ...(sys.config.BOT_ENABLED ? [await startBot(sys)] : []),
  ...(sys.config.JOBS_ENABLED ? [await startJobs(sys)] : []),
]);
