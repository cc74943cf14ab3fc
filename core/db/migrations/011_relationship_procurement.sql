-- 对接频次 is measured now (core/profile/contact-touches.ts), not picked by hand.
ALTER TABLE contacts DROP COLUMN contact_frequency;

-- contact-touches reads a customer owner's messages to the bot by sender and time
CREATE INDEX bot_inbound_user_idx ON bot_inbound (userid, received_at);

-- The opportunity layer: where the customer's own procurement stands, as dated
-- events (预算申报 → 预算批复 → 招标公告 → 开标 → 中标), entered by reps or imported
-- from a tender feed. One event per opportunity, stage and day: a re-sent import
-- or webhook finds the row it made the first time.
CREATE TABLE procurement_events (
  id              bigserial PRIMARY KEY,
  opportunity_id  bigint NOT NULL REFERENCES opportunities(id),
  stage           text NOT NULL CHECK (stage IN ('budget_requested','budget_approved','tender_announced','bid_opened','bid_won')),
  occurred_on     date NOT NULL,
  amount          numeric(14,2) CHECK (amount >= 0),
  note            text,
  -- e.g. the tender's announcement number on the public platform
  reference       text,
  source          text NOT NULL CHECK (source IN ('app','api','import')),
  recorded_by     bigint REFERENCES users(id),
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (opportunity_id, stage, occurred_on)
);
CREATE INDEX procurement_events_opportunity_idx ON procurement_events (opportunity_id, occurred_on DESC);
