-- Promotions (#21 item 5): stores × products over a period, at a cost. Uplift and ROI are not
-- stored: they are computed on read from the imported sales (retail_sales), so they move as
-- each day's POS data arrives.
CREATE TABLE retail_promotions (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL,
  starts_on   date NOT NULL,
  ends_on     date NOT NULL CHECK (ends_on >= starts_on),
  cost        numeric(14,2) NOT NULL CHECK (cost > 0),
  created_by  bigint NOT NULL REFERENCES users(id),
  created_at  timestamptz NOT NULL
);
CREATE INDEX retail_promotions_period_idx ON retail_promotions (ends_on DESC, starts_on);

CREATE TABLE retail_promotion_stores (
  promotion_id  bigint NOT NULL REFERENCES retail_promotions(id) ON DELETE CASCADE,
  store_id      bigint NOT NULL REFERENCES retail_stores(customer_id),
  PRIMARY KEY (promotion_id, store_id)
);
CREATE INDEX retail_promotion_stores_store_idx ON retail_promotion_stores (store_id);

CREATE TABLE retail_promotion_products (
  promotion_id  bigint NOT NULL REFERENCES retail_promotions(id) ON DELETE CASCADE,
  product_id    bigint NOT NULL REFERENCES retail_products(id),
  PRIMARY KEY (promotion_id, product_id)
);

-- retail_sales.batch_id keeps naming the batch that wrote the row, without a foreign key: a million-row import
-- paid a trigger per row for a reference the import itself writes in the same transaction (bench/retail).
ALTER TABLE retail_sales DROP CONSTRAINT retail_sales_batch_id_fkey;
