import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { HttpWecomClient } from './http-wecom-client.js';
import { LoggingWecomClient } from './logging-wecom-client.js';
import type { WecomClient } from './wecom-client.js';

/** The WeCom client chosen by config: its logging twin in demo mode (the outbox stands in for delivery). */
export function createWecomClient(config: Config, logger: Logger): WecomClient {
  if (!config.wecom) return new LoggingWecomClient(logger);
  return new HttpWecomClient({
    apiBase: config.wecom.apiBase,
    oauthBase: config.wecom.oauthBase,
    corpId: config.wecom.corpId,
    agentId: config.wecom.agentId,
    secret: config.wecom.secret,
    logger,
  });
}
