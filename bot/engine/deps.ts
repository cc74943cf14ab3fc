/**
 * The engine's dependencies from what every process already has (CoreDeps
 * plus the WeCom client): attachment storage under DATA_DIR and the daily
 * report service (core/reports) behind the bot's DailyReportPort.
 *
 *   const botDeps = createBotDeps(sys);
 */
import { createStorage } from '../../core/attachments/storage.js';
import type { CoreDeps } from '../../core/deps.js';
import { dailyReportOf, submitDailyReport } from '../../core/reports/daily-reports.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import type { BotDeps } from './types.js';

export function createBotDeps(core: CoreDeps & { wecom: WecomClient }, extra: Partial<BotDeps> = {}): BotDeps {
  return {
    pool: core.pool, logger: core.logger, now: core.now, config: core.config, wecom: core.wecom,
    storage: createStorage(core.config), dailyReports: { submit: submitDailyReport, today: dailyReportOf }, ...extra,
  };
}
