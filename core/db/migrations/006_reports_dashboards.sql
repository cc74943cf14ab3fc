-- Daily reports, dashboards and obstacle clustering ------------------------------------
-- Owned by core/reports, core/dashboards and core/obstacles. Dashboards read the fact
-- tables of 001/002 directly; this migration adds what they need to stay fast and to
-- attribute every fact to the department its rep belonged to WHEN IT HAPPENED:
--   * actions / followups / leads carry department_id on the row (set by their writers);
--   * stage moves and opportunity closes are attributed through user_department_history,
--     which records every change of users.department_id (trigger below);
--   * customers' profile completeness is a state: live for the current period, and
--     daily snapshots (dash_profile_snapshots) for past periods.

-- 日报 -------------------------------------------------------------------------------------
-- One per rep and Shanghai day; a second submission the same day replaces the first.
-- department_id is the author's department when the report was (last) written.
CREATE TABLE daily_reports (
  id             bigserial PRIMARY KEY,
  user_id        bigint NOT NULL REFERENCES users(id),
  department_id  bigint REFERENCES departments(id),
  day            date NOT NULL,
  summary        text NOT NULL DEFAULT '',
  -- 今日关键障碍: the text core/obstacles clusters into the weekly heatmap
  obstacles      text NOT NULL DEFAULT '',
  plan           text NOT NULL DEFAULT '',
  -- 需要的支持 (which department should help)
  support        text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, day)
);
CREATE INDEX daily_reports_day_idx ON daily_reports (day, id);
CREATE INDEX daily_reports_department_idx ON daily_reports (department_id, day);

-- Department history -------------------------------------------------------------------
-- A row per past membership: the user was in department_id during [valid_from, valid_to).
-- The current department is users.department_id from the last valid_to on. The change
-- time is the row's new updated_at when the writer moved it (org sync does), else now().
CREATE TABLE user_department_history (
  id             bigserial PRIMARY KEY,
  user_id        bigint NOT NULL REFERENCES users(id),
  department_id  bigint REFERENCES departments(id),
  valid_from     timestamptz NOT NULL,
  valid_to       timestamptz NOT NULL,
  CHECK (valid_from <= valid_to)
);
CREATE INDEX user_department_history_user_idx ON user_department_history (user_id, valid_to);

CREATE FUNCTION users_record_department_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  since timestamptz;
  moved_at timestamptz := CASE WHEN NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN NEW.updated_at ELSE now() END;
BEGIN
  SELECT max(valid_to) INTO since FROM user_department_history WHERE user_id = OLD.id;
  since := COALESCE(since, '-infinity');
  INSERT INTO user_department_history (user_id, department_id, valid_from, valid_to)
  VALUES (OLD.id, OLD.department_id, since, GREATEST(since, moved_at));
  -- stage facts after a backdated change belong to the new department (dash_stage_facts, below)
  IF to_regclass('dash_stage_facts') IS NOT NULL THEN
    UPDATE dash_stage_facts SET department_id = NEW.department_id WHERE owner_id = OLD.id AND at >= GREATEST(since, moved_at);
    UPDATE dash_stage_facts SET department_id = OLD.department_id WHERE owner_id = OLD.id AND at >= since AND at < GREATEST(since, moved_at);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER users_department_history AFTER UPDATE OF department_id ON users
  FOR EACH ROW WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id)
  EXECUTE FUNCTION users_record_department_change();

