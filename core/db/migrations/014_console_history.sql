-- The H5 chat page shows a member's last console exchanges again after a reload
-- (core/inbound/console-bridge.ts consoleHistory).
CREATE INDEX bot_inbound_console_user_idx ON bot_inbound (userid, received_at DESC) WHERE transport = 'console';
