-- A statement that writes several tables at once (core/db/statement.ts) outside an
-- explicit transaction must fail as a whole when the row it is about changed under it
-- (an optimistic version check that matched nothing): plain SQL cannot raise, this
-- does. 40001 is what core/db/pool.ts translates to CONFLICT (409).
CREATE FUNCTION af_conflict_unless(ok boolean, detail text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION 'conflict: %', detail USING ERRCODE = '40001';
  END IF;
  RETURN true;
END
$$;
