-- The 智能机器人 (AI bot, issue #24 item 5): its messages share the bot's inbox and dedupe.
ALTER TABLE bot_inbound DROP CONSTRAINT bot_inbound_transport_check;
ALTER TABLE bot_inbound ADD CONSTRAINT bot_inbound_transport_check CHECK (transport IN ('wecom','wechaty','console','aibot'));
