-- A what-if for bench/visit-submit.bench.ts, never a migration:
--   BENCH_VISIT_SQL=bench/visit-ceiling.sql npx tsx bench/visit-submit.bench.ts
-- How fast would a visit report be without the database work that is not its
-- own rows? Drops what a submission's one statement pays for besides writing
-- its rows: the dashboards' delta triggers, the foreign-key checks of the
-- tables it appends to (each also writes a row lock to WAL), and the indexes
-- that other screens read by. The actions update becomes HOT (no index names
-- `status` any more, and pages keep room for the new version).

DROP TRIGGER dash_actions_update ON actions;
DROP TRIGGER dash_followups_insert ON followups;

ALTER TABLE events DROP CONSTRAINT events_actor_id_fkey;
ALTER TABLE submissions DROP CONSTRAINT submissions_submitted_by_fkey,
  DROP CONSTRAINT submissions_action_id_fkey, DROP CONSTRAINT submissions_definition_id_fkey;
ALTER TABLE followups DROP CONSTRAINT followups_user_id_fkey, DROP CONSTRAINT followups_department_id_fkey,
  DROP CONSTRAINT followups_customer_id_fkey, DROP CONSTRAINT followups_action_id_fkey;
ALTER TABLE supervisor_todos DROP CONSTRAINT supervisor_todos_action_id_fkey,
  DROP CONSTRAINT supervisor_todos_supervisor_id_fkey;

DROP INDEX actions_customer_idx;
DROP INDEX actions_open_due_idx;
ALTER TABLE actions SET (fillfactor = 70);
DROP INDEX outbox_recipient_idx;
DROP INDEX outbox_status_idx;
DROP INDEX followups_at_idx;
DROP INDEX followups_department_idx;
DROP INDEX followups_user_idx;
DROP INDEX events_type_at_idx;
DROP INDEX submissions_definition_idx;
