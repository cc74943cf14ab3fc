-- The buying centre as it stood at a moment (issue #20): training replays each closed deal as it was,
-- and read today's roles, attitudes and 内线 for deals closed long ago — an outcome's time leaking into
-- its features. Every change of a contact is already a contact event carrying the contact's facts after
-- it; what was missing is the start: contacts written before that history (or by a generator) have no
-- event saying what they were when first known. 'first_known' is that event, one per such contact.
ALTER TABLE contact_events DROP CONSTRAINT contact_events_kind_check;
ALTER TABLE contact_events ADD CONSTRAINT contact_events_kind_check
  CHECK (kind IN ('added','role_changed','transferred','left','joined','reporting_changed','first_known'));

-- What a contact event records of a contact (core/resources/contacts.ts chainFacts), for SQL that writes history.
CREATE FUNCTION af_contact_facts(k contacts) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'name', k.name, 'department', k.department, 'title', k.title, 'buyingRole', k.buying_role, 'attitude', k.attitude,
    'isCoach', k.is_coach, 'reportsToId', k.reports_to_id, 'reportsToName', (SELECT b.name FROM contacts b WHERE b.id = k.reports_to_id),
    'status', k.status)
$$;

-- For every contact with no event that created it: the facts from before its earliest change (or, with
-- none, its row as it is), dated the day it was created (or its earliest change, if that was dated
-- earlier), recorded when it was created. Run here once, and by generators that write contacts directly.
CREATE FUNCTION af_record_first_known_contacts() RETURNS integer LANGUAGE sql AS $$
  WITH missing AS (
    SELECT k.id FROM contacts k
     WHERE NOT EXISTS (SELECT 1 FROM contact_events e WHERE e.contact_id = k.id AND e.kind IN ('added', 'joined', 'first_known'))),
  earliest AS (
    SELECT DISTINCT ON (e.contact_id) e.contact_id, e.before, e.occurred_on
      FROM contact_events e JOIN missing m ON m.id = e.contact_id
     ORDER BY e.contact_id, e.occurred_on, e.id),
  ins AS (
    INSERT INTO contact_events (customer_id, contact_id, kind, occurred_on, before, after, note, source, recorded_by, recorded_at)
    SELECT k.customer_id, k.id, 'first_known', least((k.created_at AT TIME ZONE 'Asia/Shanghai')::date, x.occurred_on), '{}',
           coalesce(nullif(x.before, '{}'::jsonb), af_contact_facts(k)), NULL, 'import', NULL, k.created_at
      FROM missing m JOIN contacts k ON k.id = m.id LEFT JOIN earliest x ON x.contact_id = m.id
     ORDER BY k.id
    RETURNING 1)
  SELECT count(*)::int FROM ins
$$;

SELECT af_record_first_known_contacts();
