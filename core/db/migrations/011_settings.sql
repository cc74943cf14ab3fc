-- One settings mechanism (core/settings): every change to a registered setting is a
-- row here, never an update. A row belongs to one setting (key, and item for settings
-- kept per code such as a keyword library), one scope (the organisation when
-- department_id is NULL, else that department's subtree; optionally one customer type)
-- and carries the whole value, so any version can be read back, restored, or found as
-- the one in force at a past moment (the latest with created_at <= that moment).
CREATE TABLE setting_versions (
  id             bigserial PRIMARY KEY,
  key            text NOT NULL,
  item           text NOT NULL DEFAULT '',
  department_id  bigint REFERENCES departments(id),
  customer_type  text CHECK (customer_type IN ('ka','hospital','store','dealer')),
  version        int NOT NULL CHECK (version >= 1),
  -- NULL: this scope's own value was cleared; the parent scope (or the default) applies again
  value          jsonb,
  -- what changed against the previous version of the same scope: [{ path, before, after }]
  diff           jsonb NOT NULL DEFAULT '[]',
  comment        text,
  restored_from  int,
  created_by     bigint REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX setting_versions_scope_uq
  ON setting_versions (key, item, coalesce(department_id, 0), coalesce(customer_type, ''), version);
CREATE INDEX setting_versions_read_idx ON setting_versions (key, item, created_at);

-- Follow-up standards move here (key 'followup.standard', one scope per customer type).
-- Rows still at version 1 are the template's defaults, which the registry supplies itself.
INSERT INTO setting_versions (key, department_id, customer_type, version, value, comment, created_at)
SELECT 'followup.standard', NULL, customer_type, 1, standard, '沿用升级前的设置', updated_at
  FROM followup_standards WHERE version > 1;
DROP TABLE followup_standards;
