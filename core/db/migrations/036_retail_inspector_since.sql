-- since when a store is on an inspector's plan: 巡店覆盖率 counts the patrols due from then on
ALTER TABLE retail_inspector_stores ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
