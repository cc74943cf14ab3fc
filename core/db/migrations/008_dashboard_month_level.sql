-- A monthly level for the dashboards ---------------------------------------------------------
-- The director's overview of a month read ~40k daily rollup rows per metric (1,500 rep ×
-- product-line groups a day), sorted ~140k stage exits for the dwell medians and fetched the
-- month's closed opportunities from the heap. Measured on the generated organisation it was
-- the one dashboard query over its 300 ms budget. Everything here is exact: a monthly rollup
-- kept by the same fold as the daily one, and indexes that let PostgreSQL read a month in the
-- order the aggregates need.

-- The Shanghai month of an instant, as its first day (dash_day's month).
CREATE FUNCTION dash_month(p_at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT date_trunc('month', p_at AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- Monthly rollup --------------------------------------------------------------------------
-- Invariant: dash_monthly is dash_daily summed by month (both change only in
-- dash_fold_deltas and in the rebuild of core/dashboards/rollups.ts), and
-- dash_monthly_current adds the unfolded deltas as dash_daily_current does. Readers take
-- whole months from here and only the days of a partial month from dash_daily.
CREATE TABLE dash_monthly (
  kind             text NOT NULL CHECK (kind IN ('action','followup')),
  month            date NOT NULL CHECK (extract(day FROM month) = 1),
  department_id    bigint,
  owner_id         bigint,
  product_line_id  bigint,
  total            bigint NOT NULL DEFAULT 0,
  hits             bigint NOT NULL DEFAULT 0,
  -- carries the measures: a month's rows are an index-only scan of (kind, month)
  CONSTRAINT dash_monthly_key UNIQUE NULLS NOT DISTINCT (kind, month, department_id, owner_id, product_line_id) INCLUDE (total, hits)
);

INSERT INTO dash_monthly (kind, month, department_id, owner_id, product_line_id, total, hits)
SELECT kind, date_trunc('month', day)::date, department_id, owner_id, product_line_id, sum(total), sum(hits)
  FROM dash_daily
 GROUP BY 1, 2, 3, 4, 5
HAVING sum(total) <> 0 OR sum(hits) <> 0;

CREATE VIEW dash_monthly_current AS
  SELECT kind, month, department_id, owner_id, product_line_id, total, hits FROM dash_monthly
  UNION ALL
  SELECT kind, date_trunc('month', day)::date, department_id, owner_id, product_line_id, total, hits FROM dash_daily_delta;

-- 007's fold, now into both levels from the same summed deltas (one transaction).
CREATE OR REPLACE FUNCTION dash_fold_deltas() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('dash_fold_deltas')) THEN
    RETURN 0;
  END IF;
  WITH moved AS (DELETE FROM dash_daily_delta RETURNING kind, day, department_id, owner_id, product_line_id, total, hits),
       summed AS (SELECT kind, day, department_id, owner_id, product_line_id, sum(total)::bigint AS total, sum(hits)::bigint AS hits, count(*) AS n
                    FROM moved GROUP BY 1, 2, 3, 4, 5),
       applied AS (
         INSERT INTO dash_daily AS d (kind, day, department_id, owner_id, product_line_id, total, hits)
         SELECT kind, day, department_id, owner_id, product_line_id, total, hits FROM summed
          WHERE total <> 0 OR hits <> 0
         ON CONFLICT ON CONSTRAINT dash_daily_key
         DO UPDATE SET total = d.total + EXCLUDED.total, hits = d.hits + EXCLUDED.hits),
       applied_monthly AS (
         INSERT INTO dash_monthly AS m (kind, month, department_id, owner_id, product_line_id, total, hits)
         SELECT kind, date_trunc('month', day)::date, department_id, owner_id, product_line_id, sum(total), sum(hits)
           FROM summed GROUP BY 1, 2, 3, 4, 5
         HAVING sum(total) <> 0 OR sum(hits) <> 0
         ON CONFLICT ON CONSTRAINT dash_monthly_key
         DO UPDATE SET total = m.total + EXCLUDED.total, hits = m.hits + EXCLUDED.hits)
  -- `applied` and `applied_monthly` run whether or not they are read (data-modifying CTEs always do)
  SELECT coalesce(sum(summed.n), 0) INTO n FROM summed;
  RETURN n;
END $$;

CREATE OR REPLACE FUNCTION dash_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dash_daily WHERE kind = TG_ARGV[0];
  DELETE FROM dash_monthly WHERE kind = TG_ARGV[0];
  DELETE FROM dash_daily_delta WHERE kind = TG_ARGV[0];
  RETURN NULL;
END $$;

-- Stage exits of a month in dwell order -------------------------------------------------------
-- 阶段停留 takes exact medians, per position and over all positions, of ~140k exits a month.
-- Read in (position, dwell) order the per-position grouping sorts nothing and each group's
-- values arrive sorted; read in dwell order, so does the overall median (the two are
-- separate queries, see query.ts). Covering, so scope and drill-down filters stay index-only.
CREATE INDEX dash_stage_facts_month_idx ON dash_stage_facts (dash_month(at), position, dwell_days)
  INCLUDE (at, department_id, owner_id, product_line_id, stage);
CREATE INDEX dash_stage_facts_month_dwell_idx ON dash_stage_facts (dash_month(at), dwell_days)
  INCLUDE (at, department_id, owner_id, product_line_id, stage, position);

-- Monthly forward/skip counts of stage exits (跨阶段跳转率) ------------------------------------
-- The rate over whole months sums these (a few thousand rows a month, not ~140k exits).
-- Derived from dash_stage_facts by the statement triggers below, so every way a fact
-- changes (a new move, a recomputed or deleted one, a rep's backdated department change,
-- an opportunity's product line) reaches it in the same transaction. Upserts on one row
-- serialise only moves of the same rep, stage and month, which a rep does not do at once.
CREATE TABLE dash_stage_monthly (
  month            date NOT NULL CHECK (extract(day FROM month) = 1),
  department_id    bigint,
  owner_id         bigint,
  product_line_id  bigint,
  stage            text NOT NULL,              -- the stage left, as dash_stage_facts.stage
  forward          bigint NOT NULL DEFAULT 0,  -- forward exits (advance or skip)
  skips            bigint NOT NULL DEFAULT 0,  -- of which skipped a (sub-)stage
  CONSTRAINT dash_stage_monthly_key UNIQUE NULLS NOT DISTINCT (month, department_id, owner_id, product_line_id, stage)
    INCLUDE (forward, skips)
);

-- One function per event: a trigger function may only name the transition tables its
-- trigger declares.
CREATE FUNCTION dash_stage_monthly_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dash_stage_monthly AS m (month, department_id, owner_id, product_line_id, stage, forward, skips)
  SELECT dash_month(n.at), n.department_id, n.owner_id, n.product_line_id, n.stage, count(*), count(*) FILTER (WHERE n.skip)
    FROM dash_new n WHERE n.forward
   GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT dash_stage_monthly_key
  DO UPDATE SET forward = m.forward + EXCLUDED.forward, skips = m.skips + EXCLUDED.skips;
  RETURN NULL;
END $$;

CREATE FUNCTION dash_stage_monthly_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dash_stage_monthly AS m (month, department_id, owner_id, product_line_id, stage, forward, skips)
  SELECT dash_month(o.at), o.department_id, o.owner_id, o.product_line_id, o.stage, -count(*), -count(*) FILTER (WHERE o.skip)
    FROM dash_old o WHERE o.forward
   GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT dash_stage_monthly_key
  DO UPDATE SET forward = m.forward + EXCLUDED.forward, skips = m.skips + EXCLUDED.skips;
  RETURN NULL;
END $$;

-- An update nets its old and new rows (a department or product line change moves counts).
CREATE FUNCTION dash_stage_monthly_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dash_stage_monthly AS m (month, department_id, owner_id, product_line_id, stage, forward, skips)
  SELECT dash_month(c.at), c.department_id, c.owner_id, c.product_line_id, c.stage, sum(c.sign), sum(CASE WHEN c.skip THEN c.sign ELSE 0 END)
    FROM (SELECT n.at, n.department_id, n.owner_id, n.product_line_id, n.stage, n.skip, 1 AS sign FROM dash_new n WHERE n.forward
          UNION ALL
          SELECT o.at, o.department_id, o.owner_id, o.product_line_id, o.stage, o.skip, -1 FROM dash_old o WHERE o.forward) c
   GROUP BY 1, 2, 3, 4, 5
  HAVING sum(c.sign) <> 0 OR sum(CASE WHEN c.skip THEN c.sign ELSE 0 END) <> 0
  ON CONFLICT ON CONSTRAINT dash_stage_monthly_key
  DO UPDATE SET forward = m.forward + EXCLUDED.forward, skips = m.skips + EXCLUDED.skips;
  RETURN NULL;
END $$;

CREATE FUNCTION dash_stage_monthly_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dash_stage_monthly;
  RETURN NULL;
END $$;

CREATE TRIGGER dash_stage_monthly_insert AFTER INSERT ON dash_stage_facts
  REFERENCING NEW TABLE AS dash_new FOR EACH STATEMENT EXECUTE FUNCTION dash_stage_monthly_insert();
CREATE TRIGGER dash_stage_monthly_update AFTER UPDATE ON dash_stage_facts
  REFERENCING OLD TABLE AS dash_old NEW TABLE AS dash_new FOR EACH STATEMENT EXECUTE FUNCTION dash_stage_monthly_update();
CREATE TRIGGER dash_stage_monthly_delete AFTER DELETE ON dash_stage_facts
  REFERENCING OLD TABLE AS dash_old FOR EACH STATEMENT EXECUTE FUNCTION dash_stage_monthly_delete();
CREATE TRIGGER dash_stage_monthly_truncate AFTER TRUNCATE ON dash_stage_facts
  FOR EACH STATEMENT EXECUTE FUNCTION dash_stage_monthly_truncate();

INSERT INTO dash_stage_monthly (month, department_id, owner_id, product_line_id, stage, forward, skips)
SELECT dash_month(at), department_id, owner_id, product_line_id, stage, count(*), count(*) FILTER (WHERE skip)
  FROM dash_stage_facts WHERE forward
 GROUP BY 1, 2, 3, 4, 5;

-- Closes and new leads of a period without visiting the heap (商机→合同, 线索→商机) -----------
CREATE INDEX opportunities_closed_covering_idx ON opportunities (closed_at) INCLUDE (status, owner_id, product_line_id)
  WHERE closed_at IS NOT NULL;
DROP INDEX opportunities_closed_idx;
CREATE INDEX leads_created_covering_idx ON leads (created_at) INCLUDE (status, assignee_id, department_id);
DROP INDEX leads_created_idx;

-- statistics for the new tables and the month expression (the planner picks the month indexes by them)
ANALYZE dash_monthly, dash_stage_monthly, dash_stage_facts, opportunities, leads;
