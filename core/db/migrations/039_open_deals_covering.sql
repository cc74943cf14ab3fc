-- The win scores read every open deal's stage and dates (core/scoring/facts-now.ts): from this index
-- alone, instead of the deals' wide rows (their checklists), which scoring 100k deals read twice over.
CREATE INDEX opportunities_open_covering_idx ON opportunities (id)
  INCLUDE (customer_id, pipeline_id, stage_code, stage_entered_at, created_at) WHERE status = 'open';
