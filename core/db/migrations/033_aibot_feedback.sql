-- The 智能机器人's late answers and ratings (issue #24).
-- response_url: where a message's answer can still be posted (once, within an hour) when it is ready
-- after WeCom stopped asking for the stream (6 minutes).
ALTER TABLE bot_inbound ADD COLUMN response_url text;

-- A member's 准确/不准确 on one of the bot's answers (feedback_event): the answer is the inbox row
-- whose stream carried the feedback id; a redelivered event is recorded once.
CREATE TABLE bot_feedback (
  event_key   text PRIMARY KEY,
  userid      text NOT NULL,
  answer_key  text NOT NULL,
  rating      text NOT NULL CHECK (rating IN ('good','bad','withdrawn')),
  comment     text,
  reasons     text[] NOT NULL DEFAULT '{}',
  received_at timestamptz NOT NULL
);
CREATE INDEX bot_feedback_answer ON bot_feedback (answer_key);

-- A picture sent to the 智能机器人 comes from WeCom (EXIF stripped like any WeCom media) but by a
-- one-time url, not a media_id: a WeCom file may lack the id, an upload still never has one.
ALTER TABLE attachments DROP CONSTRAINT attachments_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_wecom_media_id CHECK (source = 'wecom_media' OR wecom_media_id IS NULL);
