/**
 * The WeCom 智能机器人 (AI bot), URL-callback mode: the API records each message in the inbox
 * (core/inbound/accept-aibot.ts) and answers the platform's stream refreshes from the row, so the
 * bot part only handles the message — the replies it stores on the row are the stream's content.
 * An answer ready only after WeCom stopped asking (STREAM_WINDOW_MS: a backlog, a restart), and
 * the answer to a tap on one of the bot's buttons (which has no stream), is posted once to the
 * message's response_url, which lives an hour; later than that it stays in the
 * inbox row (the H5 chat history shows it) and the miss is logged.
 *
 *   inboxes.aibot = new Inbox(deps, new AibotStreamTransport(deps));
 */
import { hasStream, joinReplies, STREAM_WINDOW_MS } from '../../core/inbound/accept-aibot.js';
import { inboundReplyRoute } from '../../core/inbound/inbound-repo.js';
import { postAibotResponse } from '../../core/wecom/aibot-response-url.js';
import type { BotDeps, BotReply } from '../engine/types.js';
import type { BotTransport, OnMessage } from './bot-transport.js';

/** How long a response_url accepts its one answer. */
const RESPONSE_URL_TTL_MS = 60 * 60_000;

export class AibotStreamTransport implements BotTransport {
  readonly name = 'aibot' as const;
  readonly transactional = false;

  constructor(private readonly deps: Pick<BotDeps, 'pool' | 'logger' | 'now'>) {}

  /** Messages are recorded by the API's callback route and signalled to the inbound worker: nothing to start. */
  async start(_onMessage: OnMessage): Promise<void> {}

  /** The AI bot speaks only when spoken to (in the stream of that message, or its response_url): there is no push. */
  async send(_userid: string, _reply: BotReply): Promise<void> {}

  async answered(a: { dedupeKey: string; userid: string; replies: BotReply[] }): Promise<void> {
    const route = await inboundReplyRoute(this.deps.pool, a.dedupeKey);
    if (!route?.responseUrl || a.replies.length === 0) return;
    const age = this.deps.now().getTime() - route.receivedAt.getTime();
    // the stream's refreshes carry it; a button tap has no stream
    if (hasStream(a.dedupeKey) && age <= STREAM_WINDOW_MS) return;
    if (age > RESPONSE_URL_TTL_MS) {
      this.deps.logger.warn({ dedupeKey: a.dedupeKey, ageMs: age }, '智能机器人回答太晚，response_url 已失效，回答只保存在记录里');
      return;
    }
    await postAibotResponse(route.responseUrl, joinReplies(a.replies), a.dedupeKey.replace(/^aibot:/, ''));
    this.deps.logger.info({ dedupeKey: a.dedupeKey, ageMs: age }, '智能机器人迟到的回答已经通过 response_url 发出');
  }

  async stop(): Promise<void> {}
}
