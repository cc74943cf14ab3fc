-- A complete report the bot files by itself a few minutes after the rep's last message (issue #25):
-- until then 撤销 takes it back and any change to the draft cancels it (every draft write clears it).
-- submit_by: whose report it is (the assignee when it was scheduled); submit_notes: the
-- decision-chain notes the chat gathered, applied to the contacts once it is filed.
ALTER TABLE action_drafts
  ADD COLUMN submit_at    timestamptz,
  ADD COLUMN submit_by    bigint REFERENCES users(id),
  ADD COLUMN submit_notes jsonb NOT NULL DEFAULT '[]';

CREATE INDEX action_drafts_submit_at ON action_drafts (submit_at) WHERE submit_at IS NOT NULL;
