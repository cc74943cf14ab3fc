-- A mandatory process can be paused (its nodes' deadlines stop running and nothing
-- escalates) and resumed (open nodes' deadlines move by the pause), or cancelled (open
-- nodes archived with the reason); core/actions/processes.ts.
ALTER TABLE process_instances
  ADD COLUMN status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active','paused','cancelled')),
  ADD COLUMN status_reason text,
  ADD COLUMN paused_at     timestamptz,
  ADD COLUMN status_by     bigint REFERENCES users(id),
  ADD COLUMN status_at     timestamptz;
