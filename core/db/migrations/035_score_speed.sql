-- Win scores at scale (issue #20).

-- The moves that jumped over 法务审核, a handful among all moves: scoring every open deal
-- reads them from this index instead of testing each move's JSON.
CREATE INDEX stage_moves_legal_skip_idx ON stage_moves (opportunity_id) WHERE skipped @> '[{"subStageKey":"legal_review"}]'::jsonb;

-- The decision maker met (core/scoring/facts*.ts): of all follow-ups, the in-person ones with evidence, read for
-- every scored deal's customer without scanning the rest.
CREATE INDEX followups_in_person_evidenced_idx ON followups (customer_id, at) WHERE has_evidence AND channel IN ('visit', 'meeting');

-- The probability of the deal's last history point: a scoring appends to the history only when
-- the score moved from it by half a point or more, without looking the history up.
ALTER TABLE opportunity_scores ADD COLUMN charted real;
UPDATE opportunity_scores s SET charted = (SELECT h.probability FROM opportunity_score_history h
  WHERE h.opportunity_id = s.opportunity_id ORDER BY h.at DESC LIMIT 1);

-- Scores are derived rows, written tens of thousands at a time for ids just read from opportunities (never
-- deleted): checking each row's foreign key cost as much as writing it (40 µs a row, 4 s for 100k deals).
ALTER TABLE opportunity_scores DROP CONSTRAINT opportunity_scores_opportunity_id_fkey;
ALTER TABLE opportunity_score_history DROP CONSTRAINT opportunity_score_history_opportunity_id_fkey;
