-- Alerts (预警) and message delivery ---------------------------------------------------
-- Detection jobs (core/alerts) write an alert, its recipients and one outbox row per
-- recipient in one transaction; the deliverer (core/delivery) sends the outbox to WeCom
-- within each member's limits. The alert's history lives in `events` (entity 'alert').

CREATE TABLE alerts (
  id               bigserial PRIMARY KEY,
  rule_code        text NOT NULL,
  subject_type     text NOT NULL CHECK (subject_type IN ('customer','user','action')),
  subject_id       bigint NOT NULL,
  -- one alert per cause, e.g. silence:{customerId}:{episode start date}, legal_review_skips:{repId}:{week}
  dedupe_key       text NOT NULL UNIQUE,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open','acknowledged','resolved')),
  severity         text NOT NULL DEFAULT 'warning' CHECK (severity IN ('warning','critical')),
  title            text NOT NULL,
  summary          text NOT NULL DEFAULT '',
  -- what happened, why, since when, who and what it concerns (customer, rep, opportunities …)
  data             jsonb NOT NULL DEFAULT '{}',
  -- silence: the episode's start (last effective follow-up); skips: the window's start
  window_start     timestamptz,
  -- the rep the alert is about and their department: scope of the alert lists
  owner_id         bigint REFERENCES users(id),
  department_id    bigint REFERENCES departments(id),
  opened_at        timestamptz NOT NULL DEFAULT now(),
  acknowledged_by  bigint REFERENCES users(id),
  acknowledged_at  timestamptz,
  -- resolved_by NULL with resolved_at set = resolved by the system (e.g. an effective follow-up arrived)
  resolved_by      bigint REFERENCES users(id),
  resolved_at      timestamptz,
  resolution_note  text,
  -- signLink(SESSION_SECRET, 'alert:{id}') as put in the card link; kept so a link minted by
  -- another process (demo mode has a per-process secret) still opens
  link_token       text,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE INDEX alerts_unresolved_idx ON alerts (rule_code, subject_id) WHERE status <> 'resolved';
CREATE INDEX alerts_department_idx ON alerts (department_id, id);
CREATE INDEX alerts_owner_idx ON alerts (owner_id, id);
CREATE INDEX alerts_opened_idx ON alerts (opened_at, id);
-- card refresh sweep: alerts whose state changed recently
CREATE INDEX alerts_updated_idx ON alerts (updated_at) WHERE status <> 'open';

CREATE TABLE alert_recipients (
  alert_id       bigint NOT NULL REFERENCES alerts(id),
  user_id        bigint NOT NULL REFERENCES users(id),
  -- why this person: owner, owner_manager, manager, director, compliance, admin, assignee …
  role_reason    text NOT NULL,
  outbox_id      bigint REFERENCES outbox(id),
  -- the single-use code to update this person's card (from the send, then from their latest click)
  response_code  text,
  -- the alert status their card shows now ('open' once delivered)
  card_state     text CHECK (card_state IN ('open','acknowledged','resolved')),
  card_error     text,
  PRIMARY KEY (alert_id, user_id)
);
CREATE INDEX alert_recipients_user_idx ON alert_recipients (user_id, alert_id);
CREATE INDEX alert_recipients_outbox_idx ON alert_recipients (outbox_id) WHERE outbox_id IS NOT NULL;

-- Outbox delivery state ----------------------------------------------------------------
-- merged: folded into a digest card (digest_id) because the recipient's limit was reached;
-- cancelled: its alert was resolved before it went out.
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
  CHECK (status IN ('pending','sent','failed','demo','merged','cancelled'));
ALTER TABLE outbox
  ADD COLUMN alert_id     bigint REFERENCES alerts(id),
  ADD COLUMN digest_id    bigint REFERENCES outbox(id),
  -- a worker's lease: while claimed, next_attempt_at is the lease's end, so a crashed
  -- worker's rows come due again by themselves
  ADD COLUMN claimed_by   text,
  ADD COLUMN failed_at    timestamptz;
CREATE INDEX outbox_alert_idx ON outbox (alert_id) WHERE alert_id IS NOT NULL;
CREATE INDEX outbox_digest_idx ON outbox (digest_id) WHERE digest_id IS NOT NULL;
CREATE INDEX outbox_inflight_idx ON outbox (recipient) WHERE status = 'pending' AND claimed_by IS NOT NULL;
CREATE INDEX outbox_status_idx ON outbox (status, id);

-- Every message handed to WeCom, per recipient: the per-member budget (30/min, 1000/h)
-- is counted here, so every worker process sees the same budget.
CREATE TABLE delivery_log (
  id          bigserial PRIMARY KEY,
  recipient   text NOT NULL,
  outbox_id   bigint NOT NULL REFERENCES outbox(id),
  at          timestamptz NOT NULL,
  wecom_msgid text
);
CREATE INDEX delivery_log_recipient_idx ON delivery_log (recipient, at);
CREATE INDEX delivery_log_at_idx ON delivery_log (at);

-- The silence check's second range: active customers never followed up effectively, by when
-- they became active (the first range is customers_silence_idx of 001).
CREATE INDEX customers_never_followed_idx ON customers (became_active_at)
  WHERE status = 'active' AND last_effective_followup_at IS NULL;

-- Last run of each detection, for the run-job CLI and the admin page.
CREATE TABLE alert_rule_runs (
  rule_code    text PRIMARY KEY,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL,
  result       jsonb NOT NULL DEFAULT '{}'
);

-- The two rules the jobs need besides those of the template (silence, legal_review_skips).
INSERT INTO alert_rules (code, name, params) VALUES
  ('overdue_escalation', '事项逾期升级', '{"quietHours": {"from": "21:00", "to": "08:00"}}'),
  ('reminders', '草稿与日报提醒', '{"draftIdleHours": 2, "dailyReportBy": "18:00", "quietHours": {"from": "21:00", "to": "08:00"}}')
ON CONFLICT (code) DO NOTHING;
