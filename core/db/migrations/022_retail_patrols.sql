-- Store patrols (巡店, #21): an inspector's plan is the stores on their route with a
-- frequency; a patrol ticks the store format's checklist with a photo per item.

ALTER TABLE retail_inspector_stores ADD COLUMN every_days int NOT NULL DEFAULT 7 CHECK (every_days BETWEEN 1 AND 90);

CREATE TABLE retail_patrols (
  id                   bigserial PRIMARY KEY,
  store_id             bigint NOT NULL REFERENCES retail_stores(customer_id),
  inspector_id         bigint NOT NULL REFERENCES users(id),
  started_at           timestamptz NOT NULL,
  finished_at          timestamptz,
  -- the checklist as it stood when the patrol started: [{ key, label }]
  checklist            jsonb NOT NULL,
  -- { [key]: { passed, note, attachmentId, at } }
  ticks                jsonb NOT NULL DEFAULT '{}',
  score                int CHECK (score BETWEEN 0 AND 100),
  perfunctory          boolean,
  -- why it was flagged: [{ code, message }]
  perfunctory_reasons  jsonb NOT NULL DEFAULT '[]',
  -- the 整改 actions its failed items became
  fix_action_ids       bigint[] NOT NULL DEFAULT '{}'
);
-- one patrol under way per inspector and store
CREATE UNIQUE INDEX retail_patrols_open_uq ON retail_patrols (inspector_id, store_id) WHERE finished_at IS NULL;
CREATE INDEX retail_patrols_store_idx ON retail_patrols (store_id, started_at);

-- 缺货 as a clerk reports it with one tap; answered by the 缺货处理 action it creates.
CREATE TABLE retail_stockouts (
  id           bigserial PRIMARY KEY,
  store_id     bigint NOT NULL REFERENCES retail_stores(customer_id),
  product_id   bigint NOT NULL REFERENCES retail_products(id),
  reported_by  bigint NOT NULL REFERENCES users(id),
  reported_at  timestamptz NOT NULL,
  action_id    bigint REFERENCES actions(id)
);
-- one open report per store and product: a second tap is the same report
CREATE INDEX retail_stockouts_store_idx ON retail_stockouts (store_id, product_id, reported_at);
