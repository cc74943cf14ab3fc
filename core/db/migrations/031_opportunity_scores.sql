-- Win scores (core/scoring, issue #20).

-- Each open deal's current score: the probability, the model that made it, and every
-- reason with its effect in percentage points. Rewritten whenever the deal is scored.
CREATE TABLE opportunity_scores (
  opportunity_id  bigint PRIMARY KEY REFERENCES opportunities(id),
  probability     real NOT NULL CHECK (probability >= 0 AND probability <= 1),
  model           text NOT NULL CHECK (model IN ('prior','learned')),
  base            real NOT NULL,
  reasons         jsonb NOT NULL DEFAULT '[]',
  computed_at     timestamptz NOT NULL
);

-- The score over time: a point whenever a scoring moved it by half a point or more
-- (or on a new day), so the deal page draws how it got here.
CREATE TABLE opportunity_score_history (
  opportunity_id  bigint NOT NULL REFERENCES opportunities(id),
  at              timestamptz NOT NULL,
  probability     real NOT NULL,
  model           text NOT NULL
);
CREATE INDEX opportunity_score_history_idx ON opportunity_score_history (opportunity_id, at);

-- The organisation's usual (median) days in each stage before leaving it, from its stage moves:
-- what "far over the norm" compares with. Refreshed by scoring when older than a few hours,
-- so a single score read never scans every move.
CREATE TABLE stage_dwell_norms (
  stage_code    text PRIMARY KEY,
  moves         int NOT NULL,
  -- NULL with too few moves to say what is usual
  norm_days     double precision,
  computed_at   timestamptz NOT NULL
);
