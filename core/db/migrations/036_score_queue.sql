-- Rescoring on events (issue #20): the event log is the one place every change is written, so the
-- deals whose win score an event may move are queued by a trigger on it, in the event's own
-- transaction — a stage move, an accepted visit report, a follow-up, an evidence verdict, a change
-- in the buying centre cannot commit without queuing the deal, and a rolled-back one queues nothing.
-- core/scoring/rescore.ts empties the queue (the jobs process, woken by the NOTIFY); scoring a deal
-- for any reason takes its row out (core/scoring/scores.ts), so a read finds a queued deal stale.
CREATE SEQUENCE score_queue_seq;
CREATE TABLE score_queue (
  opportunity_id  bigint PRIMARY KEY,
  -- renewed by each event, so a scoring that began before the event never takes the row out
  seq             bigint NOT NULL DEFAULT nextval('score_queue_seq'),
  queued_at       timestamptz NOT NULL DEFAULT now(),
  -- the (first, by name) type of the events that last queued it, for the log
  event_type      text NOT NULL
);
CREATE INDEX score_queue_seq_idx ON score_queue (seq);

-- The event types that change what core/scoring/facts.ts reads (or the model that reads it).
CREATE FUNCTION af_event_moves_score(type text, data jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT type IN ('opportunity.created', 'opportunity.updated', 'opportunity.stage_moved',
                  'share_link.created', 'share_link.revoked', 'share_link.opened', 'share_link.downloaded',
                  'followup.recorded',
                  'action.submitted', 'action.verified', 'action.rejected', 'action.reopened',
                  'evidence.reviewed', 'evidence.appealed',
                  'contact.created', 'contact.updated', 'contact.change_undone',
                  'contact.added', 'contact.role_changed', 'contact.left', 'contact.transferred', 'contact.joined', 'contact.reporting_changed',
                  'scoring_model.trained')
      OR (type = 'config.updated' AND data->>'key' = 'scoring.signals')
$$;

-- Which open deals a statement's events concern: the deals' own events; their customers' follow-ups,
-- actions (visit reports, their evidence verdicts) and contacts (the buying centre); every open deal
-- when the signal rules' setting changes or a model is trained. Gathered as id lists first, then one
-- pass over the deals: a bulk insert of a million events (the demo history) costs one scan, never a
-- join per event.
CREATE FUNCTION af_queue_rescore() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deals bigint[];
  customers bigint[];
  everything boolean;
  kind text;
BEGIN
  SELECT coalesce(array_agg(DISTINCT entity_id) FILTER (WHERE entity_type = 'opportunity'), '{}'),
         coalesce(array_agg(DISTINCT entity_id) FILTER (WHERE entity_type = 'customer'), '{}'),
         coalesce(bool_or(entity_type IN ('setting', 'scoring_model')), false),
         min(type)
    INTO deals, customers, everything, kind
    FROM new_events WHERE af_event_moves_score(type, data);
  IF kind IS NULL THEN
    RETURN NULL;
  END IF;
  customers := customers
    || coalesce((SELECT array_agg(DISTINCT a.customer_id) FROM new_events e JOIN actions a ON a.id = e.entity_id
                  WHERE e.entity_type = 'action' AND af_event_moves_score(e.type, e.data)), '{}')
    || coalesce((SELECT array_agg(DISTINCT k.customer_id) FROM new_events e JOIN contacts k ON k.id = e.entity_id
                  WHERE e.entity_type = 'contact' AND af_event_moves_score(e.type, e.data)), '{}');
  INSERT INTO score_queue (opportunity_id, event_type)
  SELECT o.id, kind FROM opportunities o
   WHERE o.status = 'open' AND (everything OR o.id = ANY(deals) OR o.customer_id = ANY(customers))
  ON CONFLICT (opportunity_id) DO UPDATE SET seq = EXCLUDED.seq, queued_at = EXCLUDED.queued_at, event_type = EXCLUDED.event_type;
  -- delivered when the transaction commits (once per transaction), to the rescoring worker
  IF FOUND THEN
    PERFORM pg_notify('score_queue', '');
  END IF;
  RETURN NULL;
END $$;

-- per statement over the rows it inserted: the demo and bulk writes insert thousands of events at once
CREATE TRIGGER events_queue_rescore AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION af_queue_rescore();
