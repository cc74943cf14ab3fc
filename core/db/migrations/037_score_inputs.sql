-- The win score's inputs from #19 (issue #20): each scored deal's customer's evidence verdicts, read by customer.
CREATE INDEX evidence_reviews_customer_idx ON evidence_reviews (customer_id, created_at);

-- The event types that change what core/scoring/facts.ts reads (or the model that reads it): now with the
-- customer's procurement progress (procurement.recorded), a score input.
CREATE OR REPLACE FUNCTION af_event_moves_score(type text, data jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT type IN ('opportunity.created', 'opportunity.updated', 'opportunity.stage_moved', 'procurement.recorded',
                  'share_link.created', 'share_link.revoked', 'share_link.opened', 'share_link.downloaded',
                  'followup.recorded',
                  'action.submitted', 'action.verified', 'action.rejected', 'action.reopened',
                  'evidence.reviewed', 'evidence.appealed',
                  'contact.created', 'contact.updated', 'contact.change_undone',
                  'contact.added', 'contact.role_changed', 'contact.left', 'contact.transferred', 'contact.joined', 'contact.reporting_changed',
                  'scoring_model.trained')
      OR (type = 'config.updated' AND data->>'key' = 'scoring.signals')
$$;
