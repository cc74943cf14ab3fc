-- The Shanghai calendar day of an instant: the SQL twin of core/flow/time.ts shanghaiDate, the
-- one place SQL computes it. A fixed +08:00, as there: China has had no daylight saving since 1991.
CREATE FUNCTION shanghai_day(p_at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (timezone('UTC', p_at) + interval '8 hours')::date
$$;

-- The dashboards' triggers call it by their own name (migration 006); that name now defers to it.
CREATE OR REPLACE FUNCTION dash_day(p_at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT shanghai_day(p_at)
$$;
