-- The bespoke settings move onto setting_versions (core/settings). What an admin had
-- changed before becomes version 1 of its setting, so the settings screens show it as
-- the current value and the template's value stays the default. Untouched rows need
-- nothing: their value is the registry's default. The tables stay: hot paths and jobs
-- keep reading them, and every settings change writes them through.
INSERT INTO setting_versions (key, item, version, value, comment, created_at)
SELECT 'keywords.library', k.code, 1, jsonb_build_object('name', k.name, 'words', to_jsonb(k.words)), '沿用升级前的设置', k.updated_at
  FROM keyword_libraries k
 WHERE EXISTS (SELECT 1 FROM events e WHERE e.type = 'config.updated' AND e.entity_type = 'keyword_library' AND e.data->>'code' = k.code);

INSERT INTO setting_versions (key, item, version, value, comment, created_at)
SELECT 'flow.action-definition', d.code, 1,
       jsonb_strip_nulls(jsonb_build_object('code', d.code, 'name', d.name, 'description', d.description, 'rules', d.rules,
                                            'dueWorkingDays', d.due_working_days, 'escalation', d.escalation)),
       '沿用升级前的设置', d.created_at
  FROM action_definitions d WHERE d.active AND d.version > 1;

INSERT INTO setting_versions (key, item, version, value, comment, created_at)
SELECT 'flow.pipeline', p.code, 1, p.definition, '沿用升级前的设置', p.updated_at FROM pipelines p WHERE p.version > 1;

INSERT INTO setting_versions (key, item, version, value, comment, created_at)
SELECT 'flow.process-template', t.code, 1, jsonb_build_object('name', t.name, 'nodes', t.nodes), '沿用升级前的设置', t.updated_at
  FROM process_templates t WHERE t.version > 1;

INSERT INTO setting_versions (key, item, version, value, comment, created_at)
SELECT k.key, '', 1, a.params || jsonb_build_object('enabled', a.enabled), '沿用升级前的设置', a.updated_at
  FROM alert_rules a
  JOIN (VALUES ('silence', 'alerts.silence'), ('legal_review_skips', 'alerts.legal-review-skips'),
               ('overdue_escalation', 'alerts.overdue-escalation'), ('reminders', 'alerts.reminders')) AS k(code, key) ON k.code = a.code
 WHERE EXISTS (SELECT 1 FROM events e WHERE e.type = 'config.updated' AND e.entity_type = 'alert_rule' AND e.data->>'code' = a.code);

INSERT INTO setting_versions (key, item, version, value, comment)
SELECT 'calendar.holidays', y.year, 1,
       jsonb_build_object('days', COALESCE((
         SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('day', h.day, 'kind', h.kind, 'name', h.name)) ORDER BY h.day)
           FROM holidays h WHERE extract(year FROM h.day)::int = y.year::int), '[]'::jsonb)),
       '沿用升级前的设置'
  FROM (SELECT DISTINCT e.data->>'code' AS year FROM events e
         WHERE e.type = 'config.updated' AND e.entity_type = 'holiday_calendar' AND e.data->>'code' ~ '^\d{4}$') y;

INSERT INTO setting_versions (key, item, version, value, comment, created_by, created_at)
SELECT 'dashboards.thresholds', '', 1, s.value->'thresholds', '沿用升级前的设置', s.updated_by, s.updated_at
  FROM settings s WHERE s.key = 'dashboards.thresholds' AND s.value ? 'thresholds';
INSERT INTO setting_versions (key, item, version, value, comment, created_by, created_at)
SELECT 'dashboards.profile-fields', '', 1, jsonb_build_object('fields', s.value->'profileFields'), '沿用升级前的设置', s.updated_by, s.updated_at
  FROM settings s WHERE s.key = 'dashboards.thresholds' AND s.value ? 'profileFields';
DELETE FROM settings WHERE key = 'dashboards.thresholds';
