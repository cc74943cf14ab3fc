-- Sales data and data-entry accuracy (#21 item 4): POS/ERP sales by store × SKU × day,
-- imported by file or API in batches, and the figures store clerks report themselves.

-- The code a chain's POS export names the store by.
ALTER TABLE retail_stores ADD COLUMN code text UNIQUE;

-- One import: a file (id 'file:<sha256>', so the same file twice is one batch) or an API batch (the caller's id).
CREATE TABLE retail_sales_batches (
  id             text PRIMARY KEY,
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  source         text NOT NULL CHECK (source IN ('file','api')),
  file_name      text,
  rows_total     integer NOT NULL,
  rows_imported  integer NOT NULL,
  -- rows left out at the importer's choice (import only the good rows), each with why
  rows_skipped   integer NOT NULL,
  skipped        jsonb NOT NULL DEFAULT '[]',
  imported_by    bigint NOT NULL REFERENCES users(id),
  imported_at    timestamptz NOT NULL
);

-- What the POS says a store sold of a product on a day; a later batch restating the same day replaces it.
CREATE TABLE retail_sales (
  store_id    bigint NOT NULL REFERENCES retail_stores(customer_id),
  product_id  bigint NOT NULL REFERENCES retail_products(id),
  day         date NOT NULL,
  units       integer NOT NULL CHECK (units >= 0),
  amount      numeric(14,2) CHECK (amount >= 0),
  batch_id    text NOT NULL REFERENCES retail_sales_batches(id),
  PRIMARY KEY (store_id, product_id, day)
);
CREATE INDEX retail_sales_product_day_idx ON retail_sales (product_id, day);

-- What a clerk reported: 新品上架 ③ (the launch day's sales) or a daily entry. The latest report of a day counts.
CREATE TABLE retail_clerk_sales (
  store_id     bigint NOT NULL REFERENCES retail_stores(customer_id),
  product_id   bigint NOT NULL REFERENCES retail_products(id),
  day          date NOT NULL,
  units        integer NOT NULL CHECK (units >= 0),
  clerk_id     bigint NOT NULL REFERENCES users(id),
  source       text NOT NULL CHECK (source IN ('launch','entry')),
  reported_at  timestamptz NOT NULL,
  PRIMARY KEY (store_id, product_id, day)
);
CREATE INDEX retail_clerk_sales_clerk_idx ON retail_clerk_sales (clerk_id, day);