-- The department user $1 was in at instant $2 (history first, else the current one).
CREATE FUNCTION department_at(p_user bigint, p_at timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN h.user_id IS NOT NULL THEN h.department_id ELSE u.department_id END
    FROM users u
    LEFT JOIN LATERAL (SELECT x.user_id, x.department_id FROM user_department_history x
                        WHERE x.user_id = u.id AND p_at >= x.valid_from AND p_at < x.valid_to
                        ORDER BY x.valid_to LIMIT 1) h ON true
   WHERE u.id = p_user
$$;

-- Indexes the dashboards' period scans and drill-downs need --------------------------------
CREATE INDEX actions_due_idx ON actions (due_at);
CREATE INDEX followups_at_idx ON followups (at);
CREATE INDEX leads_created_idx ON leads (created_at);
CREATE INDEX opportunities_closed_idx ON opportunities (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX stage_moves_at_idx ON stage_moves (at);
-- 客户资料完整度: "has a decision maker" / "has a reachable contact" as hash joins over these
CREATE INDEX contacts_decision_maker_idx ON contacts (customer_id) WHERE decision_role = 'decision_maker';
CREATE INDEX contacts_reachable_idx ON contacts (customer_id)
  WHERE COALESCE(btrim(phone), '') <> '' OR COALESCE(btrim(wechat), '') <> '';

-- Daily rollup of actions and follow-ups ------------------------------------------------
-- Incrementally maintained by the triggers below, in the writer's transaction, so a
-- dashboard never sums millions of rows. One row per (kind, Shanghai day, department,
-- owner, product line):
--   action:   day = due day; total = actions due; hits = completed on time (accepted
--             submission — status submitted/verified/archived — no later than due_at)
--   followup: day = follow-up day; total = follow-ups; hits = effective ones
-- Product line is the customer's. core/dashboards/rollups.ts rebuilds it from scratch
-- (after a bulk load with triggers off) and checks it against the base tables.
CREATE TABLE dash_daily (
  kind             text NOT NULL CHECK (kind IN ('action','followup')),
  day              date NOT NULL,
  department_id    bigint,
  owner_id         bigint,
  product_line_id  bigint,
  total            bigint NOT NULL DEFAULT 0,
  hits             bigint NOT NULL DEFAULT 0,
  CONSTRAINT dash_daily_key UNIQUE NULLS NOT DISTINCT (kind, day, department_id, owner_id, product_line_id)
);
-- region / manager views read one department subtree: its departments' rows only
CREATE INDEX dash_daily_department_idx ON dash_daily (kind, department_id, day) INCLUDE (owner_id, product_line_id, total, hits);

CREATE FUNCTION dash_action_on_time(p_status text, p_submitted timestamptz, p_due timestamptz) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_status IN ('submitted','verified','archived') AND p_submitted IS NOT NULL AND p_submitted <= p_due
$$;

CREATE FUNCTION dash_day(p_at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT (p_at AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- Adds (sign = 1) or removes (sign = -1) the contribution of a set of action rows.
CREATE FUNCTION dash_apply_actions(p_rows jsonb, p_sign int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO dash_daily AS d (kind, day, department_id, owner_id, product_line_id, total, hits)
  SELECT 'action', dash_day(r.due_at), r.department_id, r.assignee_id, c.product_line_id,
         p_sign * count(*), p_sign * count(*) FILTER (WHERE dash_action_on_time(r.status, r.submitted_at, r.due_at))
    FROM jsonb_to_recordset(p_rows) AS r(due_at timestamptz, department_id bigint, assignee_id bigint, customer_id bigint,
                                         status text, submitted_at timestamptz)
    LEFT JOIN customers c ON c.id = r.customer_id
   WHERE r.due_at IS NOT NULL
   GROUP BY 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT dash_daily_key
  DO UPDATE SET total = d.total + EXCLUDED.total, hits = d.hits + EXCLUDED.hits
$$;

CREATE FUNCTION dash_actions_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dash_daily AS d (kind, day, department_id, owner_id, product_line_id, total, hits)
  SELECT 'action', dash_day(n.due_at), n.department_id, n.assignee_id, c.product_line_id,
         count(*), count(*) FILTER (WHERE dash_action_on_time(n.status, n.submitted_at, n.due_at))
    FROM dash_new n LEFT JOIN customers c ON c.id = n.customer_id
   WHERE n.due_at IS NOT NULL
   GROUP BY 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT dash_daily_key
  DO UPDATE SET total = d.total + EXCLUDED.total, hits = d.hits + EXCLUDED.hits;
  RETURN NULL;
END $$;

CREATE FUNCTION dash_actions_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dash_apply_actions((SELECT coalesce(jsonb_agg(to_jsonb(o)), '[]') FROM dash_old o), -1);
  RETURN NULL;
END $$;

CREATE FUNCTION dash_actions_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dash_apply_actions(jsonb_build_array(to_jsonb(OLD)), -1);
  PERFORM dash_apply_actions(jsonb_build_array(to_jsonb(NEW)), 1);
  RETURN NULL;
END $$;

CREATE FUNCTION dash_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dash_daily WHERE kind = TG_ARGV[0];
  RETURN NULL;
END $$;

CREATE TRIGGER dash_actions_insert AFTER INSERT ON actions
  REFERENCING NEW TABLE AS dash_new FOR EACH STATEMENT EXECUTE FUNCTION dash_actions_insert();
CREATE TRIGGER dash_actions_delete AFTER DELETE ON actions
  REFERENCING OLD TABLE AS dash_old FOR EACH STATEMENT EXECUTE FUNCTION dash_actions_delete();
-- only changes that move a contribution: status changes such as overdue/escalated do not fire
CREATE TRIGGER dash_actions_update AFTER UPDATE ON actions FOR EACH ROW
  WHEN ((OLD.due_at, OLD.department_id, OLD.assignee_id, OLD.customer_id,
         dash_action_on_time(OLD.status, OLD.submitted_at, OLD.due_at))
        IS DISTINCT FROM
        (NEW.due_at, NEW.department_id, NEW.assignee_id, NEW.customer_id,
         dash_action_on_time(NEW.status, NEW.submitted_at, NEW.due_at)))
  EXECUTE FUNCTION dash_actions_update();
CREATE TRIGGER dash_actions_truncate AFTER TRUNCATE ON actions
  FOR EACH STATEMENT EXECUTE FUNCTION dash_truncate('action');

CREATE FUNCTION dash_apply_followups(p_rows jsonb, p_sign int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO dash_daily AS d (kind, day, department_id, owner_id, product_line_id, total, hits)
  SELECT 'followup', dash_day(r.at), r.department_id, r.user_id, c.product_line_id,
         p_sign * count(*), p_sign * count(*) FILTER (WHERE r.effective)
    FROM jsonb_to_recordset(p_rows) AS r(at timestamptz, department_id bigint, user_id bigint, customer_id bigint, effective boolean)
    LEFT JOIN customers c ON c.id = r.customer_id
   GROUP BY 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT dash_daily_key
  DO UPDATE SET total = d.total + EXCLUDED.total, hits = d.hits + EXCLUDED.hits
$$;

CREATE FUNCTION dash_followups_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dash_daily AS d (kind, day, department_id, owner_id, product_line_id, total, hits)
  SELECT 'followup', dash_day(n.at), n.department_id, n.user_id, c.product_line_id,
         count(*), count(*) FILTER (WHERE n.effective)
    FROM dash_new n LEFT JOIN customers c ON c.id = n.customer_id
   GROUP BY 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT dash_daily_key
  DO UPDATE SET total = d.total + EXCLUDED.total, hits = d.hits + EXCLUDED.hits;
  RETURN NULL;
END $$;

CREATE FUNCTION dash_followups_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dash_apply_followups((SELECT coalesce(jsonb_agg(to_jsonb(o)), '[]') FROM dash_old o), -1);
  RETURN NULL;
END $$;

CREATE FUNCTION dash_followups_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dash_apply_followups(jsonb_build_array(to_jsonb(OLD)), -1);
  PERFORM dash_apply_followups(jsonb_build_array(to_jsonb(NEW)), 1);
  RETURN NULL;
END $$;

CREATE TRIGGER dash_followups_insert AFTER INSERT ON followups
  REFERENCING NEW TABLE AS dash_new FOR EACH STATEMENT EXECUTE FUNCTION dash_followups_insert();
CREATE TRIGGER dash_followups_delete AFTER DELETE ON followups
  REFERENCING OLD TABLE AS dash_old FOR EACH STATEMENT EXECUTE FUNCTION dash_followups_delete();
CREATE TRIGGER dash_followups_update AFTER UPDATE ON followups FOR EACH ROW
  WHEN ((OLD.at, OLD.department_id, OLD.user_id, OLD.customer_id, OLD.effective)
        IS DISTINCT FROM (NEW.at, NEW.department_id, NEW.user_id, NEW.customer_id, NEW.effective))
  EXECUTE FUNCTION dash_followups_update();
CREATE TRIGGER dash_followups_truncate AFTER TRUNCATE ON followups
  FOR EACH STATEMENT EXECUTE FUNCTION dash_truncate('followup');

-- A customer moving to another product line moves its actions' and follow-ups' contributions.
CREATE FUNCTION dash_customer_product_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dash_daily AS d (kind, day, department_id, owner_id, product_line_id, total, hits)
  SELECT kind, day, department_id, owner_id, pl, sum(total), sum(hits)
    FROM (SELECT 'action' AS kind, dash_day(a.due_at) AS day, a.department_id, a.assignee_id AS owner_id, x.pl,
                 x.sign AS total, CASE WHEN dash_action_on_time(a.status, a.submitted_at, a.due_at) THEN x.sign ELSE 0 END AS hits
            FROM actions a, (VALUES (OLD.product_line_id, -1), (NEW.product_line_id, 1)) x(pl, sign)
           WHERE a.customer_id = NEW.id AND a.due_at IS NOT NULL
          UNION ALL
          SELECT 'followup', dash_day(f.at), f.department_id, f.user_id, x.pl, x.sign, CASE WHEN f.effective THEN x.sign ELSE 0 END
            FROM followups f, (VALUES (OLD.product_line_id, -1), (NEW.product_line_id, 1)) x(pl, sign)
           WHERE f.customer_id = NEW.id) m
   GROUP BY kind, day, department_id, owner_id, pl
  ON CONFLICT ON CONSTRAINT dash_daily_key
  DO UPDATE SET total = d.total + EXCLUDED.total, hits = d.hits + EXCLUDED.hits;
  RETURN NULL;
END $$;
CREATE TRIGGER dash_customer_product_line AFTER UPDATE OF product_line_id ON customers
  FOR EACH ROW WHEN (OLD.product_line_id IS DISTINCT FROM NEW.product_line_id)
  EXECUTE FUNCTION dash_customer_product_line();

-- Stage-move facts -------------------------------------------------------------------------
-- One narrow row per stage exit (every move but 'create'), with the department its owner
-- was in at that instant and the opportunity's product line resolved once, at insert:
-- 阶段停留时长 (mean and exact median) and 跨阶段跳转率 scan this, not stage_moves + joins.
-- Kept by the triggers below (stage moves are append-only; an update or delete recomputes
-- its row); core/dashboards/rollups.ts rebuilds and checks it.
CREATE TABLE dash_stage_facts (
  move_id          bigint PRIMARY KEY,
  at               timestamptz NOT NULL,
  department_id    bigint,
  owner_id         bigint,
  product_line_id  bigint,
  stage            text NOT NULL,            -- the stage left (from_stage)
  position         text NOT NULL,            -- 'negotiation/legal_review' or 'contract'
  forward          boolean NOT NULL,         -- advance or skip (not back)
  skip             boolean NOT NULL,         -- kind skip, or (sub-)stages jumped over
  dwell_days       float8                    -- time spent in the position left
);
CREATE INDEX dash_stage_facts_at_idx ON dash_stage_facts (at)
  INCLUDE (department_id, owner_id, product_line_id, stage, position, forward, skip, dwell_days);
CREATE INDEX dash_stage_facts_owner_idx ON dash_stage_facts (owner_id, at);
CREATE INDEX dash_stage_facts_department_idx ON dash_stage_facts (department_id, at)
  INCLUDE (owner_id, product_line_id, stage, position, forward, skip, dwell_days);

-- The facts of a set of stage moves (as rows of stage_moves), resolved now.
CREATE FUNCTION dash_stage_facts_of(p_rows jsonb) RETURNS SETOF dash_stage_facts LANGUAGE sql STABLE AS $$
  SELECT n.id, n.at,
         CASE WHEN h.id IS NOT NULL THEN h.department_id ELSE u.department_id END,
         n.owner_id, o.product_line_id, n.from_stage, n.from_stage || COALESCE('/' || n.from_sub_stage, ''),
         n.kind IN ('advance','skip'), n.kind = 'skip' OR jsonb_array_length(COALESCE(n.skipped, '[]')) > 0,
         COALESCE(n.dwell_seconds::float8,
                  EXTRACT(EPOCH FROM n.at - (SELECT max(p.at) FROM stage_moves p WHERE p.opportunity_id = n.opportunity_id AND p.at < n.at))::float8)
           / 86400.0
    FROM jsonb_to_recordset(p_rows) AS n(id bigint, opportunity_id bigint, from_stage text, from_sub_stage text, kind text,
                                         skipped jsonb, owner_id bigint, dwell_seconds bigint, at timestamptz)
    LEFT JOIN opportunities o ON o.id = n.opportunity_id
    LEFT JOIN users u ON u.id = n.owner_id
    LEFT JOIN user_department_history h ON h.user_id = n.owner_id AND n.at >= h.valid_from AND n.at < h.valid_to
   WHERE n.kind <> 'create' AND n.from_stage IS NOT NULL
$$;

CREATE FUNCTION dash_stage_moves_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dash_stage_facts
  SELECT n.id, n.at,
         CASE WHEN h.id IS NOT NULL THEN h.department_id ELSE u.department_id END,
         n.owner_id, o.product_line_id, n.from_stage, n.from_stage || COALESCE('/' || n.from_sub_stage, ''),
         n.kind IN ('advance','skip'), n.kind = 'skip' OR jsonb_array_length(n.skipped) > 0,
         COALESCE(n.dwell_seconds::float8,
                  EXTRACT(EPOCH FROM n.at - (SELECT max(p.at) FROM stage_moves p WHERE p.opportunity_id = n.opportunity_id AND p.at < n.at))::float8)
           / 86400.0
    FROM dash_new n
    LEFT JOIN opportunities o ON o.id = n.opportunity_id
    LEFT JOIN users u ON u.id = n.owner_id
    LEFT JOIN user_department_history h ON h.user_id = n.owner_id AND n.at >= h.valid_from AND n.at < h.valid_to
   WHERE n.kind <> 'create' AND n.from_stage IS NOT NULL
  ON CONFLICT (move_id) DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION dash_stage_moves_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dash_stage_facts WHERE move_id = OLD.id;
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO dash_stage_facts SELECT * FROM dash_stage_facts_of(jsonb_build_array(to_jsonb(NEW)));
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION dash_stage_moves_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE dash_stage_facts;
  RETURN NULL;
END $$;

CREATE TRIGGER dash_stage_moves_insert AFTER INSERT ON stage_moves
  REFERENCING NEW TABLE AS dash_new FOR EACH STATEMENT EXECUTE FUNCTION dash_stage_moves_insert();
CREATE TRIGGER dash_stage_moves_change AFTER UPDATE OR DELETE ON stage_moves
  FOR EACH ROW EXECUTE FUNCTION dash_stage_moves_change();
CREATE TRIGGER dash_stage_moves_truncate AFTER TRUNCATE ON stage_moves
  FOR EACH STATEMENT EXECUTE FUNCTION dash_stage_moves_truncate();

-- An opportunity moving to another product line takes its stage facts along.
CREATE FUNCTION dash_opportunity_product_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE dash_stage_facts f SET product_line_id = NEW.product_line_id
    FROM stage_moves m WHERE m.opportunity_id = NEW.id AND f.move_id = m.id;
  RETURN NULL;
END $$;
CREATE TRIGGER dash_opportunity_product_line AFTER UPDATE OF product_line_id ON opportunities
  FOR EACH ROW WHEN (OLD.product_line_id IS DISTINCT FROM NEW.product_line_id)
  EXECUTE FUNCTION dash_opportunity_product_line();

-- Profile completeness snapshots ---------------------------------------------------------
-- Taken nightly (jobs/dashboard-snapshots.job.ts): the state of active customers at the
-- start of Shanghai day as_of, per department/owner/product line, with the number of
-- customers having each key field filled (filled: {"<field key>": n}).
CREATE TABLE dash_profile_snapshots (
  as_of            date NOT NULL,
  department_id    bigint,
  owner_id         bigint,
  product_line_id  bigint,
  customers        int NOT NULL,
  filled           jsonb NOT NULL DEFAULT '{}',
  taken_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT dash_profile_snapshots_key UNIQUE NULLS NOT DISTINCT (as_of, department_id, owner_id, product_line_id)
);

-- Weekly obstacle heatmaps as sent (jobs/obstacle-heatmap.job.ts) ------------------------
CREATE TABLE obstacle_heatmaps (
  week        date PRIMARY KEY,            -- Monday of the ISO week (Shanghai)
  result      jsonb NOT NULL,              -- the heatmap JSON of GET /api/obstacles/heatmap
  png_sha256  char(64),                    -- the rendered PNG in attachment storage
  created_at  timestamptz NOT NULL DEFAULT now()
);
