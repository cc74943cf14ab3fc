-- A picture a rep sends the bot with no report open (issue #24): the attachment is kept as any upload, and
-- waits here to be offered once to the next visit report the rep opens within the setting
-- bot.unfiled-photo-window. offered_action_id: the report it was offered to (asked once); decided: the rep's
-- answer. Nothing is deleted: a declined or expired picture stays the rep's attachment.
CREATE TABLE unfiled_photos (
  attachment_id     bigint PRIMARY KEY REFERENCES attachments(id) ON DELETE CASCADE,
  user_id           bigint NOT NULL REFERENCES users(id),
  received_at       timestamptz NOT NULL,
  offered_action_id bigint REFERENCES actions(id),
  decided           text CHECK (decided IN ('attached', 'declined')),
  decided_at        timestamptz,
  CHECK ((decided IS NULL) = (decided_at IS NULL))
);
CREATE INDEX unfiled_photos_waiting_idx ON unfiled_photos (user_id, received_at) WHERE decided IS NULL;
