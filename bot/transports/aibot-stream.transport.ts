/**
 * The WeCom 智能机器人 (AI bot), URL-callback mode: the API records each message in the inbox
 * (core/inbound/accept-aibot.ts) and answers the platform's stream refreshes from the row, so the
 * bot part only handles the message — the replies it stores on the row are the stream's content.
 * Nothing is pushed: a reply outside a turn (the busy notice) is stored on its row the same way.
 *
 *   inboxes.aibot = new Inbox(deps, new AibotStreamTransport());
 */
import type { BotReply } from '../engine/types.js';
import type { BotTransport, OnMessage } from './bot-transport.js';

export class AibotStreamTransport implements BotTransport {
  readonly name = 'aibot' as const;
  readonly transactional = false;
  readonly repliesInline = true;

  /** Messages are recorded by the API's callback route and signalled to the inbound worker: nothing to start. */
  async start(_onMessage: OnMessage): Promise<void> {}

  /** The AI bot speaks only when spoken to (in the stream of that message); there is no push in this mode. */
  async send(_userid: string, _reply: BotReply): Promise<void> {}

  async stop(): Promise<void> {}
}
