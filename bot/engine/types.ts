/**
 * The conversation engine's contract, independent of any transport: a
 * message in (from WeCom, wechaty or the console), replies out.
 *
 *   const replies = await handleMessage(deps, { userid: 'rep.zhao', message: { kind: 'text', text: '我的任务' } });
 */
import type { Storage } from '../../core/attachments/storage.js';
import type { CoreDeps } from '../../core/deps.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import type { DailyReportPort } from './daily-report-port.js';

export type { BotMessage, BotMessageKind, BotReply } from '../../core/inbound/bot-message.js';
import type { BotMessage, BotReply } from '../../core/inbound/bot-message.js';

export interface BotInput {
  /** The member's WeCom userid (users.wecom_userid). */
  userid: string;
  message: BotMessage;
}

export interface BotDeps extends Pick<CoreDeps, 'pool' | 'logger' | 'now'> {
  config: Pick<CoreDeps['config'], 'publicUrl'>;
  /** null in demo mode: WeCom media cannot be downloaded, replies stay in the outbox. */
  wecom: WecomClient;
  /** Where downloaded photos and voice go (core/attachments/storage.ts). */
  storage: Storage;
  /** 写日报 files through this; absent until the daily-report service exists (the bot says so). */
  dailyReports?: DailyReportPort | null;
}
