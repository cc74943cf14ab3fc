-- The rollup of clerks' entries against the POS (retail_entry_days, 038) made cheap for bulk POS writes (#21): a
-- 1M-row import restating POS rows over clerks' entries took 80–95 s under load (35 s with the triggers off), the
-- triggers' two statements ~9 s of PostgreSQL CPU: a row-by-row join of the statement's old and new rows sorted on
-- disk, then a recount that also rewrote every day's entries and on-time flag from scratch.
--
-- A POS row changes nothing but its own product's match: a day's entries and its on-time flag are the clerk's side.
-- So a POS statement recounts only the matches (matched, exact, the differing figures), only for the days that have
-- an entry, writes only the rows whose counts moved, and never inserts or deletes a rollup row (an entered day has
-- its row, kept by the clerk side under the same store lock). Rows whose units did not change are not compared one
-- by one any more: the merge of an import leaves unchanged rows out of the statement already, and a day recounted
-- with its figures unchanged writes nothing.
--
-- Both sides sort and hash a million rows at most once per statement: they get the memory for it (the server's
-- default 4 MB spilled every sort to disk), and a plan made for the statement's own arrays, never a generic plan
-- cached from small writes (a clerk's one entry) and reused for a million rows.

-- The matches of the given store-days recounted; the caller holds the stores (retail_entry_days_lock).
-- (Memoize off: each entry looks up its own POS row, a cache of a million misses only costs.)
CREATE FUNCTION retail_entry_days_rematch(stores bigint[], days date[]) RETURNS void LANGUAGE plpgsql
SET work_mem = '64MB' SET plan_cache_mode = force_custom_plan SET enable_memoize = off AS $$
BEGIN
  WITH c AS (
    SELECT k.store_id, k.day, count(r.units)::int AS matched,
           count(*) FILTER (WHERE k.units = r.units)::int AS exact,
           coalesce(array_agg(k.units ORDER BY k.product_id) FILTER (WHERE k.units <> r.units), '{}') AS clerk_units,
           coalesce(array_agg(r.units ORDER BY k.product_id) FILTER (WHERE k.units <> r.units), '{}') AS pos_units
      FROM unnest(stores, days) AS t(s, d) JOIN retail_clerk_sales k ON k.store_id = t.s AND k.day = t.d
      LEFT JOIN retail_sales r ON r.store_id = k.store_id AND r.product_id = k.product_id AND r.day = k.day
     GROUP BY 1, 2)
  UPDATE retail_entry_days e SET matched = c.matched, exact = c.exact, clerk_units = c.clerk_units, pos_units = c.pos_units
    FROM c
   WHERE e.store_id = c.store_id AND e.day = c.day
     AND (e.matched, e.exact, e.clerk_units, e.pos_units) IS DISTINCT FROM (c.matched, c.exact, c.clerk_units, c.pos_units);
END $$;

-- Every writer of a store's entries or POS figures takes the store's row first (see 038): a POS statement takes the
-- stores of all its rows before it reads which of their days have entries, so an entry written meanwhile in another
-- transaction is either committed and seen, or its writer waits and counts this statement's POS rows.
CREATE FUNCTION retail_entry_days_lock(stores bigint[]) RETURNS void LANGUAGE plpgsql
SET work_mem = '64MB' SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  PERFORM 1 FROM retail_stores WHERE customer_id IN (SELECT unnest(stores)) ORDER BY customer_id FOR NO KEY UPDATE;
END $$;

-- After each statement on retail_sales: the store-days its rows had or have.
CREATE FUNCTION retail_entry_days_pos_touch() RETURNS trigger LANGUAGE plpgsql
SET work_mem = '64MB' SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  stores bigint[];
  days date[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(store_id), array_agg(day) INTO stores, days FROM (SELECT DISTINCT store_id, day FROM new_rows) t;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(store_id), array_agg(day) INTO stores, days FROM (SELECT DISTINCT store_id, day FROM old_rows) t;
  ELSE
    SELECT array_agg(store_id), array_agg(day) INTO stores, days
      FROM (SELECT store_id, day FROM new_rows UNION SELECT store_id, day FROM old_rows) t;
  END IF;
  IF stores IS NOT NULL THEN
    PERFORM retail_entry_days_lock(stores);
    PERFORM retail_entry_days_rematch(stores, days);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER retail_entry_days_pos_insert ON retail_sales;
DROP TRIGGER retail_entry_days_pos_update ON retail_sales;
DROP TRIGGER retail_entry_days_pos_delete ON retail_sales;
CREATE TRIGGER retail_entry_days_pos_insert AFTER INSERT ON retail_sales REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION retail_entry_days_pos_touch();
CREATE TRIGGER retail_entry_days_pos_update AFTER UPDATE ON retail_sales REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION retail_entry_days_pos_touch();
CREATE TRIGGER retail_entry_days_pos_delete AFTER DELETE ON retail_sales REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION retail_entry_days_pos_touch();

-- The clerk's side, now its triggers' only function: the same memory and plans (the demo's and the benchmark's
-- generators enter a million at once).
CREATE OR REPLACE FUNCTION retail_entry_days_touch() RETURNS trigger LANGUAGE plpgsql
SET work_mem = '64MB' SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  stores bigint[];
  days date[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(store_id), array_agg(day) INTO stores, days FROM (SELECT DISTINCT store_id, day FROM new_rows) t;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(store_id), array_agg(day) INTO stores, days FROM (SELECT DISTINCT store_id, day FROM old_rows) t;
  ELSE
    SELECT array_agg(store_id), array_agg(day) INTO stores, days
      FROM (SELECT store_id, day FROM new_rows UNION SELECT store_id, day FROM old_rows) t;
  END IF;
  IF stores IS NOT NULL THEN PERFORM retail_entry_days_recount(stores, days); END IF;
  RETURN NULL;
END $$;
ALTER FUNCTION retail_entry_days_recount(bigint[], date[]) SET work_mem = '64MB';
ALTER FUNCTION retail_entry_days_recount(bigint[], date[]) SET plan_cache_mode = force_custom_plan;
