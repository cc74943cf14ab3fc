-- Talk-track packs (core/talk-tracks, issue #20 item 5).

-- What an admin writes for reps: sections of advice and objection → answer pairs, the words
-- reps ask about it with (质保, 延保 …), and whom it is for — customer types, deal stages,
-- the win-score signals that push it (empty = any). Sections and objections are small lists
-- always read and written whole with the pack, so they live in it as JSON (zod-checked).
CREATE TABLE talk_track_packs (
  id              bigserial PRIMARY KEY,
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
  summary         text NOT NULL DEFAULT '',
  sections        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sections) = 'array'),
  objections      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(objections) = 'array'),
  keywords        text[] NOT NULL DEFAULT '{}',
  customer_types  text[] NOT NULL DEFAULT '{}',
  stage_codes     text[] NOT NULL DEFAULT '{}',
  signal_kinds    text[] NOT NULL DEFAULT '{}',
  published       boolean NOT NULL DEFAULT true,
  version         int NOT NULL DEFAULT 1,
  created_by      bigint REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_by      bigint REFERENCES users(id),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
-- a signal rule names its pack by title: two packs of one title would make that ambiguous
CREATE UNIQUE INDEX talk_track_packs_title_idx ON talk_track_packs (title);

-- Files from attachment storage shown with the pack (a price sheet, the warranty terms).
CREATE TABLE talk_track_attachments (
  pack_id        bigint NOT NULL REFERENCES talk_track_packs(id) ON DELETE CASCADE,
  attachment_id  bigint NOT NULL REFERENCES attachments(id),
  position       int NOT NULL DEFAULT 0,
  PRIMARY KEY (pack_id, attachment_id)
);

-- A pack sent to a deal's owner because a signal fired on the deal: once per deal and pack
-- (the unique key is the "sent once"), with the reason the card gave.
CREATE TABLE talk_track_pushes (
  id              bigserial PRIMARY KEY,
  pack_id         bigint NOT NULL REFERENCES talk_track_packs(id) ON DELETE CASCADE,
  opportunity_id  bigint NOT NULL REFERENCES opportunities(id),
  user_id         bigint NOT NULL REFERENCES users(id),
  signal_kind     text NOT NULL,
  reason          text NOT NULL,
  pushed_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (pack_id, opportunity_id)
);

-- Each time a member reads a pack (a reload within minutes is the same read), and how they came.
CREATE TABLE talk_track_opens (
  id              bigserial PRIMARY KEY,
  pack_id         bigint NOT NULL REFERENCES talk_track_packs(id) ON DELETE CASCADE,
  user_id         bigint NOT NULL REFERENCES users(id),
  opportunity_id  bigint REFERENCES opportunities(id),
  via             text NOT NULL CHECK (via IN ('card','app','bot')),
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX talk_track_opens_pack_idx ON talk_track_opens (pack_id, user_id, at);

-- 用上了: a member says the pack helped, once per pack and deal (or once without a deal).
CREATE TABLE talk_track_helped (
  id              bigserial PRIMARY KEY,
  pack_id         bigint NOT NULL REFERENCES talk_track_packs(id) ON DELETE CASCADE,
  user_id         bigint NOT NULL REFERENCES users(id),
  opportunity_id  bigint REFERENCES opportunities(id),
  at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (pack_id, user_id, opportunity_id)
);
