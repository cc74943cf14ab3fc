-- Promotions are edited and ended early (#21 item 5): who changed what and when is kept as a line per change,
-- and an early end as the last day the promotion ran, beside its planned end.
ALTER TABLE retail_promotions
  ADD COLUMN ended_on  date,
  ADD COLUMN ended_by  bigint REFERENCES users(id),
  ADD COLUMN ended_at  timestamptz,
  -- an edit names the version it read: a second editor's stale form is refused, not merged
  ADD COLUMN version   int NOT NULL DEFAULT 1,
  ADD CONSTRAINT retail_promotions_ended_on_check CHECK (ended_on IS NULL OR ended_on BETWEEN starts_on AND ends_on);

CREATE TABLE retail_promotion_changes (
  id            bigserial PRIMARY KEY,
  promotion_id  bigint NOT NULL REFERENCES retail_promotions(id) ON DELETE CASCADE,
  changed_by    bigint NOT NULL REFERENCES users(id),
  changed_at    timestamptz NOT NULL,
  -- what changed, as the screen says it: 费用 600元 → 800元；结束日期 12月20日 → 12月25日
  summary       text NOT NULL
);
CREATE INDEX retail_promotion_changes_promotion_idx ON retail_promotion_changes (promotion_id, changed_at);
