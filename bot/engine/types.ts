/**
 * The conversation engine's contract, independent of any transport: a
 * message in (from WeCom, wechaty or the console), replies out.
 *
 *   const replies = await new Inbox(deps, transport).receive({ dedupeKey, userid: 'rep.zhao', message: { kind: 'text', text: '我的任务' } });
 */
import type { Storage } from '../../core/attachments/storage.js';
import type { CoreDeps } from '../../core/deps.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import type { DailyReportPort } from './daily-report-port.js';

export type { BotMessage, BotMessageKind, BotReply } from '../../core/inbound/bot-message.js';

export interface BotDeps extends Pick<CoreDeps, 'pool' | 'logger' | 'now'> {
  config: Pick<CoreDeps['config'], 'publicUrl' | 'aibot' | 'sessionSecret'>;
  /** The logging twin in demo mode: WeCom media cannot be downloaded there, replies stay in the outbox. */
  wecom: WecomClient;
  /** Where downloaded photos and voice go (core/attachments/storage.ts). */
  storage: Storage;
  /** 写日报 files through this; absent until the daily-report service exists (the bot says so). */
  dailyReports?: DailyReportPort | null;
}
