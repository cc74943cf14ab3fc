-- The organisation's own win model (core/scoring/train.ts): one row per training, the
-- newest in force. Its coefficients, each feature's mean over the training deals, and
-- the time-split backtest beside the static-field baseline's.
CREATE TABLE scoring_models (
  id          bigserial PRIMARY KEY,
  trained_at  timestamptz NOT NULL,
  won         int NOT NULL,
  lost        int NOT NULL,
  features    jsonb NOT NULL,
  beta        jsonb NOT NULL,
  means       jsonb NOT NULL,
  backtest    jsonb NOT NULL
);
