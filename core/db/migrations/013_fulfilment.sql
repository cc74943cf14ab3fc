-- Order fulfilment, watched (core/fulfilment/, alert rules in core/alerts/rules/):
-- what the ERP says happened to each order, its lines, and complaints with their SLA.

-- 签约日: the day the customer signed with us; 首单延迟发货 counts from it. Set when an
-- opportunity is won or a contract recorded; kept on the customer so the check is one join.
ALTER TABLE customers ADD COLUMN signed_at timestamptz;
CREATE INDEX customers_signed_idx ON customers (signed_at) WHERE signed_at IS NOT NULL;

ALTER TABLE orders
  ADD COLUMN confirmed_at  timestamptz,
  ADD COLUMN shipped_at    timestamptz,
  ADD COLUMN delivered_at  timestamptz,
  -- the ERP's last word on the order
  ADD COLUMN erp_updated_at timestamptz;
UPDATE orders SET confirmed_at = ordered_at WHERE status IN ('confirmed','shipped','delivered');
-- orders shipped before the ERP feed: by their due date, as far as anyone recorded
UPDATE orders SET shipped_at = COALESCE(due_at, ordered_at) WHERE status IN ('shipped','delivered');
CREATE INDEX orders_unshipped_idx ON orders (customer_id, ordered_at) WHERE shipped_at IS NULL AND status IN ('draft','confirmed');
CREATE INDEX orders_customer_kind_idx ON orders (customer_id, kind, ordered_at);

CREATE TABLE order_lines (
  id                     bigserial PRIMARY KEY,
  order_id               bigint NOT NULL REFERENCES orders(id),
  line_no                int NOT NULL CHECK (line_no > 0),
  sku                    text NOT NULL,
  name                   text,
  qty_ordered            numeric(14,3) NOT NULL CHECK (qty_ordered >= 0),
  qty_shipped            numeric(14,3) NOT NULL DEFAULT 0 CHECK (qty_shipped >= 0),
  qty_returned           numeric(14,3) NOT NULL DEFAULT 0 CHECK (qty_returned >= 0),
  -- the ERP changed the line (quantity, SKU) after the order was confirmed
  changed_after_confirm  boolean NOT NULL DEFAULT false,
  UNIQUE (order_id, line_no)
);
-- 订单错漏 reads only the lines with something wrong
CREATE INDEX order_lines_problem_idx ON order_lines (order_id)
  WHERE changed_after_confirm OR qty_returned > 0 OR qty_shipped <> qty_ordered;

-- Every ERP update applied, once: a re-sent file or API call finds its key here and changes nothing.
CREATE TABLE order_updates (
  id           bigserial PRIMARY KEY,
  update_key   text NOT NULL UNIQUE,
  order_id     bigint NOT NULL REFERENCES orders(id),
  status       text,
  at           timestamptz NOT NULL,
  lines        jsonb,
  source       text NOT NULL CHECK (source IN ('api','import')),
  recorded_by  bigint REFERENCES users(id),
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_updates_order_idx ON order_updates (order_id, at);

-- 客户投诉: a record of its own, with a severity and the time by which it must be resolved.
CREATE TABLE complaints (
  id             bigserial PRIMARY KEY,
  customer_id    bigint NOT NULL REFERENCES customers(id),
  order_id       bigint REFERENCES orders(id),
  severity       text NOT NULL CHECK (severity IN ('low','medium','high','critical')),
  category       text NOT NULL CHECK (category IN ('quality','delivery','wrong_item','service','billing','other')),
  title          text NOT NULL,
  description    text,
  received_at    timestamptz NOT NULL,
  sla_due_at     timestamptz NOT NULL,
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),
  resolved_at    timestamptz,
  resolution     text,
  -- the customer's owner and department when it came in: the alert's scope
  owner_id       bigint REFERENCES users(id),
  department_id  bigint REFERENCES departments(id),
  recorded_by    bigint REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE INDEX complaints_open_sla_idx ON complaints (sla_due_at) WHERE status = 'open';
CREATE INDEX complaints_customer_idx ON complaints (customer_id, received_at);
CREATE INDEX complaints_received_idx ON complaints (received_at);

-- the rules, for a database installed before them (a fresh one gets them from core/seed/alert-rules.defaults.ts)
INSERT INTO alert_rules (code, name, params) VALUES
  ('first_order_late', '新客户签约7天首单未发货', '{"days":7,"signedWithinDays":90,"recipients":["owner","owner_manager"]}'),
  ('reorder_overdue', '老客户超过平时间隔1.5倍未返单', '{"minOrders":3,"factor":1.5,"minDaysLate":7,"recipients":["owner","owner_manager"]}'),
  ('order_errors', '订单确认后改单、退货或发货数量不符', '{"lookbackDays":30,"recipients":["owner","owner_manager"]}'),
  ('complaint_escalation', '客户投诉超时未处理或30天内投诉3次',
   '{"slaHours":{"critical":4,"high":24,"medium":72,"low":168},"repeatCount":3,"repeatWindowDays":30,"recipients":["owner_manager","director"]}'),
  ('licence_expiry', '客户证照即将到期', '{"recipients":["owner","owner_manager"]}')
ON CONFLICT (code) DO NOTHING;

-- the subjects the new rules alert about
ALTER TABLE alerts DROP CONSTRAINT alerts_subject_type_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_subject_type_check
  CHECK (subject_type IN ('customer','user','action','order','complaint','licence'));

-- 返单超期 reads each repeat customer's cadence from here, not from every order: the
-- check refreshes only the customers whose orders changed since its previous run.
CREATE TABLE customer_order_cadence (
  customer_id    bigint PRIMARY KEY REFERENCES customers(id),
  orders         int NOT NULL,
  last_order_at  timestamptz NOT NULL,
  -- median days between consecutive orders; NULL with a single order
  usual_days     double precision,
  refreshed_at   timestamptz NOT NULL DEFAULT now()
);
