/**
 * The conversation engine's contract, independent of any transport: a
 * message in (from WeCom, wechaty or the console), replies out.
 *
 *   const replies = await handleMessage(deps, { userid: 'rep.zhao', message: { kind: 'text', text: '我的任务' } });
 */
import type { Storage } from '../../core/attachments/storage.js';
import type { CoreDeps } from '../../core/deps.js';
import type { CoordSystem } from '../../core/flow/types.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import type { DailyReportPort } from './daily-report-port.js';

/** What a member sent, whatever the transport. */
export type BotMessage =
  | { kind: 'text'; text: string }
  /** A photo: a WeCom media_id to download, or an attachment the member already uploaded (H5). */
  | { kind: 'image'; mediaId?: string; attachmentId?: number }
  /** A voice message; `recognition` is WeCom's speech-to-text when the app has it enabled. */
  | { kind: 'voice'; mediaId?: string; attachmentId?: number; recognition?: string }
  | { kind: 'location'; lat: number; lng: number; coordSystem: CoordSystem; label?: string }
  | { kind: 'event'; event: 'enter_agent' | 'click' | 'location_report'; eventKey?: string }
  | { kind: 'unsupported'; what: string };

export type BotMessageKind = BotMessage['kind'];

export interface BotInput {
  /** The member's WeCom userid (users.wecom_userid). */
  userid: string;
  message: BotMessage;
}

export interface BotReply {
  kind: 'text';
  text: string;
}

export interface BotDeps extends Pick<CoreDeps, 'pool' | 'logger' | 'now'> {
  config: Pick<CoreDeps['config'], 'publicUrl'>;
  /** null in demo mode: WeCom media cannot be downloaded, replies stay in the outbox. */
  wecom: WecomClient | null;
  /** Where downloaded photos and voice go (core/attachments/storage.ts). */
  storage: Storage;
  /** 写日报 files through this; absent until the daily-report service exists (the bot says so). */
  dailyReports?: DailyReportPort | null;
}
