-- Organisation ---------------------------------------------------------------
CREATE TABLE departments (
  id            bigserial PRIMARY KEY,
  wecom_id      bigint UNIQUE,
  name          text NOT NULL,
  parent_id     bigint REFERENCES departments(id),
  -- materialised path '/1/4/9/' so "a manager's subtree" is one indexed prefix match
  path          text NOT NULL DEFAULT '/',
  sort_order    int NOT NULL DEFAULT 0,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX departments_path_idx ON departments (path text_pattern_ops);

CREATE TABLE users (
  id             bigserial PRIMARY KEY,
  wecom_userid   text NOT NULL UNIQUE,
  name           text NOT NULL,
  role           text NOT NULL CHECK (role IN ('rep','manager','director','compliance','admin')),
  department_id  bigint REFERENCES departments(id),
  manager_id     bigint REFERENCES users(id),
  position       text,
  active         boolean NOT NULL DEFAULT true,
  deactivated_at timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_department_idx ON users (department_id);
CREATE INDEX users_manager_idx ON users (manager_id);

CREATE TABLE product_lines (
  id    bigserial PRIMARY KEY,
  code  text NOT NULL UNIQUE,
  name  text NOT NULL
);

-- Customers, contacts, orders --------------------------------------------------
CREATE TABLE customers (
  id                          bigserial PRIMARY KEY,
  name                        text NOT NULL,
  type                        text NOT NULL CHECK (type IN ('ka','hospital','store','dealer')),
  address                     text,
  lat                         double precision,
  lng                         double precision,
  coord_system                text NOT NULL DEFAULT 'gcj02' CHECK (coord_system IN ('wgs84','gcj02')),
  owner_id                    bigint REFERENCES users(id),
  department_id               bigint REFERENCES departments(id),
  product_line_id             bigint REFERENCES product_lines(id),
  status                      text NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
  became_active_at            timestamptz NOT NULL DEFAULT now(),
  last_followup_at            timestamptz,
  last_effective_followup_at  timestamptz,
  -- key profile fields (历史合作痛点, 当前采购周期 …) used by the completeness metric
  profile                     jsonb NOT NULL DEFAULT '{}',
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  CHECK ((lat IS NULL) = (lng IS NULL)),
  CHECK (lat IS NULL OR (lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180))
);
CREATE UNIQUE INDEX customers_name_uq ON customers (name);
CREATE INDEX customers_owner_idx ON customers (owner_id, id);
CREATE INDEX customers_department_idx ON customers (department_id, id);
CREATE INDEX customers_silence_idx ON customers (last_effective_followup_at) WHERE status = 'active';

CREATE TABLE contacts (
  id                 bigserial PRIMARY KEY,
  customer_id        bigint NOT NULL REFERENCES customers(id),
  name               text NOT NULL,
  department         text,
  title              text,
  decision_role      text CHECK (decision_role IN ('decision_maker','influencer','user','gatekeeper','champion','unknown')),
  contact_frequency  text CHECK (contact_frequency IN ('weekly','biweekly','monthly','quarterly','rarely')),
  phone              text,
  wechat             text,
  notes              text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_customer_idx ON contacts (customer_id, id);

CREATE TABLE orders (
  id              bigserial PRIMARY KEY,
  order_no        text NOT NULL UNIQUE,
  kind            text NOT NULL DEFAULT 'order' CHECK (kind IN ('order','contract')),
  customer_id     bigint NOT NULL REFERENCES customers(id),
  opportunity_id  bigint,
  owner_id        bigint REFERENCES users(id),
  amount          numeric(14,2) NOT NULL CHECK (amount >= 0),
  status          text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('draft','confirmed','shipped','delivered','cancelled')),
  ordered_at      timestamptz NOT NULL DEFAULT now(),
  due_at          timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_idx ON orders (customer_id, ordered_at DESC);

-- Pipeline ----------------------------------------------------------------------
CREATE TABLE pipelines (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  -- stages, sub-stages and checklists as validated JSON (core/flow/pipeline.ts):
  -- 5 → 8 stages is a data change, not a migration
  definition  jsonb NOT NULL,
  version     int NOT NULL DEFAULT 1,
  is_default  boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Leads and opportunities --------------------------------------------------------
CREATE TABLE leads (
  id             bigserial PRIMARY KEY,
  title          text NOT NULL,
  company        text NOT NULL,
  contact_name   text,
  phone          text,
  source         text NOT NULL DEFAULT 'manual',
  customer_type  text CHECK (customer_type IN ('ka','hospital','store','dealer')),
  department_id  bigint REFERENCES departments(id),
  assignee_id    bigint REFERENCES users(id),
  customer_id    bigint REFERENCES customers(id),
  status         text NOT NULL DEFAULT 'new' CHECK (status IN ('new','assigned','converted','disqualified')),
  converted_at   timestamptz,
  created_by     bigint REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX leads_assignee_idx ON leads (assignee_id, id);
CREATE INDEX leads_department_idx ON leads (department_id, id);

CREATE TABLE lead_assignments (
  id           bigserial PRIMARY KEY,
  lead_id      bigint NOT NULL REFERENCES leads(id),
  from_user_id bigint REFERENCES users(id),
  to_user_id   bigint NOT NULL REFERENCES users(id),
  method       text NOT NULL CHECK (method IN ('round_robin','territory','manual')),
  reason       text,
  by_user_id   bigint REFERENCES users(id),
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lead_assignments_lead_idx ON lead_assignments (lead_id);

-- Round-robin cursor per team: the last rep who got a lead.
CREATE TABLE lead_rotation (
  department_id  bigint PRIMARY KEY REFERENCES departments(id),
  last_user_id   bigint REFERENCES users(id)
);

CREATE TABLE opportunities (
  id                bigserial PRIMARY KEY,
  name              text NOT NULL,
  customer_id       bigint NOT NULL REFERENCES customers(id),
  lead_id           bigint REFERENCES leads(id),
  owner_id          bigint NOT NULL REFERENCES users(id),
  department_id     bigint REFERENCES departments(id),
  product_line_id   bigint REFERENCES product_lines(id),
  pipeline_id       bigint NOT NULL REFERENCES pipelines(id),
  stage_code        text NOT NULL,
  sub_stage_code    text,
  checklist         jsonb NOT NULL DEFAULT '{}',
  amount            numeric(14,2) NOT NULL DEFAULT 0,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open','won','lost')),
  expected_close_at date,
  stage_entered_at  timestamptz NOT NULL DEFAULT now(),
  closed_at         timestamptz,
  version           int NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opportunities_owner_idx ON opportunities (owner_id, id);
CREATE INDEX opportunities_department_idx ON opportunities (department_id, id);
CREATE INDEX opportunities_customer_idx ON opportunities (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_opportunity_fk FOREIGN KEY (opportunity_id) REFERENCES opportunities(id);

CREATE TABLE stage_moves (
  id              bigserial PRIMARY KEY,
  opportunity_id  bigint NOT NULL REFERENCES opportunities(id),
  from_stage      text,
  from_sub_stage  text,
  to_stage        text NOT NULL,
  to_sub_stage    text,
  kind            text NOT NULL CHECK (kind IN ('create','advance','back','skip')),
  -- the (sub-)stages jumped over, e.g. ["谈判/法务审核"]; the skip alert counts these per rep
  skipped         jsonb NOT NULL DEFAULT '[]',
  reason          text,
  by_user_id      bigint REFERENCES users(id),
  owner_id        bigint REFERENCES users(id),
  dwell_seconds   bigint,
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stage_moves_opportunity_idx ON stage_moves (opportunity_id, at);
CREATE INDEX stage_moves_owner_idx ON stage_moves (owner_id, at);

-- Append-only event log ------------------------------------------------------------
CREATE TABLE events (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor_id     bigint REFERENCES users(id),
  entity_type  text NOT NULL,
  entity_id    bigint NOT NULL,
  type         text NOT NULL,
  data         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX events_entity_idx ON events (entity_type, entity_id, id);
CREATE INDEX events_type_at_idx ON events (type, at);

CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events is append-only' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_are_append_only();

-- Configuration --------------------------------------------------------------------
CREATE TABLE settings (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_by  bigint REFERENCES users(id),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE keyword_libraries (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  words       text[] NOT NULL DEFAULT '{}',
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE holidays (
  day    date PRIMARY KEY,
  kind   text NOT NULL CHECK (kind IN ('holiday','workday')),
  name   text
);

CREATE TABLE action_definitions (
  id                 bigserial PRIMARY KEY,
  code               text NOT NULL,
  version            int NOT NULL,
  name               text NOT NULL,
  kind               text NOT NULL,
  rules              jsonb NOT NULL DEFAULT '[]',
  prerequisites      jsonb NOT NULL DEFAULT '[]',
  due_working_days   int NOT NULL DEFAULT 3 CHECK (due_working_days BETWEEN 0 AND 365),
  escalation         jsonb NOT NULL DEFAULT '{"steps":[]}',
  active             boolean NOT NULL DEFAULT true,
  created_by         bigint REFERENCES users(id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (code, version)
);
-- exactly one active version per code
CREATE UNIQUE INDEX action_definitions_active_uq ON action_definitions (code) WHERE active;

CREATE TABLE followup_standards (
  customer_type  text PRIMARY KEY CHECK (customer_type IN ('ka','hospital','store','dealer')),
  standard       jsonb NOT NULL,
  version        int NOT NULL DEFAULT 1,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_rules (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  params      jsonb NOT NULL,
  enabled     boolean NOT NULL DEFAULT true,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Delivery ---------------------------------------------------------------------------
-- Every message to WeCom is written here in the same transaction as its cause,
-- then delivered; in demo mode this table is the 发件箱 the app shows.
CREATE TABLE outbox (
  id               bigserial PRIMARY KEY,
  dedupe_key       text NOT NULL UNIQUE,
  recipient        text NOT NULL,
  msgtype          text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed','demo')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  wecom_msgid      text,
  response_code    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_recipient_idx ON outbox (recipient, id);

CREATE TABLE idempotency_keys (
  user_id       bigint NOT NULL REFERENCES users(id),
  key           text NOT NULL,
  operation     text NOT NULL,
  request_hash  text NOT NULL,
  status        text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress','done')),
  http_status   int,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
