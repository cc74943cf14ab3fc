/**
 * The WeCom callback's synchronous part, after the signature check and the
 * decryption: check the sender, record the message durably (deduplicated by
 * MsgId: one INSERT), queue its signal for the bot, and return — the empty
 * 200 goes back within WeCom's 5 s whatever the bot is doing. Template-card clicks go to
 * the alerts engine right after the answer; they are applied once by their
 * ResponseCode, so a retried click changes nothing.
 *
 *   const accept = createCallbackAcceptor(deps, { bus }); // bus: the bot in this process, if any
 *   const receipt = await accept(decrypted); // 'accepted' | 'duplicate' | 'ignored' | 'unknown_member' | 'card_event'
 */
import { handleCardEvent, type CardDeps } from '../alerts/card-events.js';
import { loadActiveActor } from '../auth/actor.js';
import type { InboundMessage } from '../wecom/inbound-message.js';
import { isCardEvent, needsMedia, toBotMessage } from './bot-message.js';
import { recordInbound } from './inbound-repo.js';
import { createInboundNotifier, type InboundBus } from './inbound-signal.js';

export type Receipt = 'accepted' | 'duplicate' | 'ignored' | 'unknown_member' | 'card_event';

/** Members seen active recently: their next message skips the member query. */
const MEMBER_CACHE_MS = 60_000;
const MEMBER_CACHE_MAX = 10_000;

export type CallbackAcceptor = (msg: InboundMessage) => Promise<Receipt>;

export function createCallbackAcceptor(deps: CardDeps, opts: { bus?: InboundBus | null } = {}): CallbackAcceptor {
  const members = new Map<string, number>();
  const notifier = createInboundNotifier(deps.pool, deps.logger, opts.bus ?? null);

  // Positive answers only, and briefly: someone deactivated meanwhile is still refused by the engine.
  const isMember = async (userid: string): Promise<boolean> => {
    const now = Date.now();
    if ((members.get(userid) ?? 0) > now) return true;
    if (!(await loadActiveActor(deps.pool, { wecomUserid: userid }))) return false;
    if (members.size >= MEMBER_CACHE_MAX) members.clear();
    members.set(userid, now + MEMBER_CACHE_MS);
    return true;
  };

  return async (msg) => {
    if (isCardEvent(msg)) {
      setImmediate(() => {
        handleCardEvent(deps, {
          fromUserId: msg.fromUserId, eventKey: msg.eventKey, taskId: msg.taskId, ...(msg.responseCode ? { responseCode: msg.responseCode } : {}),
        }).catch((err) => deps.logger.error({ err, taskId: msg.taskId }, 'wecom callback: card event failed'));
      });
      return 'card_event';
    }
    const message = toBotMessage(msg);
    if (!message) return 'ignored';
    if (!(await isMember(msg.fromUserId))) return 'unknown_member';
    const fresh = await recordInbound(deps.pool, { dedupeKey: msg.dedupeKey, transport: 'wecom', userid: msg.fromUserId, message, now: deps.now() });
    if (!fresh) return 'duplicate';
    // after the commit, so the bot never hears of a row it cannot read yet
    notifier.notify({ transport: 'wecom', dedupeKey: msg.dedupeKey, userid: msg.fromUserId, media: needsMedia(message) });
    return 'accepted';
  };
}
