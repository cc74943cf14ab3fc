import type { Part, System } from '../core/system.js';

/**
 * The bot process. Transports (WeCom callback, wechaty, console) attach here;
 * until the bot issue lands this only reports which transport config selects.
 */
export async function startBot(sys: System): Promise<Part> {
  const transport = sys.config.WECHATY_PUPPET ? 'wechaty' : sys.config.demoMode ? 'console' : 'wecom-callback';
  sys.logger.info({ transport }, 'bot: transport selected (conversation engine not yet built)');
  return { name: `bot:${transport}`, stop: async () => undefined };
}
