-- The bot (bot/): one conversation per member, and the inbox of everything members sent it.
-- Owned by the conversation engine; drafts themselves live in action_drafts (core/actions),
-- so the H5 app and the bot always show the same report.

-- Where a member's conversation stands. Locked FOR UPDATE per message, so two messages
-- from one member are handled one after the other; survives restarts by construction.
CREATE TABLE bot_conversations (
  user_id           bigint PRIMARY KEY REFERENCES users(id),
  -- bot/engine/state.ts ConversationState: last slot asked, undo stack, skipped warnings …
  state             jsonb NOT NULL DEFAULT '{}',
  -- the action the member is reporting on; cleared once it is filed
  active_action_id  bigint REFERENCES actions(id) ON DELETE SET NULL,
  -- the question awaiting an answer ({ kind: 'which_action' | 'confirm_submit' | … })
  pending_question  jsonb,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  version           int NOT NULL DEFAULT 1
);

-- Every message as received, keyed by the transport's dedupe key (WeCom: msg:<MsgId> or
-- evt:<from>:<time>:…; wechaty: its message id; console: the client's message id).
-- WeCom retries a callback up to 3 times: the key makes the second delivery a no-op, and
-- processed_at is set in the same transaction as the conversation and the replies.
CREATE TABLE bot_inbound (
  dedupe_key    text PRIMARY KEY,
  transport     text NOT NULL CHECK (transport IN ('wecom','wechaty','console')),
  -- the sender's WeCom userid (users.wecom_userid)
  userid        text NOT NULL,
  message       jsonb NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz,
  attempts      int NOT NULL DEFAULT 0,
  last_error    text,
  -- what the bot answered, so a replayed console request gets the same answer
  replies       jsonb
);
CREATE INDEX bot_inbound_pending_idx ON bot_inbound (received_at) WHERE processed_at IS NULL;

-- wechaty transport: the member's contact id on the wechaty puppet (set by an admin).
ALTER TABLE users ADD COLUMN wechaty_id text UNIQUE;
