-- Every tick (or untick) of an opportunity's sub-stage checklist: who, when, and the evidence
-- attached to it. opportunities.checklist stays the current state the stage validator reads;
-- these rows say how it got there (core/resources/opportunity-ticks.ts).
CREATE TABLE opportunity_ticks (
  id              bigserial PRIMARY KEY,
  opportunity_id  bigint NOT NULL REFERENCES opportunities(id),
  -- 'negotiation/legal_review' or 'solution_quote' (core/flow/pipeline.ts positionId)
  position_id     text NOT NULL,
  item_key        text NOT NULL,
  done            boolean NOT NULL,
  attachment_id   bigint REFERENCES attachments(id),
  note            text,
  by_user_id      bigint NOT NULL REFERENCES users(id),
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opportunity_ticks_opportunity_idx ON opportunity_ticks (opportunity_id, position_id, item_key, id DESC);

-- 线索→商机 counts leads that produced an opportunity: found from the lead's side
CREATE INDEX opportunities_lead_idx ON opportunities (lead_id, created_at) WHERE lead_id IS NOT NULL;

-- A lead's assignee takes it on (接收): when (core/leads/lead-workflow.ts acceptLead)
ALTER TABLE leads ADD COLUMN accepted_at timestamptz;
