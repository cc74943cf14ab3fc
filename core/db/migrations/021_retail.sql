-- Retail store execution (#21): stores of a chain, the people who work them, the
-- brand's catalogue, shelf positions, and 新品上架 (a shelf launch: one process
-- instance of the 'shelf_launch' template, its four steps being actions).

-- 店员 work in a store (they are the retailer's staff, not members of the brand's WeCom);
-- 巡店督导 patrol stores. Both are roles of their own.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('rep','manager','director','compliance','admin','clerk','inspector'));

-- A store is a customer of type 'store' with its chain, format and region (a department).
CREATE TABLE retail_stores (
  customer_id  bigint PRIMARY KEY REFERENCES customers(id),
  chain        text NOT NULL,
  format       text NOT NULL,
  region_id    bigint REFERENCES departments(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX retail_stores_region_idx ON retail_stores (region_id, customer_id);

-- The store a clerk works in: a clerk sees that store only.
CREATE TABLE retail_clerks (
  user_id     bigint PRIMARY KEY REFERENCES users(id),
  store_id    bigint NOT NULL REFERENCES retail_stores(customer_id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX retail_clerks_store_idx ON retail_clerks (store_id);

-- The stores on an inspector's patrol route: an inspector sees those.
CREATE TABLE retail_inspector_stores (
  inspector_id  bigint NOT NULL REFERENCES users(id),
  store_id      bigint NOT NULL REFERENCES retail_stores(customer_id),
  PRIMARY KEY (inspector_id, store_id)
);
CREATE INDEX retail_inspector_stores_store_idx ON retail_inspector_stores (store_id);

CREATE TABLE retail_products (
  id           bigserial PRIMARY KEY,
  sku          text NOT NULL UNIQUE,
  barcode      text NOT NULL UNIQUE CHECK (barcode ~ '^[0-9]{8,14}$'),
  name         text NOT NULL,
  category     text NOT NULL,
  launch_date  date,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- A shelf position's code is what its printed label encodes (scanned at step ①).
CREATE TABLE retail_shelf_positions (
  id        bigserial PRIMARY KEY,
  store_id  bigint NOT NULL REFERENCES retail_stores(customer_id),
  code      text NOT NULL UNIQUE,
  label     text NOT NULL
);
CREATE INDEX retail_shelf_positions_store_idx ON retail_shelf_positions (store_id);

CREATE TABLE retail_launches (
  id                   bigserial PRIMARY KEY,
  store_id             bigint NOT NULL REFERENCES retail_stores(customer_id),
  product_id           bigint NOT NULL REFERENCES retail_products(id),
  launch_date          date NOT NULL,
  process_instance_id  bigint NOT NULL UNIQUE REFERENCES process_instances(id),
  -- what step ① bound, once it was submitted
  shelf_position_id    bigint REFERENCES retail_shelf_positions(id),
  created_by           bigint NOT NULL REFERENCES users(id),
  created_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (store_id, product_id)
);
CREATE INDEX retail_launches_store_idx ON retail_launches (store_id, id);
